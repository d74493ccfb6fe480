"""Reading deploy-tool forms back: what nova.conf each tool produces."""

import pytest

from osmigcfg import config
from osmigcfg import exceptions
from osmigcfg.config import readers
from osmigcfg.config import values

MOSK_TLS = """\
apiVersion: lcm.mirantis.com/v1alpha1
kind: OpenStackDeployment
metadata:
  name: osh-dev
spec:
  features:
    nova:
      live_migration_interface: ens4
      libvirt:
        tls:
          enabled: true
  nodes:
    kubernetes.io/hostname::cmp-009:
      features:
        nova:
          live_migration_interface: ens5
  services:
    compute:
      nova:
        values:
          conf:
            nova:
              libvirt:
                live_migration_completion_timeout: 1600
"""


def checked(text, fmt, name='x.yaml'):
    return values.check_sources([readers.read_text(text, name, fmt)])


def test_mosk_tls_switch_implies_native_tls_and_the_libvirt_side():
    c = checked(MOSK_TLS, 'mosk')
    lm, tls = c.settings.live_migration, c.settings.tls
    assert lm.live_migration_with_native_tls and \
        lm.live_migration_scheme == 'tls'
    assert lm.live_migration_permit_auto_converge
    assert lm.live_migration_completion_timeout == 1600
    assert tls.listen_tls and not tls.listen_tcp and tls.migration_verify
    assert c.settings.migration_interface == 'ens4'
    assert c.facts['node_interfaces'] == {
        'kubernetes.io/hostname::cmp-009': ('ens5', 16)}
    entry = c.where[('nova', 'live_migration_with_native_tls')]
    assert (entry.line, entry.implied) == (11, True)
    assert c.where[('nova', 'live_migration_completion_timeout')].line == 24


def test_convert_shows_the_nova_conf_a_mosk_cr_amounts_to(tmp_path):
    path = tmp_path / 'osdpl.yaml'
    path.write_text(MOSK_TLS)
    text, report = config.convert_config([str(path)])
    assert 'live_migration_with_native_tls = true' in text
    assert 'live_migration_completion_timeout = 1600' in text
    assert report.codes() == ['CFG224']


def test_mosk_without_tls_keeps_the_charts_plain_tcp_listener():
    text = MOSK_TLS.replace('enabled: true', 'enabled: false')
    c = checked(text, 'mosk')
    assert not c.settings.live_migration.live_migration_with_native_tls
    assert c.settings.tls.listen_tcp and c.settings.tls.auth_tcp == 'none'


def test_mosk_tls_flag_must_be_boolean():
    with pytest.raises(exceptions.ConfigFileError,
                       match=r'x.yaml:11: .*enabled must be true or false'):
        checked(MOSK_TLS.replace('enabled: true', 'enabled: maybe'), 'mosk')


def test_helm_values_map_conf_nova_groups():
    c = checked('conf:\n  libvirt:\n    live_migration_interface: bond1\n'
                '    live_migration_network_cidr: 10.9.0.0/16\n'
                '  nova:\n    DEFAULT:\n'
                '      max_concurrent_live_migrations: 3\n', 'helm')
    assert c.settings.live_migration.max_concurrent_live_migrations == 3
    assert c.settings.migration_interface == 'bond1'
    assert c.settings.migration_network == '10.9.0.0/16'


def test_helm_libvirt_chart_defaults_are_plain_tcp_without_auth():
    c = checked('conf:\n  qemu:\n    user: nova\n', 'helm-libvirt')
    assert c.settings.tls.listen_tcp and not c.settings.tls.listen_tls
    assert c.settings.tls.auth_tcp == 'none'


def test_kolla_libvirt_tls_sets_scheme_but_never_native_tls():
    c = checked('libvirt_tls: "yes"\nmigration_interface: eth2\n',
                'kolla-globals')
    lm = c.settings.live_migration
    assert lm.live_migration_scheme == 'tls'
    assert not lm.live_migration_with_native_tls
    assert c.settings.tls.auth_tls == 'sasl'


def test_kolla_override_file_adds_native_tls(tmp_path):
    (tmp_path / 'globals.yml').write_text('libvirt_tls: true\n')
    override = tmp_path / 'kolla' / 'nova.conf'
    override.parent.mkdir()
    override.write_text('[libvirt]\nlive_migration_with_native_tls = true\n')
    c = config.read_config([str(tmp_path / 'globals.yml'), str(override)])
    assert c.settings.live_migration.live_migration_with_native_tls
    assert str(override) in c.shared_files


