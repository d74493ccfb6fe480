"""``osmigcfg readiness`` as a user runs it (in-process, files only)."""

import configparser
import json
import pathlib

import yaml

from tests.cli_runner import run_cli

SETUP_CFG = pathlib.Path(__file__).parents[3] / 'setup.cfg'


def test_setup_cfg_registers_the_command_for_the_osc_plugin():
    cfg = configparser.ConfigParser()
    cfg.read(SETUP_CFG)
    group = cfg['options.entry_points']['openstack.migration.v1']
    assert 'migration_readiness = osmigcfg.cli.readiness:AssessReadiness' \
        in group.splitlines()


def _argv(files):
    return ['readiness', '--nova-conf', files['nova_conf'],
            '--neutron-conf', files['neutron_conf'], '--cinder-conf',
            files['cinder_conf'], '--role-assignments',
            files['role_assignments']]


def test_a_clean_deployment_prints_ready_and_exits_0(capsys, deployment):
    status, out, err = run_cli(capsys, *_argv(deployment()))
    assert status == 0, err
    assert out.count('| ready') == 6


def test_a_blocked_kind_exits_1_and_names_rule_user_and_fix(
        capsys, deployment, tmp_path):
    files = deployment(roles={'nova': ['admin'],
                              'neutron': ['service', 'admin']})
    html = tmp_path / 'readiness.html'
    status, out, err = run_cli(capsys, *_argv(files), '-f', 'json',
                               '--html', str(html))
    assert status == 1, err
    rows = {r['Kind']: r for r in json.loads(out)}
    assert rows['live']['Verdict'] == 'blocked'
    binding = next(r for r in rows['live']['Reasons']
                   if r['subject'] == 'neutron:create_port_binding / nova')
    assert binding['code'] == 'RDY101'
    assert 'openstack role add --user nova' in binding['hint']
    page = html.read_text()
    assert 'data-action="live" data-persona="verdict"' in page
    assert 'neutron:create_port_binding / nova' in page


def test_fail_on_warning_fails_when_roles_are_unknown(capsys, deployment):
    files = deployment()
    argv = [a for a in _argv(files)
            if a not in ('--role-assignments', files['role_assignments'])]
    status, out, _ = run_cli(capsys, *argv, '-f', 'yaml')
    assert status == 0
    assert {r['Verdict'] for r in yaml.safe_load(out)} == {'unknown'}
    status, _out, _err = run_cli(capsys, *argv, '--fail-on', 'warning',
                                 '-f', 'value')
    assert status == 1


def test_bad_input_is_one_line_and_no_traceback(capsys, deployment, write):
    files = deployment()
    files['role_assignments'] = str(write('bad.yaml', 'nova: [1, 2]\n'))
    status, out, err = run_cli(capsys, *_argv(files))
    assert status == 1
    assert 'bad.yaml: nova: want a list of role names' in err
    assert 'Traceback' not in err


def test_an_unknown_cloud_is_one_line(capsys, write, monkeypatch):
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE',
                       str(write('clouds.yaml', 'clouds: {}\n')))
    status, _out, err = run_cli(capsys, '--os-cloud', 'nowhere',
                                'readiness')
    assert status == 1
    assert 'nowhere' in err and 'Traceback' not in err
