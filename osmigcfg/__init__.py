"""osmigcfg: Nova migration policy and config manager, and migrator.

The public library API is the subsystem packages listed in ``__all__``; each
has its own tested ``__all__``.  Deploy tooling imports them, the CLI calls
the same functions::

    from osmigcfg import policy
    policy.render_policy('mosk-24.3', fmt='mosk')

Subpackages are imported on first use, so ``import osmigcfg`` stays cheap.
"""

import importlib

__version__ = '0.1.0'

_SUBPACKAGES = ('config', 'crosscloud', 'exceptions', 'explain', 'findings',
                'migrate', 'policy', 'readiness')

__all__ = ['__version__', *_SUBPACKAGES]


def __getattr__(name):
    if name in _SUBPACKAGES:
        return importlib.import_module(f'{__name__}.{name}')
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
