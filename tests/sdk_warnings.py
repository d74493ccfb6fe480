"""openstacksdk's deprecation warnings, attributed to the SDK's caller.

setup.cfg makes deprecation warnings attributed to ``osmigcfg`` modules
errors.  A warning is attributed to the frame ``stacklevel`` names, and
openstacksdk warns with the default stacklevel: its warnings name the SDK's
own line (``openstack/compute/v2/_proxy.py``), never the osmigcfg call that
used the deprecated argument.  While the tests run, :func:`install` wraps
``warnings.warn`` so that an SDK deprecation names the first frame outside
the SDK, the code that called it; the filters then do the rest.  Nothing is
faked: the warning, its category and its message are the SDK's own.
"""

import sys
import warnings

from openstack import warnings as sdk_warnings

SDK_DEPRECATIONS = (sdk_warnings.OpenStackDeprecationWarning,
                    sdk_warnings.RemovedInSDK50Warning,
                    sdk_warnings.RemovedInSDK60Warning)
_original_warn = warnings.warn


def _in_sdk(frame):
    name = frame.f_globals.get('__name__') or ''
    return name == 'openstack' or name.startswith('openstack.')


def _category(message, category):
    if isinstance(message, Warning):
        return type(message)
    return category or UserWarning


def _warn_at_sdk_caller(message, category=None, stacklevel=1, source=None):
    if issubclass(_category(message, category), SDK_DEPRECATIONS):
        stacklevel = _caller_level(stacklevel)
    # one more level: this wrapper's own frame
    return _original_warn(message, category, stacklevel + 1, source)


def _caller_level(stacklevel):
    """The stacklevel (seen from the wrapper) of the SDK's caller."""
    try:
        frame = sys._getframe(stacklevel + 1)
    except ValueError:
        return stacklevel
    level = stacklevel
    while frame is not None and _in_sdk(frame):
        frame, level = frame.f_back, level + 1
    return stacklevel if frame is None else level


def install():
    """Attribute SDK deprecation warnings to the SDK's caller."""
    warnings.warn = _warn_at_sdk_caller


def uninstall():
    warnings.warn = _original_warn
