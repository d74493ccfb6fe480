"""Run a service's console entry point after preloading patch modules.

Usage: ``python -m launch PROG MODULE:FUNCTION [ARG...]``.  Modules named
in ``OSMIGCFG_PRELOAD`` (comma-separated) are imported first; then
``sys.argv`` becomes ``[PROG] + ARGs`` and ``FUNCTION()`` runs, as the
``PROG`` console script would.
"""

import importlib
import os
import sys


def preload():
    """Import the modules listed in ``OSMIGCFG_PRELOAD``."""
    for name in filter(None, os.environ.get('OSMIGCFG_PRELOAD', '').split(',')):
        importlib.import_module(name.strip())


def main():
    """Preload, set argv, run the console entry point; its exit status."""
    prog, target, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    module_name, _, function = target.partition(':')
    preload()
    sys.argv = [prog] + args
    module = importlib.import_module(module_name)
    return getattr(module, function or 'main')()


if __name__ == '__main__':
    sys.exit(main())
