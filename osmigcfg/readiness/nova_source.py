"""Check a call table's citations against a Nova source tree.

Each :class:`~osmigcfg.readiness.calls.SourceRef` names a function
(``module:Class.method``, nested functions too) and code fragments it must
contain.  We parse the module with :mod:`ast` (nothing of Nova is
imported), drop the function's docstring and unparse it, so comments and
line wrapping do not matter, then look for each fragment.
"""

import ast
import copy
import functools
import importlib.util
import pathlib

_SCOPES = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def installed_nova_dir():
    """The installed ``nova`` package directory, or None (not imported)."""
    spec = importlib.util.find_spec('nova')
    if spec is None or not spec.submodule_search_locations:
        return None
    return pathlib.Path(list(spec.submodule_search_locations)[0])


def source_errors(table, *, nova_dir=None):
    """Every citation of ``table`` the Nova tree does not hold, as text.

    Args:
        table: a :class:`~osmigcfg.readiness.calls.CallTable`.
        nova_dir: the ``nova`` package directory (default: the installed
            one).

    Returns:
        a list of one-line problems, ``[]`` when every cited function
        exists and contains every fragment recorded for it.
    """
    nova_dir = pathlib.Path(nova_dir or installed_nova_dir() or 'nova')
    cited = [(f'identity {i.name}', r) for i in table.identities.values()
             for r in i.evidence]
    cited += [(f'call {c.id}', r) for c in table.calls for r in c.evidence]
    errors = []
    for owner, ref in cited:
        text = function_text(nova_dir, ref.module, ref.qualname)
        if text is None:
            errors.append(f'{owner}: {ref} not found in {nova_dir}')
            continue
        errors += [f'{owner}: {ref} no longer contains {frag!r}'
                   for frag in ref.contains if frag not in text]
    return errors


def function_text(nova_dir, module, qualname):
    """``ast.unparse`` of a function without its docstring, or None."""
    tree = _parse(_module_path(pathlib.Path(nova_dir), module))
    node = tree
    for name in qualname.split('.') if tree else ():
        node = next((d for d in _defs(node) if d.name == name), None)
        if node is None:
            return None
    if node is None or not isinstance(node, _SCOPES):
        return None
    node = copy.deepcopy(node)
    body = node.body
    if (body and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        node.body = body[1:] or [ast.Pass()]
    return ast.unparse(node)


def _module_path(nova_dir, module):
    parts = module.split('.')
    if parts[0] != 'nova':
        return None
    base = nova_dir.joinpath(*parts[1:])
    for path in (base.with_suffix('.py'), base / '__init__.py'):
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=64)
def _parse(path):
    if path is None:
        return None
    return ast.parse(path.read_text(encoding='utf-8'), filename=str(path))


def _defs(node):
    """Classes and functions defined in ``node``'s own scope."""
    stack = list(getattr(node, 'body', ()))
    while stack:
        child = stack.pop(0)
        if isinstance(child, _SCOPES):
            yield child
            continue
        for field in ('body', 'orelse', 'finalbody', 'handlers'):
            stack.extend(getattr(child, field, ()) or ())
