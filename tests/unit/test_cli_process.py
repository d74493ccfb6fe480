"""The real `osmigcfg` process: one clear line on bad input, nothing else.

In-process CLI tests cannot see what a fresh interpreter prints while it
imports the command modules (third-party deprecation warnings, for one), so
these run the installed command as a user would.
"""

import pathlib
import subprocess
import sys

import pytest

OSMIGCFG = pathlib.Path(sys.executable).parent / 'osmigcfg'


def run(*argv, cwd=None):
    return subprocess.run([str(OSMIGCFG), *argv], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


@pytest.mark.parametrize('argv,needle', [
    (('policy', 'render', '--profile', 'nope'), "unknown profile 'nope'"),
    (('policy', 'validate', 'missing.yaml'), 'missing.yaml: cannot read'),
    (('config', 'validate', 'missing.conf'), 'missing.conf'),
])
def test_bad_input_prints_exactly_one_line(argv, needle, tmp_path):
    proc = run(*argv, cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        line for line in proc.stderr.strip().splitlines() if needle in line]
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_good_run_prints_nothing_on_stderr(tmp_path):
    proc = run('policy', 'render', '--profile', 'mosk-24.3', cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr == ''
    assert 'os_compute_api:os-migrate-server:migrate' in proc.stdout


LOADED_AFTER = '''
import sys
from osmigcfg.cli import app
code = app.main(sys.argv[1:])
print(",".join(sorted(m for m in ("taskflow", "sqlalchemy", "eventlet",
                                   "osmigcfg.crosscloud", "osmigcfg.engine")
                      if m in sys.modules)))
'''


def test_a_policy_command_does_not_load_the_migrator_stack(tmp_path):
    """Start-up cost: only the command that runs is imported."""
    proc = subprocess.run(
        [sys.executable, '-c', LOADED_AFTER, 'policy', 'profiles', '-f',
         'value', '-c', 'name'], capture_output=True, text=True, timeout=120,
        cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert 'mosk-24.3' in lines
    assert lines[-1] == '', lines[-1]


def test_help_still_lists_every_command(tmp_path):
    proc = run('help', cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for command in ('policy render', 'config check-tls', 'drain', 'resume',
                    'export', 'cutover', 'worker'):
        assert command in proc.stdout, command


def test_openstack_global_auth_options_are_accepted(tmp_path):
    # osc-lib's base shell lacks the auth plugin options OSC adds itself
    proc = run('--os-auth-type', 'token', '--os-auth-url',
               'http://127.0.0.1:9/v3', '--os-token', 'x', 'policy',
               'profiles', '-f', 'value', '-c', 'name', cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert 'mosk-24.3' in proc.stdout.splitlines()
