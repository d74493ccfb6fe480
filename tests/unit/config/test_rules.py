"""CFG2xx: every cross-option rule, each with a minimal bad config."""

import pytest

from osmigcfg import config
from osmigcfg.config import readers
from osmigcfg.config import rules
from osmigcfg.config import values
from tests.findings_helpers import only

SECURE_QEMU = ('default_tls_x509_verify = 1\nmigrate_tls_force = 1\n')
SECURE_LIBVIRTD = 'listen_tls = 1\nlisten_tcp = 0\n'
TLS = ('[libvirt]\nlive_migration_scheme = tls\n'
       'live_migration_with_native_tls = true\n')


def report(tmp_path, nova=None, libvirtd=None, qemu=None, qemu_version=None,
           **yaml_forms):
    paths = []
    for name, text in (('nova.conf', nova), ('libvirtd.conf', libvirtd),
                       ('qemu.conf', qemu)):
        if text is not None:
            (tmp_path / name).write_text(text)
            paths.append(tmp_path / name)
    for fmt, text in yaml_forms.items():
        path = tmp_path / f'{fmt}.yaml'
        path.write_text(text)
        paths.append(path)
    return config.validate_config([str(p) for p in paths],
                                  qemu_version=qemu_version)


def test_secure_render_of_every_layer_passes_clean(tmp_path):
    settings = config.load_profile('secure')
    rep = report(tmp_path,
                 nova=config.render_config(settings, 'nova-conf'),
                 libvirtd=config.render_config(settings, 'libvirtd'),
                 qemu=config.render_config(settings, 'qemu'))
    assert list(rep) == []


def test_native_tls_with_tunnelled_is_cfg201_error(tmp_path):
    f = only(report(tmp_path, nova=TLS + 'live_migration_tunnelled = true\n'),
             'CFG201')
    assert f.severity == 'error'
    assert f.message == ('live_migration_with_native_tls and '
                         'live_migration_tunnelled are both true: '
                         'nova-compute refuses to start')
    assert f.location.line == 4


def test_default_scheme_is_a_plain_tcp_control_connection_cfg202(tmp_path):
    rep = report(tmp_path, nova='[libvirt]\n'
                 'live_migration_with_native_tls = true\n')
    f = only(rep, 'CFG202')
    assert f.severity == 'warning'
    assert f.message == ('the libvirtd-to-libvirtd connection is qemu+tcp, '
                         'unencrypted (native TLS protects the migration '
                         'streams, not this connection)')
    assert not rep.fails('error') and rep.fails('warning')


def test_tcp_uri_is_also_cfg202(tmp_path):
    f = only(report(tmp_path, nova='[libvirt]\nlive_migration_uri = '
                    'qemu+tcp://%s/system\n'), 'CFG202')
    assert f.location.subject == '[libvirt] live_migration_uri'


def test_unauthenticated_tcp_libvirtd_is_cfg203(tmp_path):
    f = only(report(tmp_path, libvirtd='listen_tcp = 1\nauth_tcp = "none"\n'),
             'CFG203')
    assert f.message.startswith('libvirtd listens on TCP with auth_tcp = '
                                '"none"')
    assert f.location.line == 2


def test_no_native_tls_sends_data_in_clear_cfg204(tmp_path):
    f = only(report(tmp_path, nova='[libvirt]\nlive_migration_scheme = tls\n'),
             'CFG204')
    assert f.message.startswith('migration data is unencrypted: libvirtd\'s '
                                'connection uses TLS, but RAM and disks')


def test_tunnel_through_plain_tcp_is_still_cfg204(tmp_path):
    f = only(report(tmp_path, nova='[libvirt]\nlive_migration_tunnelled = '
                    'true\n'), 'CFG204')
    assert 'tunnelled through a plain tcp libvirtd connection' in f.message


def test_tunnel_through_ssh_is_encrypted(tmp_path):
    rep = report(tmp_path, nova='[libvirt]\nlive_migration_tunnelled = true\n'
                 'live_migration_uri = qemu+ssh://nova@%s/system\n')
    assert 'CFG204' not in rep.codes() and 'CFG202' not in rep.codes()


def test_uri_overriding_scheme_is_cfg205(tmp_path):
    f = only(report(tmp_path, nova=TLS + 'live_migration_uri = '
                    'qemu+tcp://%s/system\n'), 'CFG205')
    assert f.message == ("live_migration_uri 'qemu+tcp://%s/system' "
                         "overrides live_migration_scheme")


def test_post_copy_masks_auto_converge_cfg206(tmp_path):
    f = only(report(tmp_path, nova=TLS + 'live_migration_permit_post_copy = '
                    'true\nlive_migration_permit_auto_converge = true\n'),
             'CFG206')
    assert f.severity == 'info'
    assert f.message == 'post-copy is permitted, so auto-converge is never ' \
                        'used'


PARALLEL = TLS + ('live_migration_permit_post_copy = true\n'
                  'live_migration_parallel_connections = 4\n')


def test_parallel_post_copy_needs_qemu_10_1_cfg207(tmp_path):
    f = only(report(tmp_path, nova=PARALLEL), 'CFG207')
    assert f.severity == 'warning'
    assert f.message == ('live_migration_parallel_connections = 4 with '
                         'post-copy needs QEMU >= 10.1 on every compute')


def test_parallel_post_copy_on_old_qemu_is_an_error(tmp_path):
    f = only(report(tmp_path, nova=PARALLEL, qemu_version=(8, 2)), 'CFG207')
    assert f.severity == 'error'
    assert '(QEMU is 8.2: nova-compute refuses to start)' in f.message
    assert 'CFG207' not in report(tmp_path, nova=PARALLEL,
                                  qemu_version=(10, 1)).codes()