def test_osa_defaults_to_native_tls():
    c = checked('nova_virt_type: kvm\n', 'osa')
    assert c.settings.live_migration.live_migration_with_native_tls
    assert c.settings.tls.default_tls_x509_verify is True


def test_osa_without_tls_falls_back_to_ssh_tunnelling():
    c = checked('nova_libvirtd_listen_tls: 0\n', 'osa')
    lm = c.settings.live_migration
    assert lm.live_migration_tunnelled and lm.control_scheme == 'ssh'


def test_osa_string_listen_tls_is_refused_with_the_reason():
    with pytest.raises(exceptions.ConfigFileError) as e:
        checked('nova_libvirtd_listen_tls: "1"\n', 'osa')
    assert str(e.value).startswith('x.yaml:1: nova_libvirtd_listen_tls '
                                   "must be the number 0 or 1, not '1'")
    assert 'leaves TLS off' in str(e.value)


def test_osa_overrides_and_qemu_dict_are_read():
    c = checked('nova_nova_conf_overrides:\n  libvirt:\n'
                '    live_migration_downtime: 900\n'
                'nova_libvirtd_listen_tls: 0\n'
                'qemu_conf_dict:\n  migrate_tls_force: 1\n'
                '  default_tls_x509_cert_dir: \'"/srv/pki"\'\n', 'osa')
    assert c.settings.live_migration.live_migration_downtime == 900
    assert c.settings.tls.migrate_tls_force is True
    # without TLS os_nova's qemu.conf.j2 writes no cert dir: the dict's counts
    assert c.settings.tls.default_tls_x509_cert_dir == '/srv/pki'
    assert 'CFG105' not in [f.code for f in c.findings]


def test_osa_qemu_dict_cannot_override_what_os_nova_writes_first():
    # os_nova templates/qemu.conf.j2:25,48 write default_tls_x509_cert_dir
    # and default_tls_x509_verify = 1, then the qemu_conf_dict lines (:61);
    # libvirt keeps the first occurrence of a key
    c = checked('qemu_conf_dict:\n  default_tls_x509_verify: "0"\n', 'osa')
    assert c.settings.tls.default_tls_x509_verify is True
    (finding,) = c.findings
    assert (finding.code, finding.location.line) == ('CFG105', 2)
    assert 'ignored' in finding.message
    report = config.validate_text('qemu_conf_dict:\n'
                                  '  default_tls_x509_verify: "0"\n', 'osa')
    assert 'CFG222' not in report.codes()


@pytest.mark.parametrize('name, text, fmt', [
    ('nova.conf', '[libvirt]\n', 'nova-conf'),
    ('/etc/kolla/config/nova.conf', '[libvirt]\n', 'kolla'),
    ('libvirtd.conf', 'listen_tls = 1\n', 'libvirtd'),
    ('qemu.conf', 'migrate_tls_force = 1\n', 'qemu'),
    ('custom.conf', 'migrate_tls_force = 1\n', 'qemu'),
    ('osdpl.yaml', 'kind: OpenStackDeployment\nspec: {}\n', 'mosk'),
    ('user_variables.yml', 'nova_libvirtd_listen_tls: 1\n', 'osa'),
    ('globals.yml', 'libvirt_tls: yes\n', 'kolla-globals'),
    ('nova.yaml', 'conf:\n  nova:\n    libvirt: {}\n', 'helm'),
    ('libvirt.yaml', 'conf:\n  libvirt:\n    listen_tls: "1"\n',
     'helm-libvirt'),
])
def test_format_is_detected_from_name_and_content(name, text, fmt):
    assert readers.detect_format(name, text) == fmt


def test_undetectable_file_asks_for_format():
    with pytest.raises(exceptions.ConfigFileError, match='pass --format'):
        readers.detect_format('x.yaml', 'foo: 1\n')


@pytest.mark.parametrize('fmt, text, where', [
    ('nova-conf', '[libvirt]\n  oops\n', 'n:2'),
    ('nova-conf', 'live_migration_scheme = tls\n', 'n:1'),
    ('libvirtd', 'listen_tls 1\n', 'n:1'),
    ('libvirtd', 'listen_tls = yes\n', 'n:1'),
    ('mosk', 'spec: [1\n', 'n:2'),
    ('helm', 'conf: 3\n', 'n:1'),
])
def test_unparsable_input_names_file_and_line(fmt, text, where):
    with pytest.raises(exceptions.ConfigFileError) as e:
        readers.read_text(text, 'n', fmt)
    assert str(e.value).startswith(where + ': ')
