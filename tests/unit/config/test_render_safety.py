"""No value can change the structure of a rendered document.

Values reach the text through PyYAML's serializer or through escapers that
refuse line breaks; here each renderer gets a value with a newline and a
``key: value`` (or ``[section]``) behind it.  The inventory layer may
refuse such names too; the renderers must be safe on their own.
"""

import dataclasses

import pytest
import yaml

from osmigcfg import config
from osmigcfg import exceptions
from osmigcfg.config import inventory as inventory_mod
from osmigcfg.config import readers

EVIL = 'ens4\ninjected: true'
EVIL_INI = 'qemu+tls://%s/system\n[DEFAULT]\ndebug = true'
YAML_FORMS = ('mosk', 'helm', 'helm-libvirt', 'kolla-globals', 'osa')


def _unchecked(cls, **values):
    """A Host/Inventory built without its own value checks.

    The inventory layer refuses these names (tests/unit/config/test_hosts.py);
    bypassing it here shows the renderers are safe on their own.
    """
    fields = {f.name: f.default for f in dataclasses.fields(cls)}
    fields.update(values)
    obj = object.__new__(cls)
    for key, value in fields.items():
        object.__setattr__(obj, key, value)
    return obj


def _inventory(name=EVIL, nic=EVIL):
    return _unchecked(inventory_mod.Inventory, path='inv.yaml', hosts=(
        inventory_mod.Host(name='cmp-001', interface='ens4',
                           address='10.0.0.1'),
        _unchecked(inventory_mod.Host, name=name, interface=nic,
                   address='10.0.0.2', hostname=name),
    ))


def _keys(node, prefix=''):
    if isinstance(node, dict):
        for key, value in node.items():
            yield f'{prefix}{key}'
            yield from _keys(value, f'{prefix}{key}.')


def _names(node):
    """Every key at every level (its last part)."""
    return {key.rsplit('.', 1)[-1] for key in _keys(node)}


# only kolla and openstack-ansible render per host
@pytest.mark.parametrize('fmt, host', [(fmt, None) for fmt in YAML_FORMS]
                         + [('kolla-globals', EVIL), ('osa', EVIL)])
def test_inventory_names_with_a_newline_stay_inside_their_value(fmt, host):
    settings = config.load_profile('secure').replace(
        migration_interface='ens4')
    text = config.render_config(settings, fmt, inventory=_inventory(),
                                host=host)
    doc = yaml.safe_load(text)
    assert 'injected' not in _names(doc)
    if fmt == 'mosk':
        assert list(doc['spec']['nodes']) == [
            'kubernetes.io/hostname::' + EVIL]
    if host:
        assert 'host_vars/ens4\\ninjected: true' in text


@pytest.mark.parametrize('fmt', ('mosk', 'helm-libvirt', 'helm'))
def test_an_interface_with_a_newline_is_written_as_one_string(fmt):
    settings = config.load_profile('secure').replace(migration_interface=EVIL)
    doc = yaml.safe_load(config.render_config(settings, fmt))
    found = [v for v in _leaves(doc) if isinstance(v, str) and 'ens4' in v]
    assert found == [EVIL]
    assert 'injected' not in set(_keys(doc)) | {
        k.rsplit('.', 1)[-1] for k in _keys(doc)}


def _leaves(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _leaves(value)
    else:
        yield node


@pytest.mark.parametrize('fmt', ('helm', 'mosk', 'osa'))
def test_a_nova_string_with_a_newline_round_trips_as_one_value(fmt):
    uri = EVIL_INI
    settings = config.load_profile('secure').replace(
        nova={'live_migration_uri': uri}, migration_interface='ens4')
    text = config.render_config(settings, fmt)
    source = readers.read_text(text, f'x.{fmt}', fmt)
    entry = [e for e in source.entries if e.key == 'live_migration_uri'
             and not e.implied]
    assert [e.value for e in entry] == [uri]
    assert 'debug' not in {e.key for e in source.entries}


@pytest.mark.parametrize('fmt', ('nova-conf', 'kolla'))
def test_ini_renders_refuse_a_value_with_a_line_break(fmt):
    settings = config.load_profile('secure').replace(
        nova={'live_migration_uri': EVIL_INI})
    with pytest.raises(exceptions.InputError, match='line break'):
        config.render_config(settings, fmt)


@pytest.mark.parametrize('fmt', ('libvirtd', 'qemu'))
def test_libvirt_renders_refuse_a_value_with_a_line_break(fmt):
    key = 'cert_file' if fmt == 'libvirtd' else 'default_tls_x509_cert_dir'
    settings = config.load_profile('secure').replace(
        tls={key: '/etc/pki"\nlisten_tcp = 1\n#'})
    with pytest.raises(exceptions.InputError, match='line break'):
        config.render_config(settings, fmt)


def test_a_host_name_with_a_newline_stays_in_the_comment():
    text = config.render_config(config.load_profile('secure'), 'kolla',
                                inventory=_inventory(), host=EVIL)
    assert '# Path: /etc/kolla/config/nova/ens4\\ninjected: true/' in text
    source = readers.read_text(text, 'k.conf', 'kolla')
    assert [(e.section, e.key, e.value) for e in source.entries
            if e.key == 'live_migration_inbound_addr'] == [
        ('libvirt', 'live_migration_inbound_addr', '10.0.0.2')]
