"""A plain (non-editable) install from a tree without .git renders and validates.

templates/ and policies/ live at the top of the source tree; this builds the
wheel from a copy of the tree with no .git, installs it into a scratch
virtualenv and runs the installed command from outside the source tree.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import venv

import pytest

ROOT = pathlib.Path(__file__).parents[2]
pytestmark = pytest.mark.wheel
SKIP = {'.git', '.venv', '.venv-clouds', 'build', 'dist', '.pytest_cache',
        '.hypothesis'}


def _copy_tree(dst):
    def ignore(directory, names):
        top = pathlib.Path(directory) == ROOT
        return [n for n in names if (top and n in SKIP) or n == '__pycache__'
                or n.endswith('.egg-info') or n.startswith('.ci-venv')]
    shutil.copytree(ROOT, dst, ignore=ignore)


def _run(argv, cwd, **kwargs):
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK='1',
               PYTHONWARNINGS='ignore')
    env.pop('PYTHONPATH', None)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900, **kwargs)


def test_wheel_install_renders_and_validates(tmp_path):
    src = tmp_path / 'src'
    _copy_tree(src)
    assert not (src / '.git').exists()
    built = _run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-w',
                  str(tmp_path / 'dist'), str(src)], cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / 'dist').glob('osmigcfg-*.whl'))
    venv.EnvBuilder(with_pip=True).create(tmp_path / 'venv')
    bindir = tmp_path / 'venv' / 'bin'
    installed = _run([str(bindir / 'pip'), 'install', '-q', str(wheel)],
                     cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr[-2000:]
    work = tmp_path / 'elsewhere'
    work.mkdir()
    rendered = _run([str(bindir / 'osmigcfg'), 'policy', 'render',
                     '--profile', 'mosk-24.3', '-o', 'p.yaml'], cwd=work)
    assert rendered.returncode == 0, rendered.stderr
    checked = _run([str(bindir / 'osmigcfg'), 'policy', 'validate',
                    'p.yaml', '-f', 'value', '-c', 'Severity'], cwd=work)
    assert checked.returncode == 0, checked.stderr
    assert set(checked.stdout.split()) <= {'info'}
    _assert_data_files_installed(bindir, work)


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
