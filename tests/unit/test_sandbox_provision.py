"""Provisioning the local clouds' virtualenv into the user's cache.

A real ``python -m venv`` with pip, but an empty requirement list: the
real install needs the package index and minutes (``sandbox up`` does it
once); everything around it (where, atomic rename, lock, progress,
reuse) is what is tested here.
"""

import pytest

from osmigcfg import exceptions
from osmigcfg.sandbox import clouds
from osmigcfg.sandbox.clouds import provision


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    monkeypatch.delenv(clouds.VENV_ENV, raising=False)
    return tmp_path / 'cache' / 'osmigcfg'


def test_the_venv_is_built_once_in_the_cache_with_progress(cache):
    lines = []
    venv = provision.ensure_venv(lines.append, requirements=())
    assert venv.parent == cache and venv.name.startswith('clouds-venv-')
    assert (venv / 'bin' / 'python').exists()
    pip = (venv / 'bin' / 'pip').read_text()
    # built in a temporary directory, then relocated
    assert f'{venv}/bin/python' in pip and f'{venv.name}.' not in pip
    assert [p.name for p in cache.iterdir() if p.is_dir()] == [venv.name]
    assert lines[0].startswith('creating the local clouds virtualenv')
    assert lines[-1].startswith('virtualenv ready')
    stamp = (venv / 'pyvenv.cfg').stat().st_mtime_ns
    again = []
    assert provision.ensure_venv(again.append, requirements=()) == venv
    assert again == [] and (venv / 'pyvenv.cfg').stat().st_mtime_ns == stamp


def test_the_cache_key_follows_the_requirements(cache):
    assert provision.cached_venv(('a==1',)) != provision.cached_venv(
        ('a==2',))
    assert provision.cached_venv() == provision.cached_venv(
        clouds.REQUIREMENTS)


def test_a_failed_install_leaves_nothing_and_says_why(cache):
    with pytest.raises(exceptions.SandboxError, match='failed'):
        provision.ensure_venv(requirements=('/nonexistent/nothing.whl',))
    assert not [p for p in cache.iterdir() if p.is_dir()]


def test_an_explicit_venv_is_used_as_is_and_never_installed_into(
        cache, tmp_path, monkeypatch):
    monkeypatch.setenv(clouds.VENV_ENV, str(tmp_path / 'mine'))
    with pytest.raises(exceptions.SandboxError, match='missing'):
        provision.ensure_venv()
    assert not cache.exists()
