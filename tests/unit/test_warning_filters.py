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


def test_the_same_call_from_elsewhere_stays_a_warning_naming_its_caller():
    probe = _probe('tests.probe')
    with warnings.catch_warnings(record=True) as seen:  # keeps the filters
        probe['deprecated_sdk_call']()
        probe['own_deprecation']()
    sdk = [w for w in seen if w.category is sdk_warnings.RemovedInSDK50Warning]
    assert [w.filename for w in sdk] == ['tests/probe.py']


def test_a_module_named_like_osmigcfg_is_not_osmigcfg():
    probe = _probe('osmigcfgextra.probe')
    with warnings.catch_warnings(record=True) as seen:
        probe['deprecated_sdk_call']()
    assert len(seen) == 1
