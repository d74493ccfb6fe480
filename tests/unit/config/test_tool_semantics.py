"""Each tool's own semantics: per-host files, first-wins keys, what it sets.

The numbers in the test names' docstrings are the points of issue 15.
"""

import pytest
import yaml

from osmigcfg import config
from osmigcfg.config import readers
from osmigcfg.config import values

INVENTORY = """\
hosts:
  cmp-001: {interface: ens4, address: 10.20.0.11}
  cmp-002: {interface: ens4, address: 10.20.0.12, inbound_addr: 10.30.0.12}
  cmp-003: {interface: ens5, address: 10.20.0.13}
"""
INBOUND_CONF = '[libvirt]\nlive_migration_inbound_addr = 10.20.0.11\n'


def _write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def _inventory():
    return config.parse_inventory(INVENTORY, 'inv.yaml')


@pytest.mark.parametrize('relative', [
    'etc/kolla/config/nova/cmp-001/nova.conf',
    'etc/kolla/config/nova/cmp-001/nova-compute.conf',
    'etc/kolla/nova-compute/nova.conf',
])
def test_kolla_per_host_files_may_carry_the_inbound_address(
        tmp_path, relative):
    """2: kolla's per-host override and generated files are not shared."""
    path = _write(tmp_path, relative, INBOUND_CONF)
    report = config.validate_config([path])
    assert 'CFG211' not in report.codes()
    assert config.read_config([path]).forms[path] == 'kolla'


@pytest.mark.parametrize('relative', [
    'etc/kolla/config/nova.conf', 'etc/kolla/config/global.conf',
    'etc/kolla/config/nova/nova-compute.conf'])
def test_kolla_overrides_for_every_compute_still_report_cfg211(
        tmp_path, relative):
    path = _write(tmp_path, relative, INBOUND_CONF)
    assert 'CFG211' in config.validate_config([path]).codes()


