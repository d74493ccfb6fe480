"""Deprecations caused by osmigcfg's own code are errors in the tests.

setup.cfg's filterwarnings turn deprecation warnings attributed to an
``osmigcfg`` module into errors, and tests/sdk_warnings.py attributes
openstacksdk's warnings to the SDK's caller.  A probe function compiled as
if it lived in a module of a given name makes the same real deprecated SDK
call (``get_all_clouds``, a deprecated alias) from osmigcfg and from
elsewhere.
"""

import warnings

import pytest
from openstack.config import loader
from openstack import warnings as sdk_warnings

PROBE = """
import warnings

def deprecated_sdk_call():
    config = loader.OpenStackConfig(load_yaml_config=False,
                                    load_envvars=False)
    return config.get_all_clouds()

def own_deprecation():
    warnings.warn('old', DeprecationWarning)
"""


def _probe(module_name):
    namespace = {'__name__': module_name, 'loader': loader}
    filename = module_name.replace('.', '/') + '.py'
    exec(compile(PROBE, filename, 'exec'), namespace)
    return namespace


def test_a_deprecated_sdk_call_from_osmigcfg_is_an_error():
    probe = _probe('osmigcfg.policy.probe')
    with pytest.raises(sdk_warnings.RemovedInSDK50Warning,
                       match='get_all_clouds'):
        probe['deprecated_sdk_call']()


def test_a_deprecation_raised_in_osmigcfg_is_an_error():
    probe = _probe('osmigcfg.probe')
    with pytest.raises(DeprecationWarning, match='old'):
        probe['own_deprecation']()


def _shown_unless_ours():
    """Deprecations shown, except where setup.cfg's osmigcfg filters decide.

    That is pytest's own setting when neither -W nor PYTHONWARNINGS is
    given; .ci/run sets PYTHONWARNINGS=ignore, so set it here explicitly,
    just behind the project's filters (which pytest puts in front).
    """
    ours = [i for i, f in enumerate(warnings.filters)
            if str(getattr(f[3], 'pattern', f[3])).startswith('osmigcfg')]
    assert ours, 'the osmigcfg filters of setup.cfg are not in force'
    for category in (PendingDeprecationWarning, DeprecationWarning):
        warnings.filterwarnings('always', category=category)
        warnings.filters.insert(max(ours) + 1, warnings.filters.pop(0))
    warnings._filters_mutated()


def test_the_same_call_from_elsewhere_stays_a_warning_naming_its_caller():
    probe = _probe('tests.probe')
    with warnings.catch_warnings(record=True) as seen:  # keeps the filters
        _shown_unless_ours()
        probe['deprecated_sdk_call']()
        probe['own_deprecation']()
    sdk = [w for w in seen if w.category is sdk_warnings.RemovedInSDK50Warning]
    assert [w.filename for w in sdk] == ['tests/probe.py']


def test_a_module_named_like_osmigcfg_is_not_osmigcfg():
    probe = _probe('osmigcfgextra.probe')
    with warnings.catch_warnings(record=True) as seen:
        _shown_unless_ours()
        probe['deprecated_sdk_call']()
    assert len(seen) == 1
