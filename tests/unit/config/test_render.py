"""Renderers: exact golden text; every output parses back to its meaning."""

import os
import pathlib

from oslo_config import cfg
import pytest
import yaml

from osmigcfg import config
from osmigcfg import exceptions
from osmigcfg.config import model
from osmigcfg.config import options
from osmigcfg.config import readers
from osmigcfg.config import values

GOLDEN = pathlib.Path(__file__).parent / 'golden'
PROFILES = ('secure', 'mosk', 'upstream-defaults')
INVENTORY = """\
migration_network: 10.20.0.0/24
hosts:
  cmp-001: {interface: ens4, address: 10.20.0.11}
  cmp-002: {interface: ens4, address: 10.20.0.12}
  cmp-003: {interface: ens5, address: 10.20.0.13, inbound_addr: 10.20.0.23}
"""
EXT = {'nova-conf': 'conf', 'libvirtd': 'conf', 'qemu': 'conf',
       'kolla': 'conf'}


def _settings(profile):
    return config.load_profile(profile).replace(migration_interface='ens4')


def _golden(name, text):
    path = GOLDEN / name
    if os.environ.get('OSMIGCFG_REGEN_GOLDEN') == '1':
        path.write_text(text)
    assert text == path.read_text(), f'golden {name} differs'


@pytest.mark.parametrize('profile', PROFILES)
@pytest.mark.parametrize('fmt', config.FORMATS)
def test_render_matches_golden_text(profile, fmt):
    text = config.render_config(_settings(profile), fmt)
    _golden(f'{profile}.{fmt}.{EXT.get(fmt, "yaml")}', text)


def test_render_with_inventory_and_host_matches_golden():
    inventory = config.parse_inventory(INVENTORY, 'inv.yaml')
    settings = config.load_profile('secure')
    _golden('secure.nova-conf.cmp-003.conf', config.render_config(
        settings, 'nova-conf', inventory=inventory, host='cmp-003'))
    _golden('secure.mosk.inventory.yaml', config.render_config(
        settings, 'mosk', inventory=inventory))
    _golden('secure.helm.inventory.yaml', config.render_config(
        settings, 'helm', inventory=inventory))
    _golden('secure.kolla-globals.inventory.yaml', config.render_config(
        settings, 'kolla-globals', inventory=inventory))


def _oslo_load(tmp_path, text):
    path = tmp_path / 'nova.conf'
    path.write_text(text)
    conf = cfg.ConfigOpts()
    for group, opts in options.list_opts():
        conf.register_opts(opts, group=None if group == 'DEFAULT' else group)
    conf(['--config-file', str(path)], default_config_files=[])
    return conf


@pytest.mark.parametrize('profile', PROFILES)
def test_nova_conf_render_loads_back_with_oslo_config(profile, tmp_path):
    settings = _settings(profile)
    conf = _oslo_load(tmp_path, config.render_config(settings, 'nova-conf'))
    for group, name, _ in model.nova_fields():
        got = getattr(conf if group == 'DEFAULT' else conf[group], name)
        assert got == getattr(settings.live_migration, name), name


def test_host_render_carries_the_inbound_address(tmp_path):
    inventory = config.parse_inventory(INVENTORY, 'inv.yaml')
    text = config.render_config(config.load_profile('secure'), 'nova-conf',
                                inventory=inventory, host='cmp-003')
    conf = _oslo_load(tmp_path, text)
    assert conf.libvirt.live_migration_inbound_addr == '10.20.0.23'


def _read_back(text, fmt):
    return values.check_sources([readers.read_text(text, f'x.{fmt}', fmt)])


@pytest.mark.parametrize('profile', PROFILES)
@pytest.mark.parametrize('fmt', ('libvirtd', 'qemu'))
def test_libvirt_renders_read_back_to_the_same_keys(profile, fmt):
    settings = _settings(profile)
    checked = _read_back(config.render_config(settings, fmt), fmt)
    assert checked.findings == []
    for key in {k for (_, k) in checked.where}:
        assert getattr(checked.settings.tls, key) == getattr(
            settings.tls, key), key


NOVA_KEYS = ('live_migration_with_native_tls', 'live_migration_scheme',
             'live_migration_permit_auto_converge', 'live_migration_tunnelled')


@pytest.mark.parametrize('profile', ('secure', 'mosk'))
@pytest.mark.parametrize('fmts', (['mosk'], ['helm', 'helm-libvirt'],
                                  ['osa'], ['kolla-globals', 'kolla']))
def test_deploy_tool_renders_parse_as_yaml_and_read_back(profile, fmts):
    settings = _settings(profile)
    sources = []
    for fmt in fmts:
        text = config.render_config(settings, fmt)
        if fmt != 'kolla':
            assert isinstance(yaml.safe_load(text), dict)
        sources.append(readers.read_text(text, f'x.{fmt}', fmt))
    checked = values.check_sources(sources)
    assert [f for f in checked.findings if f.rank > 0] == []
    for key in NOVA_KEYS:
        assert getattr(checked.settings.live_migration, key) == getattr(
            settings.live_migration, key), key
    assert checked.settings.migration_interface in ('ens4', None)


@pytest.mark.parametrize('fmts', (['mosk'], ['helm-libvirt'], ['osa']))
def test_secure_qemu_force_survives_the_deploy_tool_round_trip(fmts):
    settings = _settings('secure')
    checked = _read_back(config.render_config(settings, fmts[0]), fmts[0])
    assert checked.settings.tls.migrate_tls_force is True
    assert checked.settings.tls.migration_verify is True


def test_mosk_render_reproduces_the_seed_yaml_shape():
    # docs.mirantis.com ... compute/migration.html (seeds/003):
    #   spec: features: nova: live_migration_interface / libvirt: tls:
    #   enabled: true
    doc = yaml.safe_load(config.render_config(_settings('mosk'), 'mosk'))
    assert doc['kind'] == 'OpenStackDeployment'
    nova = doc['spec']['features']['nova']
    assert nova['live_migration_interface'] == 'ens4'
    assert nova['libvirt'] == {'tls': {'enabled': True}}
    assert set(doc['spec']) == {'features'}


def test_mosk_render_with_inventory_overrides_odd_hosts_per_node():
    inventory = config.parse_inventory(INVENTORY, 'inv.yaml')
    doc = yaml.safe_load(config.render_config(
        config.load_profile('mosk'), 'mosk', inventory=inventory))
    assert doc['spec']['nodes'] == {
        'kubernetes.io/hostname::cmp-003': {
            'features': {'nova': {'live_migration_interface': 'ens5'}}}}


def test_mosk_render_without_interface_says_what_to_pass():
    with pytest.raises(exceptions.InputError,
                       match='live_migration_interface.*--interface'):
        config.render_config(config.load_profile('secure'), 'mosk')


def test_render_rejects_unknown_format_and_host_without_inventory():
    with pytest.raises(exceptions.InputError, match='unknown format'):
        config.render_config(config.load_profile('secure'), 'puppet')
    with pytest.raises(exceptions.InputError, match='needs --inventory'):
        config.render_config(config.load_profile('secure'), 'nova-conf',
                             host='cmp-001')


def test_deploy_tool_forms_never_carry_a_shared_inbound_address():
    settings = _settings('secure').replace(
        nova={'live_migration_inbound_addr': '10.0.0.1'})
    for fmt in ('mosk', 'helm', 'kolla', 'osa'):
        assert 'inbound_addr: 10.0.0.1' not in config.render_config(
            settings, fmt)
        assert '= 10.0.0.1' not in config.render_config(settings, fmt)
