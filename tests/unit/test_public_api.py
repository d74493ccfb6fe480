"""The public API is explicit: every name in __all__ exists, nothing else."""

import importlib

import pytest

import osmigcfg


def test_top_level_all_names_resolve():
    for name in osmigcfg.__all__:
        assert getattr(osmigcfg, name) is not None


def test_policy_api_is_exactly_its_all():
    from osmigcfg import policy
    public = {n for n in dir(policy) if not n.startswith('_')}
    modules = {n for n in public
               if type(getattr(policy, n)).__name__ == 'module'}
    assert public - modules == set(policy.__all__)


@pytest.mark.parametrize('name', [n for n in osmigcfg.__all__
                                  if n != '__version__'])
def test_each_subpackage_names_resolve(name):
    module = importlib.import_module(f'osmigcfg.{name}')
    for attr in getattr(module, '__all__', ()):
        assert hasattr(module, attr), f'osmigcfg.{name}.{attr}'
