"""Dump an OpenStack service's registered policy defaults (shared core).

Used by ``regenerate.py``.  A service's policy package (``nova.policies``,
``neutron.conf.policies``, ``cinder.policies``, ``placement.policies``)
exposes ``list_rules()``; we import it in a child Python and print every
rule as JSON.  Two ways to get that package:

* from a release wheel: extract only the policy package (and whatever
  :class:`catalog_services.Service` says it needs) under stub parent
  packages, so nothing else of the service is imported;
* from an installed service, in any Python (``--python``): the real thing.
"""

import json
import pathlib
import re
import subprocess
import sys
import tempfile
import zipfile

CATALOG_VERSION = 1

_DUMP = r'''
import importlib, json, sys
policies = importlib.import_module(sys.argv[1])
out = []
for r in policies.list_rules():
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

_VERSIONS = r'''
import importlib.metadata as m, json, sys
print(json.dumps({d: m.version(d) for d in sys.argv[1:]}))
'''


def download_wheel(requirement, wheel_dir):
    """``pip download --no-deps`` one requirement; return the wheel's path.

    Each requirement gets its own directory, so a second run reuses the
    wheel it downloaded before.
    """
    target = wheel_dir / re.sub(r'[^A-Za-z0-9.]+', '_', requirement)
    wheels = sorted(target.glob('*.whl'))
    if not wheels:
        subprocess.run(
            [sys.executable, '-m', 'pip', 'download', '--quiet', '--no-deps',
             '--only-binary', ':all:', requirement, '-d', str(target)],
            check=True)
        wheels = sorted(target.glob('*.whl'))
    if len(wheels) != 1:
        raise LookupError(f'{requirement}: expected one wheel in {target}')
    return wheels[0]


def wheel_requirement(wheel, dist):
    """The ``Requires-Dist`` line of ``dist`` in a wheel's METADATA."""
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist()
                    if n.endswith('.dist-info/METADATA'))
        for line in zf.read(meta).decode().splitlines():
            if line.lower().startswith(f'requires-dist: {dist}'):
                return line.split(':', 1)[1].strip()
    raise LookupError(f'{wheel.name} does not require {dist}')


def extract(wheel, root, *, paths, stubs):
    """Extract the ``paths`` (prefixes) of a wheel; add empty stub packages."""
    with zipfile.ZipFile(wheel) as zf:
        members = [m for m in zf.namelist()
                   if m.endswith('.py') and m.startswith(tuple(paths))]
        zf.extractall(root, members)
    for stub in stubs:
        init = root / stub / '__init__.py'
        init.parent.mkdir(parents=True, exist_ok=True)
        init.write_text('')


def dump_extracted(module, wheels):
    """Rules of ``module`` from wheels: [(wheel, paths, stubs), ...]."""
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        for wheel, paths, stubs in wheels:
            extract(wheel, root, paths=paths, stubs=stubs)
        proc = subprocess.run(
            [sys.executable, '-c', _DUMP, module], cwd=root, check=True,
            capture_output=True, text=True,
            env={'PYTHONPATH': str(root), 'PATH': '/usr/bin:/bin'})
    return json.loads(proc.stdout)


def dump_installed(module, dists, *, python=None):
    """(versions of ``dists``, rules of ``module``) in an installed Python."""
    python = python or sys.executable
    run = {'check': True, 'capture_output': True, 'text': True}
    versions = json.loads(subprocess.run(
        [python, '-c', _VERSIONS, *dists], **run).stdout)
    rules = json.loads(subprocess.run([python, '-c', _DUMP, module],
                                      **run).stdout)
    return versions, rules


def rules_body(rules):
    """Rule name -> entry, dropping empty deprecation fields."""
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
    return body


def differing_rules(shipped, fresh):
    """Names whose entry differs between two rule bodies, sorted."""
    return sorted(name for name in set(shipped) | set(fresh)
                  if shipped.get(name) != fresh.get(name))
