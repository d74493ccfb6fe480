"""The two functions that take both clouds name them (no order to get
wrong), and every public cross-cloud function carries type hints."""

import inspect

import pytest

from osmigcfg import crosscloud

CLOUDS = ('source', 'destination', 'source_name', 'destination_name')


@pytest.mark.parametrize('func, positional', [
    (crosscloud.copy_data, ('directory',)),
    (crosscloud.cutover_server, ('directory', 'server')),
    (crosscloud.cutover_servers, ('directory',))])
def test_both_clouds_are_keyword_only(func, positional):
    params = inspect.signature(func).parameters.values()
    assert tuple(p.name for p in params
                 if p.kind is not p.KEYWORD_ONLY) == positional
    assert set(CLOUDS) <= {p.name for p in params
                           if p.kind is p.KEYWORD_ONLY}
    with pytest.raises(TypeError):
        func(*positional, object(), object())


def test_public_functions_have_type_hints():
    functions = [getattr(crosscloud, n) for n in crosscloud.__all__
                 if inspect.isfunction(getattr(crosscloud, n))]
    assert len(functions) >= 10
    for func in functions:
        signature = inspect.signature(func)
        missing = [p.name for p in signature.parameters.values()
                   if p.annotation is p.empty]
        assert not missing, f'{func.__name__}: {missing}'
        assert signature.return_annotation is not signature.empty, \
            func.__name__
