"""The plain wheel: built from a tree without .git, installed with NO extras
into a fresh virtualenv, run from outside the source tree.

``pip install osmigcfg`` must run every command (DESIGN: extras only add
optional features).  The wheel is built and installed once for this module;
then every command of the ``openstack.migration.v1`` entry points shows its
help, ``import plan`` reads documents, ``report`` reads a journal the wheel's
own ``drain`` wrote against the real-Nova sandbox (started from the test
virtualenv), and the optional features say which extra they need.  The
wheel's processes run without PYTHONPATH, so they import the installed copy.
"""

import configparser
import json
import os
import pathlib
import shutil
import subprocess
import sys
import types
import venv

import pytest

from tests.functional import migrate_support as ms
from tests.unit.crosscloud.conftest import document_text
from tests.unit.crosscloud.conftest import network
from tests.unit.crosscloud.conftest import subnet

ROOT = pathlib.Path(__file__).parents[2]
pytestmark = pytest.mark.wheel
SKIP = {'.git', '.venv', '.venv-clouds', 'build', 'dist', '.pytest_cache',
        '.hypothesis'}
PREFIX = 'migration_'
# Runs in the wheel's python: `osmigcfg <command> --help` for each command
# named in argv[1] (JSON), in one process (31 interpreters would take a
# minute); a module that fails to import fails again for every command.
HELP_ALL = """
import contextlib, io, json, sys
from osmigcfg.cli import app
sys.argv[0] = 'osmigcfg'
results = {}
for name in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = app.main([*name.split(), '--help'])
        except SystemExit as e:
            status = e.code
    results[name] = [status, out.getvalue(), err.getvalue()]
print(json.dumps(results))
"""
UNREACHABLE_CLOUDS = """\
clouds:
  far:
    auth:
      auth_url: http://127.0.0.1:9/v3
      username: u
      password: p
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
"""


