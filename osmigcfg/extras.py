"""Optional features: which extra installs each, and the error when absent.

A plain ``pip install osmigcfg`` runs every command (setup.cfg
``install_requires``).  An extra only adds an optional feature; code that
needs one calls :func:`require` before importing it, which raises
:class:`~osmigcfg.exceptions.MissingExtraError` naming the extra to install
(the CLI shows it as one line and exits 1).  setup.cfg's
``[options.extras_require]`` lists the packages; this table lists the
modules that show whether they are installed.
"""

import dataclasses
import importlib.util
import sys

from osmigcfg import exceptions


@dataclasses.dataclass(frozen=True)
class Extra:
    """An extra of setup.cfg and the modules that show it is installed."""

    name: str
    modules: tuple
    adds: str


EXTRAS = {extra.name: extra for extra in (
    Extra('rehearse', ('nova', 'placement', 'oslotest', 'testtools',
                       'wsgi_intercept'),
          'the real-Nova sandbox (policy rehearse)'),
    Extra('scale', ('kombu',),
          'TaskFlow workers over a message broker (worker, copy --workers)'),
    Extra('plot', ('matplotlib',),
          'the run timeline chart (report --timeline, the HTML report\'s '
          'chart)'),
)}


def pip_command(name):
    """The command that installs extra ``name``."""
    return f"pip install 'osmigcfg[{name}]'"


def _importable(module):
    # find_spec raises ValueError for an imported module without __spec__:
    # kombu replaces itself in sys.modules with such a lazy module
    return (module in sys.modules
            or importlib.util.find_spec(module) is not None)


def missing_modules(name):
    """The modules of extra ``name`` this interpreter cannot import."""
    return [module for module in EXTRAS[name].modules
            if not _importable(module)]


def installed(name):
    """True when every module of extra ``name`` can be imported."""
    return not missing_modules(name)


def require(name, *, feature):
    """Raise MissingExtraError unless extra ``name`` is installed.

    :param feature: what needs it, as the user asked for it (``policy
        rehearse``, ``copy --workers``).
    :raises MissingExtraError: naming the extra and how to install it.
    """
    missing = missing_modules(name)
    if missing:
        raise exceptions.MissingExtraError(feature, name, missing=missing,
                                           install=pip_command(name))
