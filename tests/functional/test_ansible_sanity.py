"""``ansible-test sanity`` on the Ansible collection (all its tests,
pylint and validate-modules included), on a copy of the collection at
ansible_collections/osmigcfg/migration in a temp dir.

ansible-test installs each sanity test's pinned requirements in its own
virtualenv, which it seeds with pip through a "get-pip" script downloaded
from ci-files.testing.ansible.com.  Offline that download fails; we place a
stand-in script where ansible-test caches it: it runs the pip of this
interpreter (only the pip package on its path) to install the pinned pip,
from whatever index pip is configured with (the local mirror here).  HOME
is a temp dir, so ansible-test's venvs and cache stay out of the user's
home.  Slow (it builds those virtualenvs): marker ``wheel``.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

import pip
import pytest

pytestmark = pytest.mark.wheel

ROOT = pathlib.Path(__file__).resolve().parents[2]
COLLECTION = ROOT / 'ansible_collections' / 'osmigcfg' / 'migration'
BIN = pathlib.Path(sys.executable).parent

STAND_IN = '''\
import runpy
import sys
sys.path.insert(0, {pip_dir!r})
sys.argv = ['pip', 'install'] + [a for a in sys.argv[1:]
                                 if a not in ('--no-setuptools', '--no-wheel')]
runpy.run_module('pip', run_name='__main__', alter_sys=True)
'''


def _bootstrap_pip_version():
    import ansible_test
    source = (pathlib.Path(ansible_test.__file__).parent / '_internal' /
              'python_requirements.py').read_text()
    found = re.search(r"default_packages = dict\(\s*pip='([\d.]+)'", source)
    assert found, 'ansible-test changed how it pins its bootstrap pip'
    return found.group(1)


def test_collection_passes_ansible_test_sanity(tmp_path):
    if not (BIN / 'ansible-test').exists():
        pytest.fail('ansible-core (test extra) is not installed beside '
                    f'{sys.executable}')
    home = tmp_path / 'home'
    pip_only = tmp_path / 'pip-only'
    pip_only.mkdir()
    (pip_only / 'pip').symlink_to(pathlib.Path(pip.__file__).parent)
    version = _bootstrap_pip_version()
    cache = home / '.ansible' / 'test' / 'cache'
    cache.mkdir(parents=True)
    (cache / f'get_pip_{version.replace(".", "_")}.py').write_text(
        STAND_IN.format(pip_dir=str(pip_only)))

    copy = tmp_path / 'ansible_collections' / 'osmigcfg' / 'migration'
    shutil.copytree(COLLECTION, copy, ignore=shutil.ignore_patterns(
        '__pycache__', 'output'))
    env = dict(os.environ, HOME=str(home), LANG='C.UTF-8', LC_ALL='C.UTF-8',
               PATH=f'{BIN}{os.pathsep}{os.environ.get("PATH", "")}')
    done = subprocess.run(
        [str(BIN / 'ansible-test'), 'sanity', '--python',
         f'{sys.version_info.major}.{sys.version_info.minor}', '--color',
         'no'], cwd=copy, env=env, capture_output=True, text=True,
        timeout=900)
    out = done.stdout + done.stderr
    assert done.returncode == 0, '\n'.join(
        line for line in out.splitlines() if 'ERROR' in line or
        'FATAL' in line) or out[-3000:]
    assert 'Running sanity test "validate-modules"' in out
    assert 'Running sanity test "pylint"' in out
