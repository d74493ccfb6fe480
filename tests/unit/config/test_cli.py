"""The ``config`` commands through the real CLI: exit codes, one-line errors,
atomic output."""

import importlib.metadata
import json
import logging
import os

from cliff import command
from cryptography import x509
from oslo_config import cfg
from oslo_config import generator
import pytest

from osmigcfg.cli import app
from tests.unit.config import certs


@pytest.fixture(autouse=True)
def _fresh_log_handlers():
    """osc-lib adds a stderr handler per run: drop it with the stream."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def run(capsys, *argv):
    code = app.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_render_writes_stdout(capsys):
    code, out, err = run(capsys, 'config', 'render', '--profile', 'secure')
    assert code == 0 and err == ''
    assert 'live_migration_with_native_tls = true' in out


def test_render_mosk_with_interface(capsys):
    code, out, _ = run(capsys, 'config', 'render', '--format', 'mosk',
                       '--interface', 'vhost0')
    assert code == 0 and 'live_migration_interface: vhost0' in out


def test_render_output_file_is_written_whole(capsys, tmp_path):
    target = tmp_path / 'nova.conf'
    target.write_text('old\n')
    code, out, _ = run(capsys, 'config', 'render', '-o', str(target))
    assert code == 0 and out == ''
    assert target.read_text().startswith('# nova.conf: live migration')
    assert sorted(os.listdir(tmp_path)) == ['nova.conf']


def test_render_to_missing_directory_fails_without_a_file(capsys, tmp_path):
    target = tmp_path / 'nope' / 'nova.conf'
    code, out, err = run(capsys, 'config', 'render', '-o', str(target))
    assert code == 1
    assert err.strip().splitlines() == [
        f'{target}: cannot write: no such directory {target.parent}']
    assert not target.parent.exists()


@pytest.mark.parametrize('argv, message', [
    (['config', 'render', '--profile', 'nope'],
     "unknown profile 'nope' (known profiles: mosk, secure, "
     "upstream-defaults)"),
    (['config', 'render', '--format', 'mosk'],
     'MOSK requires spec.features.nova.live_migration_interface (pass '
     '--interface NIC or --inventory FILE)'),
    (['config', 'validate', '/nonexistent/nova.conf'],
     '/nonexistent/nova.conf: cannot read: no such file'),
])
def test_bad_input_is_one_line_and_exit_1(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert err.strip().splitlines() == [message]
    assert 'Traceback' not in err


def test_unparsable_file_names_file_and_line(capsys, tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('[libvirt]\n  continuation\n')
    code, _, err = run(capsys, 'config', 'validate', str(path))
    assert code == 1
    assert err.strip() == (
        f'{path}:2: not an ini file: Unexpected continuation line (nova.conf '
        'is [section] headers and "name = value" lines)')


def test_bad_inventory_is_one_line(capsys, tmp_path):
    path = tmp_path / 'inv.yaml'
    path.write_text('hosts:\n  a: {address: 10.0.0.300}\n')
    code, _, err = run(capsys, 'config', 'render', '--inventory', str(path))
    assert code == 1
    assert err.strip() == (f"{path}:2: host 'a': address '10.0.0.300' is not "
                           'an IP address (CFG310: write an IPv4 or IPv6 '
                           'address without a %zone, or a CIDR such as '
                           '10.20.0.0/24; inbound_addr may also be a host '
                           'name)')


def test_validate_errors_exit_1_and_list_findings(capsys, tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('[libvirt]\nlive_migration_with_native_tls = maybe\n')
    code, out, _ = run(capsys, 'config', 'validate', str(path), '-f', 'json')
    assert code == 1
    rows = json.loads(out)
    assert rows[0]['Code'] == 'CFG110'
    assert rows[0]['Location'] == f'{path}:2 [libvirt] ' \
                                  'live_migration_with_native_tls'


def test_warnings_exit_0_unless_strict(capsys, tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('[libvirt]\nlive_migration_with_native_tls = true\n')
    code, out, _ = run(capsys, 'config', 'validate', str(path), '-f',
                       'value', '-c', 'Code')
    assert (code, out.split()) == (0, ['CFG202'])
    code, _, _ = run(capsys, 'config', 'validate', str(path), '--strict')
    assert code == 1


def test_validate_format_names_the_input_form(capsys, tmp_path):
    path = tmp_path / 'cr.txt'
    path.write_text('spec:\n  features:\n    nova:\n'
                    '      live_migration_interface: ens4\n'
                    '      libvirt:\n        tls: {enabled: true}\n')
    code, out, _ = run(capsys, 'config', 'validate', str(path), '--format',
                       'mosk', '-f', 'value', '-c', 'Code')
    assert (code, out.split()) == (0, ['CFG224'])


def test_convert_prints_the_resulting_nova_conf(capsys, tmp_path):
    path = tmp_path / 'globals.yml'
    path.write_text('libvirt_tls: yes\n')
    code, out, err = run(capsys, 'config', 'convert', str(path))
    assert code == 0
    assert 'live_migration_scheme = tls' in out
    assert 'live_migration_with_native_tls = false' in out
    assert err.startswith('1 findings (0 errors)')


def test_check_hosts_fails_on_collisions(capsys, tmp_path):
    path = tmp_path / 'inv.yaml'
    path.write_text('hosts:\n  a: {interface: e, address: 10.0.0.1}\n'
                    '  b: {interface: e, address: 10.0.0.1}\n')
    code, out, _ = run(capsys, 'config', 'check-hosts', str(path), '-f',
                       'value', '-c', 'Code')
    assert (code, out.split()) == (1, ['CFG302'])


# A host name that carries YAML: pasted into helm values it set
# images.tags.nova_compute, and check-hosts used to exit 0.
INJECTED = ('hosts:\n'
            '  "cmp-001\\nimages:\\n  tags:\\n    nova_compute: '
            'evil.example/nova:latest\\n#": {interface: ens5, '
            'address: 10.20.0.11}\n'
            '  cmp-002: {interface: ens4, address: 10.20.0.12}\n'
            '  cmp-003: {interface: ens4, address: 10.20.0.13}\n')


def test_check_hosts_fails_on_a_host_name_carrying_yaml(capsys, tmp_path):
    path = tmp_path / 'inv.yaml'
    path.write_text(INJECTED)
    code, out, _ = run(capsys, 'config', 'check-hosts', str(path), '-f',
                       'json')
    assert code == 1
    [row] = json.loads(out)
    assert row['Code'] == 'CFG308' and row['Severity'] == 'error'
    assert row['Location'] == (f"{path}:2 'cmp-001\\nimages:\\n  "
                               "tags:\\n    nova_co…")
    assert '\n' not in row['Message'] and '\n' not in row['Location']


def test_render_refuses_an_inventory_with_a_host_name_carrying_yaml(
        capsys, tmp_path):
    path, target = tmp_path / 'inv.yaml', tmp_path / 'values.yaml'
    path.write_text(INJECTED)
    code, out, err = run(capsys, 'config', 'render', '--format', 'helm',
                         '--inventory', str(path), '-o', str(target))
    assert (code, out) == (1, '')
    assert err.startswith(f"{path}:2: host name 'cmp-001\\nimages:")
    assert '(CFG308: ' in err and err.count('\n') == 1
    assert not target.exists() and os.listdir(tmp_path) == ['inv.yaml']
    code, out, _ = run(capsys, 'config', 'render', '--format', 'helm',
                       '--inventory', str(path))
    assert code == 1 and 'evil.example' not in out


def test_check_tls_of_one_host(capsys, tmp_path):
    certs.write_host(tmp_path, 'cmp-001', '10.20.0.11')
    code, out, _ = run(capsys, 'config', 'check-tls', '--cert-dir',
                       str(tmp_path), '--host', 'cmp-001', '--address',
                       '10.20.0.12', '-f', 'value', '-c', 'Code')
    assert (code, out.split()) == (1, ['CFG407'])


def test_check_tls_without_target_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        app.main(['config', 'check-tls', '--host', 'x'])
    assert e.value.code == 2
    assert 'give --cert-dir and --host, or --inventory' in \
        capsys.readouterr().err


def test_unknown_choice_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        app.main(['config', 'render', '--format', 'puppet'])
    assert e.value.code == 2


def test_profiles_lists_the_shipped_profiles(capsys):
    code, out, _ = run(capsys, 'config', 'profiles', '-f', 'value', '-c',
                       'Name')
    assert (code, out.split()) == (0, ['mosk', 'secure', 'upstream-defaults'])


def test_commands_are_registered_for_the_openstack_client_plugin():
    # `openstack migration config ...` loads this entry-point group; the
    # standalone `osmigcfg` drops the "migration " prefix (tested above).
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(
        group='openstack.migration.v1') if ep.name.startswith(
            'migration_config_')}
    assert sorted(eps) == [
        'migration_config_check-hosts', 'migration_config_check-tls',
        'migration_config_convert', 'migration_config_profiles',
        'migration_config_render', 'migration_config_validate']
    for ep in eps.values():
        assert issubclass(ep.load(), command.Command)


def test_oslo_config_generator_lists_our_namespace(tmp_path):
    out = tmp_path / 'sample.conf'
    c = cfg.ConfigOpts()
    generator.register_cli_opts(c)
    c(['--namespace', 'osmigcfg.config', '--output-file', str(out)])
    generator.generate(c)
    text = out.read_text()
    assert '#live_migration_with_native_tls = false' in text
    assert '# Minimum value: 100\n#live_migration_downtime = 500' in text


@pytest.mark.parametrize('days', ['1000000000000', '-1', '3651', 'soon'])
def test_check_tls_warn_days_out_of_range_is_a_usage_error(capsys, tmp_path,
                                                          days):
    certs.write_host(tmp_path, 'cmp-001', '10.20.0.11')
    with pytest.raises(SystemExit) as e:
        app.main(['config', 'check-tls', '--cert-dir', str(tmp_path),
                  '--host', 'cmp-001', '--warn-days', days])
    assert e.value.code == 2
    assert (f"argument --warn-days: {days!r} is not a whole number of days "
            'from 0 to 3650') in capsys.readouterr().err


def test_check_tls_inventory_goes_on_after_a_malformed_certificate(
        capsys, tmp_path):
    ca = certs.make_ca()
    certs.write_host(tmp_path / 'cmp-001', ca=ca, raw={
        'server-cert.pem': certs.pem(certs.with_broken_extension(
            *ca, 'cmp-001', x509.oid.ExtensionOID.KEY_USAGE)[0])})
    certs.write_host(tmp_path / 'cmp-002', 'cmp-002', '10.20.0.12', ca=ca,
                     skip=['client-key.pem'])
    path = tmp_path / 'inv.yaml'
    path.write_text(f'cert_dir: {tmp_path}/{{name}}\nhosts:\n'
                    '  cmp-001: {interface: e, address: 10.20.0.11}\n'
                    '  cmp-002: {interface: e, address: 10.20.0.12}\n')
    code, out, err = run(capsys, 'config', 'check-tls', '--inventory',
                         str(path), '-f', 'json')
    assert (code, err) == (1, '')
    assert [(r['Code'], r['Location']) for r in json.loads(out)] == [
        ('CFG402', f'{tmp_path}/cmp-001/server-cert.pem cmp-001'),
        ('CFG401', f'{tmp_path}/cmp-002/client-key.pem cmp-002')]
