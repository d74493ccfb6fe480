"""Hypothesis: the readers raise nothing but our own input errors."""

import os

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
import pytest
import yaml

from osmigcfg import config
from osmigcfg import exceptions
from osmigcfg.config import options
from osmigcfg.config import readers
from osmigcfg.config import values

# OSMIGCFG_FUZZ_EXAMPLES=3000 for a longer hunt
EXAMPLES = int(os.environ.get('OSMIGCFG_FUZZ_EXAMPLES', '150'))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
NAMES = sorted(options.OPTS_BY_NAME) + ['listen_tls', 'listen_tcp',
                                        'auth_tcp', 'migrate_tls_force',
                                        'live_migraton_x', 'virt_type']
SECTIONS = ['DEFAULT', 'libvirt', 'compute', 'LIBVIRT', 'workarounds']
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False), st.text(max_size=20))
ini_line = st.one_of(
    st.sampled_from(SECTIONS).map(lambda s: f'[{s}]'),
    st.tuples(st.sampled_from(NAMES), st.text(max_size=20)).map(
        lambda kv: f'{kv[0]} = {kv[1]}'),
    st.text(max_size=30))
ini_text = st.lists(ini_line, max_size=12).map('\n'.join)


def _expected(call):
    try:
        return call()
    except exceptions.InputError:
        return None


@FUZZ
@given(st.text(max_size=200), st.sampled_from(readers.FORMATS))
def test_any_text_in_any_format_raises_only_input_errors(text, fmt):
    _expected(lambda: values.check_sources(
        [readers.read_text(text, 'f', fmt)]))


@FUZZ
@given(ini_text)
def test_ini_like_text_validates_without_crashing(text):
    report = _expected(lambda: config.validate_text(text, 'nova-conf'))
    if report is not None:
        assert all(f.code.startswith('CFG') for f in report)


yaml_tree = st.recursive(
    scalars, lambda kids: st.one_of(
        st.lists(kids, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(
            NAMES + ['spec', 'features', 'nova', 'libvirt', 'tls', 'conf',
                     'enabled', 'qemu', 'hosts', 'services', 'compute',
                     'values', 'nova_nova_conf_overrides', 'qemu_conf_dict',
                     'libvirt_tls', 'nova_libvirtd_listen_tls']),
            st.text(max_size=8)), kids, max_size=4)), max_leaves=12)


@FUZZ
@given(yaml_tree, st.sampled_from(readers.YAML_FORMATS))
def test_yaml_shaped_documents_raise_only_input_errors(tree, fmt):
    text = yaml.safe_dump(tree)
    _expected(lambda: config.validate_text(text, fmt))


@FUZZ
@given(st.one_of(st.text(max_size=200), yaml_tree.map(yaml.safe_dump)))
def test_inventory_parser_raises_only_inventory_errors(text):
    try:
        inventory = config.parse_inventory(text, 'inv.yaml')
    except exceptions.InventoryError:
        return
    config.check_hosts(inventory)


HOST_CHARS = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
                 '0123456789.-')
# names as an attacker would write them: mostly name-like, with YAML and
# control characters mixed in
name_text = st.text(alphabet=st.one_of(
    st.sampled_from('abc019-.'), st.sampled_from('\n\r\t :#{}[]"\'%/_'),
    st.characters()), min_size=0, max_size=20)


@FUZZ
@given(name_text, name_text, name_text)
def test_an_inventory_that_parses_holds_only_names_that_fit_their_syntax(
        name, nic, inbound):
    host = {'interface': nic, 'address': '10.0.0.1', 'inbound_addr': inbound}
    text = yaml.safe_dump({'hosts': {name: host}})
    try:
        inventory = config.parse_inventory(text, 'inv.yaml')
    except exceptions.InventoryError as e:
        assert '\n' not in str(e)
        return
    [parsed] = inventory.hosts
    assert set(parsed.name) <= HOST_CHARS
    assert parsed.interface.isascii() and parsed.interface.isprintable()
    assert not set(parsed.interface) & set(' /:%')
    assert set(parsed.inbound_addr) <= HOST_CHARS | {':'}  # name, v4, v6


@pytest.mark.parametrize('text', ['a: !!python/object:os.system x\n',
                                  'a: &a [*a]\n', '[' * 5000,
                                  'd: 2024-13-45\n'])
def test_hostile_yaml_is_an_input_error(text):
    with pytest.raises(exceptions.InputError):
        config.validate_text(text, 'mosk')
