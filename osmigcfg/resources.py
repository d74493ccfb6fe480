"""The one place that locates ``templates/`` and ``policies/``.

In a source checkout (and an editable install) they sit beside the
``osmigcfg`` package.  A built wheel installs them as data files under
``<prefix>/share/osmigcfg/``; we look in the data path of every install
scheme that could hold this package (the venv/prefix, then the user site).
``OSMIGCFG_DATA_DIR`` overrides both, for packagers.
"""

import functools
import os
import pathlib
import sys
import sysconfig

import jinja2

_PKG_DIR = pathlib.Path(__file__).resolve().parent


def _candidates():
    env = os.environ.get('OSMIGCFG_DATA_DIR')
    if env:
        yield pathlib.Path(env)
    yield _PKG_DIR.parent
    seen = set()
    for scheme in (None, f'{os.name}_user'):
        try:
            data = (sysconfig.get_path('data') if scheme is None
                    else sysconfig.get_path('data', scheme))
        except KeyError:
            continue
        if data and data not in seen:
            seen.add(data)
            yield pathlib.Path(data) / 'share' / 'osmigcfg'
    yield pathlib.Path(sys.prefix) / 'share' / 'osmigcfg'


@functools.lru_cache(maxsize=None)
def data_root():
    """The directory holding ``templates/`` and ``policies/``."""
    for root in _candidates():
        if (root / 'templates').is_dir() and (root / 'policies').is_dir():
            return root
    raise RuntimeError(
        'osmigcfg data files (templates/, policies/) not found; '
        'reinstall the package or set OSMIGCFG_DATA_DIR')


def templates_dir():
    return data_root() / 'templates'


def policies_dir():
    return data_root() / 'policies'


@functools.lru_cache(maxsize=None)
def report_templates():
    """The Jinja environment of ``templates/report`` (the HTML reports).

    One environment for every HTML report (policy audit, readiness, run
    report) so they share the escaping rules and the stylesheet's folder.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / 'report')),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True)
