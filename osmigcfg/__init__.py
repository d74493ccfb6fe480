"""osmigcfg: Nova migration policy and config manager, and migrator.

The public library API is listed in ``__all__`` (tested); deploy tooling
imports these names, the CLI calls the same functions.
"""

__version__ = '0.1.0'

__all__ = ['__version__']
