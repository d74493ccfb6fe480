"""The pre-commit hooks (.pre-commit-hooks.yaml) through ``pre-commit
try-repo`` on a scratch git repository: a bad Nova policy file fails the
hook, a good one passes, and so for a live-migration config file.

pre-commit builds a virtualenv of this repository (``pip install .``, with
the pip configuration of the environment: the local mirrors and cache), so
this is a slow test (marker ``wheel``); the environment is built once and
shared by the tests of this module.  try-repo takes the hooks from the
repository's HEAD plus its uncommitted changes to tracked files.
"""

import os
import pathlib
import subprocess
import sys

import pytest

from osmigcfg import config
from osmigcfg import policy

pytestmark = pytest.mark.wheel

ROOT = pathlib.Path(__file__).resolve().parents[2]
BAD_POLICY = '"os_compute_api:os-migrate-server:migrate_livee": "role:admin"\n'


@pytest.fixture(scope='module')
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp('pre-commit-home')


@pytest.fixture
def repo(tmp_path):
    path = tmp_path / 'deploy'
    path.mkdir()
    _git(path, 'init', '-q')
    return path


def _git(repo, *argv):
    subprocess.run(['git', '-c', 'user.name=t', '-c', 'user.email=t@t',
                    *argv], cwd=repo, check=True, timeout=60)


def _try_repo(repo, home, hook):
    _git(repo, 'add', '-A')
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR='never')
    done = subprocess.run(
        [sys.executable, '-m', 'pre_commit', 'try-repo', str(ROOT), hook,
         '--all-files'], cwd=repo, env=env, capture_output=True, text=True,
        timeout=900)
    return done.returncode, done.stdout + done.stderr


def test_policy_hook_fails_a_bad_file_and_passes_a_good_one(
        repo, pre_commit_home):
    policy_file = repo / 'kolla' / 'config' / 'nova' / 'policy.yaml'
    policy_file.parent.mkdir(parents=True)
    policy_file.write_text(BAD_POLICY)
    (repo / 'README').write_text('not checked\n')
    status, out = _try_repo(repo, pre_commit_home, 'osmigcfg-nova-policy')
    assert status == 1, out
    assert 'kolla/config/nova/policy.yaml:1: error POL103' in out
    assert 'did you mean os_compute_api:os-migrate-server:migrate_live' in out

    policy_file.write_text(policy.render_policy('mosk-24.3'))
    status, out = _try_repo(repo, pre_commit_home, 'osmigcfg-nova-policy')
    assert status == 0, out
    assert 'Passed' in out


def test_config_hook_fails_a_bad_file_and_passes_a_good_one(
        repo, pre_commit_home):
    conf = repo / 'nova' / 'nova-compute.conf'
    conf.parent.mkdir()
    conf.write_text('[libvirt]\nlive_migration_with_native_tls = maybe\n')
    status, out = _try_repo(repo, pre_commit_home,
                            'osmigcfg-migration-config')
    assert status == 1, out
    assert 'nova/nova-compute.conf:2: error CFG110' in out

    conf.write_text(config.render_config(config.load_profile('secure'),
                                         'nova-conf'))
    status, out = _try_repo(repo, pre_commit_home,
                            'osmigcfg-migration-config')
    assert status == 0, out
