#!/usr/bin/env python3
"""Regenerate the Nova policy catalogs in this directory from real Nova.

For each Nova major release we download that release's wheel from PyPI
(``pip download --no-deps``), take only its ``nova/policies`` package (which
imports nothing of Nova but itself and oslo.policy), import it in a child
Python under a stub ``nova`` package, and dump every registered rule: name,
default check string, description, operations, scope types, DeprecatedRule
and deprecation fields.  The result is ``nova-<release>.yaml``.

Usage::

    python policies/regenerate.py              # every release in RELEASES
    python policies/regenerate.py --release 34 --wheel-dir /tmp/wheels

Nothing here is typed by hand: to add a release, add it to RELEASES and run
the script.  ``tests/functional/test_policy_catalog.py`` checks the newest
catalog against the installed Nova's registered defaults.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

import yaml

HERE = pathlib.Path(__file__).resolve().parent

#: Nova major release -> the PyPI version the catalog is generated from.
RELEASES = {
    29: '29.4.0',   # 2024.1 Caracal
    30: '30.3.0',   # 2024.2 Dalmatian
    31: '31.3.1',   # 2025.1 Epoxy
    32: '32.2.1',   # 2025.2 Flamingo: migrate/migrate_live -> manager
    33: '33.0.2',   # 2026.1 Gazpacho
    34: '34.0.0',   # 2026.2
}

CATALOG_VERSION = 1

_DUMP = r'''
import json, sys
import nova.policies
out = []
for r in nova.policies.list_rules():
    d = getattr(r, 'deprecated_rule', None)
    out.append({
        'name': r.name,
        'check_str': r.check_str,
        'description': r.description,
        'operations': [dict(o) for o in getattr(r, 'operations', None) or []],
        'scope_types': list(r.scope_types or []),
        'deprecated_for_removal': bool(r.deprecated_for_removal),
        'deprecated_reason': r.deprecated_reason,
        'deprecated_since': r.deprecated_since,
        'deprecated_rule': None if d is None else {
            'name': d.name,
            'check_str': d.check_str,
            'deprecated_reason': d.deprecated_reason,
            'deprecated_since': d.deprecated_since,
        },
    })
json.dump(out, sys.stdout)
'''


def download_wheel(version, wheel_dir):
    wheel = wheel_dir / f'nova-{version}-py3-none-any.whl'
    if not wheel.exists():
        subprocess.run(
            [sys.executable, '-m', 'pip', 'download', '--quiet', '--no-deps',
             f'nova=={version}', '-d', str(wheel_dir)],
            check=True)
    return wheel


def dump_rules(wheel):
    """Import the wheel's nova.policies under a stub package; return rules."""
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        with zipfile.ZipFile(wheel) as zf:
            members = [m for m in zf.namelist()
                       if m.startswith('nova/policies/') and m.endswith('.py')]
            zf.extractall(root, members)
        (root / 'nova' / '__init__.py').write_text('')
        proc = subprocess.run(
            [sys.executable, '-c', _DUMP], cwd=root, check=True,
            capture_output=True, text=True,
            env={'PYTHONPATH': str(root), 'PATH': '/usr/bin:/bin'})
    return json.loads(proc.stdout)


def dump_installed_rules():
    """The installed Nova's version and registered rules (child Python)."""
    code = ('import json, sys, importlib.metadata as m\n'
            'print(m.version("nova"))\n' + _DUMP)
    proc = subprocess.run([sys.executable, '-c', code], check=True,
                          capture_output=True, text=True)
    version, _, body = proc.stdout.partition('\n')
    return version.strip(), json.loads(body)


def check_installed():
    """Compare the installed Nova's defaults with our catalog; 0 if equal."""
    version, rules = dump_installed_rules()
    release = int(version.split('.')[0])
    path = HERE / f'nova-{release}.yaml'
    shipped = yaml.safe_load(path.read_text())
    fresh = to_catalog(release, version, rules)
    diffs = [name for name in set(shipped['rules']) | set(fresh['rules'])
             if shipped['rules'].get(name) != fresh['rules'].get(name)]
    for name in sorted(diffs):
        print(f'differs: {name}')
    print(f'{path.name}: {len(fresh["rules"])} rules of installed nova '
          f'{version}, {len(diffs)} differ')
    return 1 if diffs else 0


def to_catalog(release, version, rules):
    body = {}
    for rule in rules:
        entry = {k: v for k, v in rule.items() if k != 'name'}
        for key in ('deprecated_reason', 'deprecated_since',
                    'deprecated_rule'):
            if entry[key] is None:
                del entry[key]
        if not entry['deprecated_for_removal']:
            del entry['deprecated_for_removal']
        body[rule['name']] = entry
    return {
        'catalog_version': CATALOG_VERSION,
        'release': release,
        'nova_version': version,
        'rules': body,
    }


def write_catalog(release, catalog):
    header = (f'# Nova {catalog["nova_version"]} policy defaults, generated by '
              f'policies/regenerate.py from the PyPI wheel. Do not edit.\n')
    text = header + yaml.safe_dump(catalog, sort_keys=False, width=79,
                                   allow_unicode=True)
    (HERE / f'nova-{release}.yaml').write_text(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--release', type=int, action='append',
                        choices=sorted(RELEASES))
    parser.add_argument('--wheel-dir', type=pathlib.Path)
    parser.add_argument('--check-installed', action='store_true',
                        help='compare the installed Nova with its catalog')
    args = parser.parse_args(argv)
    if args.check_installed:
        return check_installed()
    with tempfile.TemporaryDirectory() as tmp:
        wheel_dir = args.wheel_dir or pathlib.Path(tmp)
        wheel_dir.mkdir(parents=True, exist_ok=True)
        for release in args.release or sorted(RELEASES):
            version = RELEASES[release]
            rules = dump_rules(download_wheel(version, wheel_dir))
            write_catalog(release, to_catalog(release, version, rules))
            print(f'nova-{release}.yaml: {len(rules)} rules from nova '
                  f'{version}')


if __name__ == '__main__':
    sys.exit(main())