def test_completion_timeout_below_downtime_steps_is_cfg208(tmp_path):
    f = only(report(tmp_path, nova=TLS + 'live_migration_completion_timeout'
                    ' = 600\n'), 'CFG208')
    assert f.message == ('live_migration_completion_timeout = 600 does not '
                         'exceed downtime_delay x downtime_steps = 750: '
                         'migrations stop before the downtime steps are done')


def test_force_complete_without_post_copy_pauses_cfg209(tmp_path):
    f = only(report(tmp_path, nova=TLS + 'live_migration_timeout_action = '
                    'force_complete\n'), 'CFG209')
    assert 'pauses the guest' in f.message


def test_force_complete_without_timeout_never_fires_cfg210(tmp_path):
    f = only(report(tmp_path, nova=TLS + 'live_migration_timeout_action = '
                    'force_complete\nlive_migration_completion_timeout = 0\n'
                    'live_migration_permit_post_copy = true\n'), 'CFG210')
    assert f.severity == 'info'


def test_inbound_address_in_a_shared_deploy_form_is_cfg211(tmp_path):
    helm = ('conf:\n  nova:\n    libvirt:\n'
            '      live_migration_inbound_addr: 10.0.0.5\n')
    f = only(report(tmp_path, helm=helm), 'CFG211')
    assert f.severity == 'error'
    assert f.location.line == 4
    # the same line in one host's nova.conf is fine
    assert 'CFG211' not in report(
        tmp_path, nova='[libvirt]\nlive_migration_inbound_addr = 10.0.0.5\n'
    ).codes()


def test_tls_scheme_without_tls_listener_is_cfg220(tmp_path):
    f = only(report(tmp_path, nova=TLS, libvirtd='listen_tls = 0\n',
                    qemu=SECURE_QEMU), 'CFG220')
    assert f.message == ('live migration connects with qemu+tls but '
                         'libvirtd does not listen on TLS')


def test_tcp_listener_left_open_beside_tls_is_cfg221(tmp_path):
    f = only(report(tmp_path, nova=TLS, libvirtd='listen_tls = 1\n'
                    'listen_tcp = 1\nauth_tcp = "sasl"\n', qemu=SECURE_QEMU),
             'CFG221')
    assert f.location.line == 2


def test_qemu_not_verifying_peer_is_cfg222(tmp_path):
    f = only(report(tmp_path, nova=TLS, qemu='default_tls_x509_verify = 1\n'
                    'migrate_tls_x509_verify = 0\nmigrate_tls_force = 1\n'),
             'CFG222')
    assert f.severity == 'error'
    assert f.location.subject == 'qemu.conf migrate_tls_x509_verify'


def test_verification_left_to_fallback_is_cfg223(tmp_path):
    f = only(report(tmp_path, nova=TLS, qemu='migrate_tls_force = 1\n'),
             'CFG223')
    assert f.severity == 'info'


def test_qemu_accepting_plain_migrations_is_cfg224(tmp_path):
    f = only(report(tmp_path, nova=TLS, qemu='default_tls_x509_verify = 1\n'),
             'CFG224')
    assert f.message == ('migrate_tls_force is off: QEMU also accepts '
                         'migrations without TLS')


def test_forced_tls_without_native_tls_is_cfg225(tmp_path):
    f = only(report(tmp_path, nova='[libvirt]\nlive_migration_scheme = tls\n',
                    qemu='migrate_tls_force = 1\n'), 'CFG225')
    assert f.severity == 'error'


def test_empty_port_range_is_cfg226(tmp_path):
    f = only(report(tmp_path, qemu='migration_port_min = 49300\n'
                    'migration_port_max = 49200\n'), 'CFG226')
    assert f.message == 'migration_port_min 49300 > migration_port_max 49200'


def test_post_copy_with_native_tls_is_cfg227(tmp_path):
    f = only(report(tmp_path, nova=TLS + 'live_migration_permit_post_copy = '
                    'true\n'), 'CFG227')
    assert f.severity == 'info'


def test_layer_rules_need_that_layer(tmp_path):
    # a lone nova.conf says nothing about libvirtd or qemu.conf
    rep = report(tmp_path, nova=TLS)
    assert not [c for c in rep.codes() if c >= 'CFG203' and c != 'CFG204'
                and c.startswith('CFG2')]


@pytest.mark.parametrize('form, text, codes', [
    ('mosk', 'kind: OpenStackDeployment\nspec:\n  features:\n    nova:\n'
             '      live_migration_interface: ens4\n', {'CFG202', 'CFG203',
                                                        'CFG204'}),
    ('kolla-globals', 'libvirt_tls: yes\n', {'CFG204'}),
    ('osa', 'nova_libvirtd_listen_tls: 0\n', {'CFG103'}),
])
def test_deploy_tool_defaults_are_judged_like_any_config(form, text, codes):
    source = readers.read_text(text, 'x.yaml', form)
    checked = values.check_sources([source])
    found = {f.code for f in checked.findings + rules.check_rules(checked)}
    assert codes <= found


def test_mosk_without_migration_interface_is_cfg212(tmp_path):
    rep = report(tmp_path, mosk='kind: OpenStackDeployment\nspec:\n'
                 '  features:\n    nova:\n      libvirt:\n        tls:\n'
                 '          enabled: true\n')
    f = only(rep, 'CFG212')
    assert f.severity == 'error'
    assert f.message == ('spec.features.nova.live_migration_interface is '
                         'missing; the OpenStackDeployment schema requires it')
