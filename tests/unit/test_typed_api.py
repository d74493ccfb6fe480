"""The public library API carries type hints (mypy checks them: setup.cfg).

mypy only reports what is annotated; this test makes sure the public
names of the typed packages are: every parameter and the return of each
public function, and of each public method of a public class.
"""

import importlib
import inspect

import pytest

#: the packages whose public API is typed (also listed in setup.cfg [mypy])
TYPED = ('osmigcfg.engine', 'osmigcfg.policy', 'osmigcfg.config',
         'osmigcfg.migrate', 'osmigcfg.crosscloud')


def _public_names(package):
    names = getattr(package, '__all__', None)
    if names is None:
        names = [n for n, v in vars(package).items() if not n.startswith('_')
                 and getattr(v, '__module__', '').startswith(
                     package.__name__ + '.')]
    return [n for n in names if inspect.isfunction(getattr(package, n))
            or inspect.isclass(getattr(package, n))]


def _functions(obj, qualname):
    """(name, function) for ``obj``, or for a class its public methods."""
    if inspect.isfunction(obj):
        return [(qualname, obj)]
    found = []
    for name, member in vars(obj).items():
        if name.startswith('_') and name != '__init__':
            continue
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        elif isinstance(member, property):
            member = member.fget
        if inspect.isfunction(member):
            found.append((f'{qualname}.{name}', member))
    return found


def _missing(function):
    signature = inspect.signature(function)
    params = list(signature.parameters.values())
    if params and params[0].name in ('self', 'cls'):
        params = params[1:]
    missing = [p.name for p in params
               if p.annotation is inspect.Parameter.empty]
    if signature.return_annotation is inspect.Signature.empty:
        missing.append('return')
    return missing


@pytest.mark.parametrize('name', TYPED)
def test_public_functions_and_methods_are_annotated(name):
    package = importlib.import_module(name)
    unannotated = {}
    for attr in _public_names(package):
        for qualname, function in _functions(getattr(package, attr), attr):
            missing = _missing(function)
            if missing:
                unannotated[qualname] = missing
    assert not unannotated, f'{name}: annotate {unannotated}'


def test_the_check_sees_a_missing_annotation():
    def partly(a: int, b) -> int:
        return a

    class Thing:
        def method(self, a: int):
            return a

    assert _missing(partly) == ['b']
    assert _functions(Thing, 'Thing')[0][0] == 'Thing.method'
    assert _missing(Thing.method) == ['return']