def _commands():
    """Every command name of the plugin's entry points, prefix dropped."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / 'setup.cfg')
    names = parser['options.entry_points']['openstack.migration.v1']
    return [line.split('=')[0].strip()[len(PREFIX):].replace('_', ' ')
            for line in names.strip().splitlines()]


def _copy_tree(dst):
    def ignore(directory, names):
        top = pathlib.Path(directory) == ROOT
        return [n for n in names if (top and n in SKIP) or n == '__pycache__'
                or n.endswith('.egg-info') or n.startswith('.ci-venv')]
    shutil.copytree(ROOT, dst, ignore=ignore)


def _run(argv, cwd, env=None, timeout=900):
    env = dict(env or os.environ, PIP_DISABLE_PIP_VERSION_CHECK='1',
               PYTHONWARNINGS='ignore')
    env.pop('PYTHONPATH', None)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope='module')
def plain(tmp_path_factory):
    """The wheel installed with no extras: its bin dir and a work dir."""
    tmp_path = tmp_path_factory.mktemp('wheel')
    src = tmp_path / 'src'
    _copy_tree(src)
    assert not (src / '.git').exists()
    # './src', not 'src': pip would take a bare name for a PyPI project
    built = _run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-w',
                  str(tmp_path / 'dist'), './src'], cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / 'dist').glob('osmigcfg-*.whl'))
    venv.EnvBuilder(with_pip=True).create(tmp_path / 'venv')
    bindir = tmp_path / 'venv' / 'bin'
    installed = _run([str(bindir / 'pip'), 'install', '-q', str(wheel)],
                     cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr[-2000:]
    work = tmp_path / 'elsewhere'
    work.mkdir()
    return types.SimpleNamespace(bindir=bindir, work=work,
                                 osmigcfg=str(bindir / 'osmigcfg'))


def test_no_extra_is_installed(plain):
    probe = _run([str(plain.bindir / 'python'), '-c',
                  'from osmigcfg import extras; '
                  'print(*[n for n in extras.EXTRAS if extras.installed(n)])'],
                 cwd=plain.work)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == []


def test_every_command_shows_its_help(plain):
    commands = _commands()
    assert len(commands) >= 31 and 'drain' in commands
    ran = _run([str(plain.bindir / 'python'), '-c', HELP_ALL,
                json.dumps(commands)], cwd=plain.work)
    assert ran.returncode == 0, ran.stderr[-2000:]
    results = json.loads(ran.stdout)
    failed = {name: err.strip().splitlines()[-1:]
              for name, (status, out, err) in results.items()
              if status != 0 or f' {name} [' not in out.split('\n\n')[0]}
    assert failed == {}
    assert len(results) == len(commands)


def test_wheel_install_renders_and_validates(plain):
    rendered = _run([plain.osmigcfg, 'policy', 'render',
                     '--profile', 'mosk-24.3', '-o', 'p.yaml'], cwd=plain.work)
    assert rendered.returncode == 0, rendered.stderr
    checked = _run([plain.osmigcfg, 'policy', 'validate',
                    'p.yaml', '-f', 'value', '-c', 'Severity'], cwd=plain.work)
    assert checked.returncode == 0, checked.stderr
    assert set(checked.stdout.split()) <= {'info'}
    _assert_data_files_installed(plain.bindir, plain.work)


def _documents(directory):
    directory.mkdir()
    (directory / 'networks.yaml').write_text(
        document_text('network', [network('n1')]))
    (directory / 'subnets.yaml').write_text(
        document_text('subnet', [subnet('s1', 'n1')]))
    return directory


def test_import_plan_reads_documents(plain, tmp_path):
    docs = _documents(tmp_path / 'docs')
    planned = _run([plain.osmigcfg, 'import', 'plan', str(docs), '-f',
                    'json'], cwd=plain.work)
    assert planned.returncode == 0, planned.stderr
    assert [(r['Action'], r['Type'], r['Name'])
            for r in json.loads(planned.stdout)] == [
        ('valid', 'network', 'n1'), ('valid', 'subnet', 's1')]


def _one_line_error(proc):
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert 'Traceback' not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_optional_features_name_their_extra(plain, tmp_path):
    rehearse = _run([plain.osmigcfg, 'policy', 'rehearse', '--profile',
                     'upstream'], cwd=plain.work)
    assert _one_line_error(rehearse).startswith(
        "policy rehearse needs the 'rehearse' extra, which is not installed")
    assert "pip install 'osmigcfg[rehearse]'" in rehearse.stderr
    env = dict(os.environ, OSMIGCFG_TRANSPORT_URL='memory://')
    worker = _run([plain.osmigcfg, 'worker', '--topic', 't'], cwd=plain.work,
                  env=env)
    assert _one_line_error(worker) == (
        "worker needs the 'scale' extra, which is not installed (no module "
        "kombu): pip install 'osmigcfg[scale]'")
    docs = _documents(tmp_path / 'docs')
    (tmp_path / 'clouds.yaml').write_text(UNREACHABLE_CLOUDS)
    env['OS_CLIENT_CONFIG_FILE'] = str(tmp_path / 'clouds.yaml')
    copy_on_workers = _run([plain.osmigcfg, 'copy', str(docs), '--src-cloud',
                            'far', '--dst-cloud', 'far', '--workers', 't'],
                           cwd=plain.work, env=env)
    assert "needs the 'scale' extra" in _one_line_error(copy_on_workers)
    # a local copy needs no extra: it gets as far as the (absent) cloud
    copy = _run([plain.osmigcfg, 'copy', str(docs), '--src-cloud', 'far',
                 '--dst-cloud', 'far'], cwd=plain.work, env=env)
    assert copy.returncode == 1 and 'Traceback' not in copy.stderr
    assert 'kombu' not in copy.stderr and 'extra' not in copy.stderr
    assert '127.0.0.1:9' in copy.stderr.strip().splitlines()[-1]


@pytest.fixture
def nova(nova_sandbox):
    yield nova_sandbox
    ms.delete_everything(nova_sandbox.admin)


@pytest.mark.nova
def test_drain_and_report_run_from_the_plain_wheel(plain, nova, tmp_path):
    admin = nova.admin
    made = ms.boot_many(admin, ['w-1', 'w-2'], host='host1',
                        flavor=ms.micro_flavor(admin))
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(nova.token_env(*ms.ADMIN), OSMIGCFG_STATE_DIR=str(tmp_path))
    journal = str(tmp_path / 'drain.journal')
    drained = _run([plain.osmigcfg, 'drain', 'host1', '--yes', '--journal',
                    journal, *ms.identity_args(ms.ADMIN)], cwd=plain.work,
                   env=env, timeout=300)
    assert drained.returncode == 0, drained.stderr
    assert 'Traceback' not in drained.stderr
    assert {ms.host_of(admin, s) for s in made} <= {'host2', 'host3'}
    report = _run([plain.osmigcfg, 'report', journal, '-f', 'value', '-c',
                   'Outcome'], cwd=plain.work, env=env, timeout=120)
    assert report.returncode == 0, report.stderr
    assert report.stdout.split() == ['migrated', 'migrated']


def _assert_data_files_installed(bindir, work):
    probe = _run([str(bindir / 'python'), '-c',
                  'from osmigcfg import resources; print(resources.data_root())'],
                 cwd=work)
    root = pathlib.Path(probe.stdout.strip())
    assert 'share/osmigcfg' in str(root), root
    expected = [p.relative_to(ROOT) for d in ('templates', 'policies')
                for p in (ROOT / d).rglob('*')
                if p.is_file() and p.suffix in ('.j2', '.yaml', '.css')]
    missing = [str(p) for p in expected if not (root / p).is_file()]
    assert not missing, f'not in the wheel: {missing}'
