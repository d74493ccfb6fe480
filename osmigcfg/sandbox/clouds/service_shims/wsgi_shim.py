"""A WSGI entry point for gunicorn that hides gunicorn's own argv.

The OpenStack WSGI apps parse ``sys.argv`` with oslo.config and exit on
gunicorn's options.  gunicorn imports ``wsgi_shim:application``; the shim
sets ``sys.argv`` to ``[prog] + OSMIGCFG_WSGI_ARGV`` (a JSON list, e.g. a
``--config-file`` for cinder), imports the ``OSMIGCFG_PRELOAD`` modules,
then imports ``OSMIGCFG_WSGI_APP`` (``module:attribute``) and re-exports it.
"""

import importlib
import json
import os
import sys

import launch


def _load():
    target = os.environ['OSMIGCFG_WSGI_APP']
    module_name, _, attribute = target.partition(':')
    extra = json.loads(os.environ.get('OSMIGCFG_WSGI_ARGV', '[]'))
    sys.argv = [module_name.split('.')[0]] + list(extra)
    launch.preload()
    module = importlib.import_module(module_name)
    return getattr(module, attribute or 'application')


application = _load()
