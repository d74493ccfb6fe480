"""``policy audit|upgrade-check|rehearse`` as a user runs them."""

import importlib.metadata
import json

import pytest

from tests.cli_runner import run_cli
from tests.unit.policy_audit.conftest import LIVE_ONLY


def test_commands_are_registered_for_the_osc_plugin():
    names = {ep.name for ep in importlib.metadata.entry_points(
        group='openstack.migration.v1')}
    assert {'migration_policy_audit', 'migration_policy_upgrade-check',
            'migration_policy_rehearse'} <= names


@pytest.mark.parametrize('fail_on,status', [('high', 1), ('medium', 1)])
def test_mosk_like_case_fails_the_gate(capsys, mosk_dir, fail_on, status):
    got, out, err = run_cli(capsys, 'policy', 'audit', '--policy-dir',
                            str(mosk_dir), '--no-enforce-new-defaults',
                            '--fail-on', fail_on, '-f', 'json')
    assert got == status, err
    rows = json.loads(out)
    assert {'Severity': 'high', 'Code': 'POL302'}.items() <= next(
        r for r in rows if r['Location'].endswith('live-migrate-host / reader')
    ).items()


@pytest.mark.parametrize('argv,status', [
    (['--profile', 'mosk-24.3'], 0),
    (['--profile', 'mosk-24.3', '--fail-on', 'medium'], 1),
    (['--profile', 'upstream', '--expect', 'mosk-24.3', '--fail-on', 'info'],
     1),
    (['--profile', 'upstream', '--expect', 'mosk-24.3', '--fail-on',
      'medium'], 0),
    (['--profile', 'admin-only', '--fail-on', 'info'], 0),
])
def test_fail_on_sets_the_exit_status(capsys, argv, status):
    got, _out, err = run_cli(capsys, 'policy', 'audit', *argv, '-f', 'value')
    assert got == status, err


def test_long_adds_the_rule_chains(capsys):
    status, out, _ = run_cli(capsys, 'policy', 'audit', '--profile',
                             'mosk-24.3', '--long', '-f', 'json')
    rows = json.loads(out)
    assert status == 0
    assert 'abort-migration: denied' in rows[0]['Details']


def test_matrix_lists_one_row_per_action(capsys):
    status, out, _ = run_cli(capsys, 'policy', 'audit', '--profile',
                             'mosk-24.3', '--matrix', '-f', 'json')
    rows = {r['Action']: r for r in json.loads(out)}
    assert status == 0 and len(rows) == 15
    assert rows['live-migrate']['member'] == 'allowed'
    assert rows['live-migrate-host']['member'] == 'denied'
    assert rows['live-migrate']['other-project-member'] == 'not found'
    assert rows['live-migrate-host']['Rules'] == \
        'os-migrate-server:migrate_live:host'


def test_html_and_text_reports_are_written(capsys, tmp_path, mosk_dir):
    html_path, text_path = tmp_path / 'r.html', tmp_path / 'r.txt'
    status, _, _ = run_cli(capsys, 'policy', 'audit', '--policy-dir',
                           str(mosk_dir), '--no-enforce-new-defaults',
                           '--html', str(html_path), '--text', str(text_path))
    assert status == 1
    assert html_path.read_text().startswith('<!DOCTYPE html>')
    assert 'live-migrate-host' in text_path.read_text()


def test_upgrade_check_reports_the_host_leak(capsys, write):
    path = write('policy.yaml', LIVE_ONLY)
    status, out, _ = run_cli(capsys, 'policy', 'upgrade-check', '--from',
                             '31', '--to', '34', str(path), '-f', 'json')
    assert status == 1
    assert [r['Code'] for r in json.loads(out)][0] == 'POL403'
    status, _, _ = run_cli(capsys, 'policy', 'upgrade-check', '--from', '32',
                           str(path), '-f', 'value')
    assert status == 0


def test_rehearse_without_nova_says_what_to_install(capsys, without_extra):
    without_extra('rehearse')
    status, _, err = run_cli(capsys, 'policy', 'rehearse', '--profile',
                             'upstream')
    assert status == 1
    assert err.strip().splitlines() == [
        "policy rehearse needs the 'rehearse' extra, which is not installed "
        "(no module osmigcfg_test_absent_module): "
        "pip install 'osmigcfg[rehearse]'"]


@pytest.mark.parametrize('argv,needle', [
    (['audit'], 'nothing to audit'),
    (['audit', '--policy-file', 'missing.yaml'], 'missing.yaml: cannot read'),
    (['audit', '--profile', 'nope'], "unknown profile 'nope'"),
    (['audit', '--profile', 'upstream', '--expect', 'nope'],
     "unknown profile 'nope'"),
    (['audit', '--profile', 'upstream', '--release', '12'],
     'no policy catalog for Nova release'),
    (['audit', '--policy-dir', 'no-such-dir'], 'not a directory'),
    (['upgrade-check', '--from', '12', '--profile', 'upstream'],
     'no policy catalog for Nova release'),
    (['upgrade-check', '--from', '31', 'missing.yaml'],
     'missing.yaml: cannot read'),
    (['rehearse', '--profile', 'upstream', '--release', '33'],
     'a rehearsal runs Nova 34'),
    (['rehearse', '--profile', 'upstream', '--persona', 'boss'],
     "unknown persona 'boss'"),
])
def test_bad_input_is_one_clear_line_and_exit_1(capsys, argv, needle):
    status, _, err = run_cli(capsys, 'policy', *argv)
    assert status == 1
    assert needle in err
    assert 'Traceback' not in err and len(err.strip().splitlines()) == 1


def test_malformed_policy_names_file_and_line(capsys, write):
    path = write('p.yaml', 'a: "x"\nb: [1,\n')
    status, _, err = run_cli(capsys, 'policy', 'audit', '--policy-file',
                             str(path))
    assert status == 1 and f'{path}:3' in err and 'Traceback' not in err


@pytest.mark.parametrize('argv', [
    ['upgrade-check', '--profile', 'upstream'],
    ['audit', '--profile', 'upstream', '--fail-on', 'error'],
])
def test_usage_errors_exit_2(capsys, argv):
    status, _, _ = run_cli(capsys, 'policy', *argv)
    assert status == 2
