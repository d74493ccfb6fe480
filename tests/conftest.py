"""Shared pytest setup.

Slow suites carry markers (``nova``, ``clouds``, ``wheel``).  When their
requirements are missing they skip, unless ``OSMIGCFG_REQUIRE_SLOW=1`` (set
by ``.ci/run``) turns a missing requirement into a failure, so CI can never
pass by skipping.
"""

import dataclasses
import os

import pytest

from osmigcfg import extras
from tests import sdk_warnings


def pytest_configure(config):
    sdk_warnings.install()


def pytest_unconfigure(config):
    sdk_warnings.uninstall()


def require_or_skip(reason):
    """Skip a slow test whose requirement is missing (fail under CI)."""
    if os.environ.get('OSMIGCFG_REQUIRE_SLOW') == '1':
        pytest.fail(f'required for this run: {reason}')
    pytest.skip(reason)


@pytest.fixture
def write(tmp_path):
    """Write a text file under tmp_path (parents made); return its path."""
    def _write(name, text):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path
    return _write


@pytest.fixture
def without_extra(monkeypatch):
    """``without_extra(name)``: extra ``name`` reads as not installed.

    Its module list gains a module that does not exist, so the real
    ``importlib`` lookup in osmigcfg.extras finds it missing.
    """
    def _remove(name):
        extra = extras.EXTRAS[name]
        monkeypatch.setitem(extras.EXTRAS, name, dataclasses.replace(
            extra, modules=(*extra.modules, 'osmigcfg_test_absent_module')))
    return _remove