def _walk(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    else:
        yield node


@pytest.mark.parametrize('fmt', ('helm', 'helm-libvirt', 'mosk', 'osa',
                                 'kolla-globals'))
def test_yaml_forms_never_write_null(fmt):
    """4: Helm deletes a key set to null when it merges values files."""
    settings = config.load_profile('upstream-defaults')
    if fmt == 'mosk':
        settings = settings.replace(migration_interface='ens4')
    doc = yaml.safe_load(config.render_config(settings, fmt))
    assert None not in list(_walk(doc))


def test_helm_libvirt_listens_on_the_migration_nic_of_the_inventory():
    """3: the chart's libvirtd binds to 127.0.0.1 unless told otherwise."""
    # openstack-helm libvirt/values.yaml:115-130: listen_interface, else
    # listen_address (127.0.0.1), fills conf.libvirt.listen_addr
    doc = yaml.safe_load(config.render_config(
        config.load_profile('secure'), 'helm-libvirt',
        inventory=_inventory()))
    assert doc['conf']['dynamic_options'] == {
        'libvirt': {'listen_interface': 'ens4'}}


def test_helm_libvirt_without_a_nic_says_peers_cannot_connect():
    text = config.render_config(config.load_profile('secure'), 'helm-libvirt')
    assert '127.0.0.1' in text and 'listen_interface' in text
    assert 'dynamic_options' not in yaml.safe_load(text)['conf']


def test_qemu_conf_duplicate_key_libvirt_reads_the_first(tmp_path):
    """5: libvirt's config reader keeps the first occurrence of a key."""
    nova = _write(tmp_path, 'nova.conf',
                  '[libvirt]\nlive_migration_with_native_tls = true\n'
                  'live_migration_scheme = tls\n')
    qemu = _write(tmp_path, 'qemu.conf', 'default_tls_x509_verify = 1\n'
                                         'default_tls_x509_verify = 0\n')
    checked = config.read_config([nova, qemu])
    assert checked.settings.tls.migration_verify is True
    report = config.validate_config([nova, qemu])
    assert 'CFG222' not in report.codes()
    (dup,) = [f for f in report if f.code == 'CFG105']
    assert (dup.location.file, dup.location.line) == (qemu, 2)
    assert 'line 1' in dup.message and 'ignored' in dup.message


def test_nova_conf_duplicate_key_the_last_wins_as_in_oslo_config():
    source = readers.read_text('[libvirt]\nlive_migration_downtime = 600\n'
                               'live_migration_downtime = 900\n', 'n.conf',
                               'nova-conf')
    checked = values.check_sources([source])
    assert checked.settings.live_migration.live_migration_downtime == 900
    assert [f.code for f in checked.findings] == ['CFG105']


def test_osa_host_render_carries_the_inbound_address_per_host():
    """6: os_nova reads nova_libvirt_live_migration_inbound_addr per host."""
    # os_nova defaults/main.yml:308 and templates/nova.conf.j2:291
    text = config.render_config(config.load_profile('secure'), 'osa',
                                inventory=_inventory(), host='cmp-002')
    assert yaml.safe_load(text) == {
        'nova_libvirt_live_migration_inbound_addr': '10.30.0.12'}
    assert 'host_vars/cmp-002' in text
    shared = config.render_config(config.load_profile('secure'), 'osa',
                                  inventory=_inventory())
    assert '#   cmp-002: nova_libvirt_live_migration_inbound_addr: ' \
           '10.30.0.12' in shared
    assert 'nova_libvirt_live_migration_inbound_addr' not in yaml.safe_load(
        shared)


def test_osa_host_vars_file_reads_back_as_per_host(tmp_path):
    text = config.render_config(config.load_profile('secure'), 'osa',
                                inventory=_inventory(), host='cmp-002')
    uv = _write(tmp_path, 'openstack_deploy/user_variables.yml',
                config.render_config(config.load_profile('secure'), 'osa'))
    hv = _write(tmp_path, 'openstack_deploy/host_vars/cmp-002.yml', text)
    checked = config.read_config([uv, hv])
    lm = checked.settings.live_migration
    assert lm.live_migration_inbound_addr == '10.30.0.12'
    assert lm.live_migration_with_native_tls
    assert 'CFG211' not in config.validate_config([uv, hv]).codes()


def test_osa_says_which_libvirtd_settings_it_cannot_write():
    """6: os_nova's libvirtd.conf.j2 writes listen_tls/listen_tcp/auth_tcp."""
    settings = config.load_profile('secure').replace(
        tls={'auth_tls': 'sasl', 'tls_port': 16600})
    text = config.render_config(settings, 'osa')
    assert '# os_nova cannot set libvirtd.conf auth_tls = sasl' in text
    assert '# os_nova cannot set libvirtd.conf tls_port = 16600' in text


def test_kolla_host_renders_carry_inbound_and_migration_hostname():
    """6: kolla gets the inbound address per host."""
    settings = config.load_profile('secure')
    conf = config.render_config(settings, 'kolla', inventory=_inventory(),
                                host='cmp-002')
    assert 'live_migration_inbound_addr = 10.30.0.12' in conf
    assert '/etc/kolla/config/nova/cmp-002/nova.conf' in conf
    host_vars = yaml.safe_load(config.render_config(
        settings, 'kolla-globals', inventory=_inventory(), host='cmp-003'))
    assert host_vars == {'migration_interface': 'ens5',
                         'migration_hostname': '10.20.0.13'}


def test_kolla_globals_carry_the_libvirtd_settings_kolla_can_express():
    """6: libvirt_enable_sasl and nova_libvirt_port, the rest explained."""
    settings = config.load_profile('secure').replace(
        tls={'tls_port': 16600, 'cert_file': '/srv/pki/server.pem'})
    text = config.render_config(settings, 'kolla-globals')
    doc = yaml.safe_load(text)
    assert doc['libvirt_enable_sasl'] is False      # auth_tls = none
    assert doc['nova_libvirt_port'] == '16600'
    assert ('kolla cannot set libvirtd.conf cert_file = /srv/pki/server.pem'
            in text)
    checked = values.check_sources([readers.read_text(
        text, 'globals.yml', 'kolla-globals')])
    assert checked.settings.tls.tls_port == 16600
    assert checked.settings.tls.auth_tls == 'none'


def test_kolla_qemu_certificate_note_names_the_volume_and_owner():
    """7: kolla mounts extra paths with nova_libvirt_extra_volumes."""
    # kolla roles/nova-cell/defaults/main.yml:520 nova_libvirt_extra_volumes;
    # roles/nova-cell/templates/qemu.conf.j2: user = "nova", group = "nova"
    text = config.render_config(config.load_profile('secure'), 'kolla')
    assert 'nova_libvirt_extra_volumes' in text
    assert 'nova:nova' in text and 'root:qemu' not in text


def test_mosk_with_tungsten_fabric_does_not_wait_for_vif_plug():
    """8: rockoon/templates/services/compute.yaml:938-940."""
    text = ('kind: OpenStackDeployment\nspec:\n  features:\n'
            '    neutron:\n      backend: tungstenfabric\n'
            '    nova:\n      live_migration_interface: vhost0\n')
    checked = values.check_sources([readers.read_text(text, 'o.yaml')])
    assert checked.settings.live_migration.live_migration_wait_for_vif_plug \
        is False
    entry = checked.where[('nova', 'live_migration_wait_for_vif_plug')]
    assert (entry.line, entry.implied) == (5, True)
