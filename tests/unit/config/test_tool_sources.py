"""Golden keys of each deploy-tool form, each cited in the tool's source.

kolla-ansible runs for real (test_kolla_merge.py); the other tools do not
install from PyPI, so every key osmigcfg writes or implies for them is
checked here against the place in their source that reads it.  Trees read
(see ../shared notes): openstack/openstack-ansible-os_nova e06c7bce
(2026-06-26), openstack/openstack-helm 0ee5adef (2026-08-20),
Mirantis/rockoon 1390883a (2026-08-21).
"""

import yaml

from osmigcfg import config
from osmigcfg.config import readers
from osmigcfg.config import values

INVENTORY = config.parse_inventory("""\
migration_network: 10.20.0.0/24
hosts:
  cmp-001: {interface: ens4, address: 10.20.0.11}
  cmp-002: {interface: ens4, address: 10.20.0.12, inbound_addr: 10.30.0.12}
  cmp-003: {interface: ens5, address: 10.20.0.13}
""", 'inv.yaml')


def _render(fmt, host=None):
    return yaml.safe_load(config.render_config(
        config.load_profile('secure'), fmt, inventory=INVENTORY, host=host))


def _implied(text, fmt):
    source = readers.read_text(text, f'x.{fmt}', fmt)
    return {(e.layer, e.section, e.key): e.value for e in source.entries
            if e.implied}


def test_osa_keys():
    assert _render('osa') == {
        # defaults/main.yml:458; templates/libvirtd.conf.j2:12 and
        # templates/nova.conf.j2:284-286 (native TLS, scheme tls)
        'nova_libvirtd_listen_tls': 1,
        # defaults/main.yml:576; vars/main.yml:167 (_nova_qemu_conf);
        # templates/qemu.conf.j2:60-61 writes "key = value" verbatim
        'qemu_conf_dict': {'migrate_tls_force': '1'},
        # defaults/main.yml:579; tasks/nova_post_install.yml:42
        'nova_nova_conf_overrides': {
            'libvirt': {'live_migration_permit_auto_converge': True}},
    }
    # defaults/main.yml:308; templates/nova.conf.j2:291
    assert _render('osa', 'cmp-002') == {
        'nova_libvirt_live_migration_inbound_addr': '10.30.0.12'}


def test_osa_implied_settings():
    assert _implied('nova_libvirtd_listen_tls: 1\n', 'osa') == {
        # templates/nova.conf.j2:284-286
        ('nova', 'libvirt', 'live_migration_with_native_tls'): True,
        ('nova', 'libvirt', 'live_migration_scheme'): 'tls',
        # templates/qemu.conf.j2:24 (nova_qemu_ssl_dir, defaults:664), :47
        ('qemu', None, 'default_tls_x509_cert_dir'): '/etc/pki/qemu',
        ('qemu', None, 'default_tls_x509_verify'): 1,
        # templates/libvirtd.conf.j2:12,16,22; defaults/main.yml:459-460
        ('libvirtd', None, 'listen_tls'): 1,
        ('libvirtd', None, 'listen_tcp'): 0,
        ('libvirtd', None, 'auth_tcp'): 'sasl',
    }
    off = _implied('nova_libvirtd_listen_tls: 0\n', 'osa')
    # templates/nova.conf.j2:287-289
    assert off[('nova', 'libvirt', 'live_migration_tunnelled')] is True
    assert off[('nova', 'libvirt', 'live_migration_uri')].startswith(
        'qemu+ssh://nova@%s/system')


def test_helm_nova_keys():
    assert _render('helm')['conf'] == {
        'libvirt': {
            # nova/values.yaml:1359; templates/bin/_nova-compute-init.sh.tpl
            # :35 resolves the NIC's address into inbound_addr (:55)
            'live_migration_interface': 'ens4',
            # nova/values.yaml:1361; _nova-compute-init.sh.tpl:39
            'live_migration_network_cidr': '10.20.0.0/24'},
        # nova/values.yaml:1373 conf.nova; templates/configmap-etc.yaml:223
        # renders it as nova.conf (helm-toolkit to_oslo_conf)
        'nova': {'libvirt': {
            'live_migration_scheme': 'tls',
            'live_migration_permit_auto_converge': True,
            'live_migration_with_native_tls': True}},
    }


def test_helm_libvirt_keys():
    assert _render('helm-libvirt')['conf'] == {
        # libvirt/values.yaml:102-108 conf.libvirt (chart default listen_tcp
        # "1", listen_tls "0"), written by libvirt.utils.to_libvirt_conf
        'libvirt': {'listen_tls': '1', 'listen_tcp': '0'},
        # libvirt/values.yaml:141 conf.qemu
        'qemu': {'default_tls_x509_verify': '1', 'migrate_tls_force': '1'},
        # libvirt/values.yaml:115-130: listen_interface, else listen_address
        # (default 127.0.0.1) becomes conf.libvirt.listen_addr (:110)
        'dynamic_options': {'libvirt': {'listen_interface': 'ens4'}},
    }
    implied = _implied('conf: {}\n', 'helm-libvirt')
    assert implied == {   # libvirt/values.yaml:103-105
        ('libvirtd', None, 'listen_tcp'): 1,
        ('libvirtd', None, 'listen_tls'): 0,
        ('libvirtd', None, 'auth_tcp'): 'none'}


def test_mosk_keys():
    spec = _render('mosk')['spec']
    # admission/validators/schemas/osdpl.yaml:773 (required), :801
    assert spec['features']['nova']['live_migration_interface'] == 'ens4'
    # schemas/osdpl.yaml:790-800; templates/services/compute.yaml:48
    assert spec['features']['nova']['libvirt'] == {'tls': {'enabled': True}}
    # schemas/nodes.yaml:59 (per-node override by node label)
    assert spec['nodes'] == {'kubernetes.io/hostname::cmp-003': {
        'features': {'nova': {'live_migration_interface': 'ens5'}}}}
    # spec.services.<service>.<chart>.values: a raw chart values override;
    # compute.yaml:220-224 leaves migrate_tls_force unset
    assert spec['services'] == {'compute': {'libvirt': {'values': {'conf': {
        'qemu': {'migrate_tls_force': '1'}}}}}}


def test_mosk_implied_settings():
    text = ('kind: OpenStackDeployment\nspec:\n  features:\n    nova:\n'
            '      live_migration_interface: ens4\n'
            '      libvirt: {tls: {enabled: true}}\n'
            '    neutron: {backend: tungstenfabric}\n')
    assert _implied(text, 'mosk') == {
        # templates/services/compute.yaml:976
        ('nova', 'libvirt', 'live_migration_permit_auto_converge'): True,
        # compute.yaml:978-979
        ('nova', 'libvirt', 'live_migration_scheme'): 'tls',
        ('nova', 'libvirt', 'live_migration_with_native_tls'): True,
        # compute.yaml:209-210
        ('libvirtd', None, 'listen_tls'): 1,
        ('libvirtd', None, 'listen_tcp'): 0,
        # compute.yaml:223-224
        ('qemu', None, 'default_tls_x509_cert_dir'): '/etc/pki/qemu',
        ('qemu', None, 'default_tls_x509_verify'): 1,
        # compute.yaml:938-940
        ('nova', 'compute', 'live_migration_wait_for_vif_plug'): False,
    }
    checked = values.check_sources([readers.read_text(text, 'o.yaml')])
    assert checked.findings == []
