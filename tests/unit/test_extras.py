"""Optional features name the extra that installs them (osmigcfg.extras)."""

import configparser
import pathlib

import pytest

from osmigcfg import exceptions
from osmigcfg import extras

SETUP_CFG = pathlib.Path(__file__).parents[2] / 'setup.cfg'
# these extras add developer tools (tests, lint, docs), not an osmigcfg feature
NOT_FEATURES = {'test', 'pep8', 'docs'}


def _setup_cfg_extras():
    parser = configparser.ConfigParser()
    parser.read(SETUP_CFG)
    return set(parser['options.extras_require'])


def test_the_table_and_setup_cfg_list_the_same_extras():
    assert set(extras.EXTRAS) == _setup_cfg_extras() - NOT_FEATURES


def test_an_installed_extra_is_required_silently(monkeypatch):
    # yaml is a plain requirement, kombu replaces its module in sys.modules
    # by one without __spec__ (find_spec would raise ValueError for it)
    kombu_like = extras.Extra('present', ('yaml', 'kombu'), 'nothing')
    monkeypatch.setitem(extras.EXTRAS, 'present', kombu_like)
    pytest.importorskip('kombu')
    assert extras.installed('present')
    assert extras.missing_modules('present') == []
    extras.require('present', feature='a test')


def test_a_missing_extra_is_one_error_naming_it_and_its_modules(
        without_extra):
    without_extra('rehearse')
    assert not extras.installed('rehearse')
    with pytest.raises(exceptions.MissingExtraError) as info:
        extras.require('rehearse', feature='policy rehearse')
    assert info.value.extra == 'rehearse'
    assert info.value.missing == ['osmigcfg_test_absent_module']
    assert '\n' not in str(info.value)
    assert str(info.value).endswith("pip install 'osmigcfg[rehearse]'")
