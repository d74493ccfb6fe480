"""The policy commands as a user runs them: output, exit status, bad input."""

import json

import pytest
import yaml

from osmigcfg.policy import catalog
from tests.cli_runner import run_cli

LIVE = catalog.MIGRATE_LIVE
LIVE_HOST = catalog.MIGRATE_LIVE_HOST


def test_render_to_stdout_and_validate_clean(capsys, tmp_path):
    status, out, err = run_cli(capsys, 'policy', 'render', '--profile',
                               'mosk-24.3')
    assert status == 0 and err == ''
    path = tmp_path / 'p.yaml'
    path.write_text(out)
    status, out, err = run_cli(capsys, 'policy', 'validate', str(path),
                               '-f', 'json')
    assert status == 0
    assert {f['Severity'] for f in json.loads(out)} <= {'info'}


def test_render_mosk_format_to_file(capsys, tmp_path):
    target = tmp_path / 'osdpl.yaml'
    status, out, _ = run_cli(capsys, 'policy', 'render', '--profile',
                             'admin-only', '--format', 'mosk', '-o',
                             str(target))
    assert status == 0 and out == ''
    data = yaml.safe_load(target.read_text())
    assert data['spec']['features']['policies']['nova'][LIVE] == (
        'rule:context_is_admin')


def test_render_with_override_file(capsys, tmp_path):
    override = tmp_path / 'mine.yaml'
    override.write_text(f'"{LIVE}": "rule:project_member_or_admin"\n')
    status, out, _ = run_cli(capsys, 'policy', 'render', '--profile',
                             'upstream', '--override', str(override),
                             '--format', 'helm')
    assert status == 0
    rules = yaml.safe_load(out)['conf']['policy']
    assert rules == {LIVE: 'rule:project_member_or_admin',
                     LIVE_HOST: 'rule:context_is_admin'}


def test_validate_exits_1_on_errors_and_names_file_and_line(capsys,
                                                             tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text(f'"{LIVE}e": "role:admin"\n')
    status, out, _ = run_cli(capsys, 'policy', 'validate', str(path), '-f',
                             'json')
    rows = json.loads(out)
    assert status == 1
    assert rows[0]['Code'] == 'POL103'
    assert rows[0]['Location'].startswith(f'{path}:1')


def test_validate_fail_on_warning(capsys, tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text(f'"{LIVE}": "rule:project_member_or_admin"\n')
    assert run_cli(capsys, 'policy', 'validate', str(path))[0] == 0
    assert run_cli(capsys, 'policy', 'validate', str(path), '--fail-on',
                   'warning')[0] == 1


def test_check_json_rows_carry_rule_and_boolean_allowed(capsys):
    status, out, _ = run_cli(capsys, 'policy', 'check', '--profile',
                             'mosk-24.3', '--roles', 'member,reader',
                             '--all-migration', '-f', 'json')
    rows = {r['rule']: r['allowed'] for r in json.loads(out)}
    assert status == 0
    assert rows[catalog.MIGRATE] is True and rows[LIVE] is True
    assert rows[catalog.MIGRATE_HOST] is False and rows[LIVE_HOST] is False


def test_check_single_rule_with_policy_file(capsys, tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text(f'"{LIVE}": "rule:project_member_or_admin"\n')
    status, out, _ = run_cli(capsys, 'policy', 'check', '--policy-file',
                             str(path), '--roles', 'member', '--rule',
                             LIVE_HOST, '-f', 'json')
    row = json.loads(out)[0]
    assert row['allowed'] is True and 'inherited' in row['source']


def test_effective_shows_inheritance(capsys, tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text(f'"{LIVE}": "rule:project_member_or_admin"\n')
    status, out, _ = run_cli(capsys, 'policy', 'effective', str(path), '-f',
                             'json')
    rows = {r['Rule']: r for r in json.loads(out)}
    assert rows[LIVE_HOST]['Effective check'] == 'rule:project_member_or_admin'
    assert 'inherited' in rows[LIVE_HOST]['Source']


def test_profiles_lists_the_shipped_profiles(capsys):
    status, out, _ = run_cli(capsys, 'policy', 'profiles', '-f', 'value',
                             '-c', 'Name')
    assert out.split() == ['admin-only', 'manager', 'mosk-24.3', 'upstream']


@pytest.mark.parametrize('argv,needle', [
    (['policy', 'validate', 'missing.yaml'], 'missing.yaml: cannot read'),
    (['policy', 'render', '--profile', 'nope'], "unknown profile 'nope'"),
    (['policy', 'render', '--profile', 'upstream', '--release', '12'],
     'no policy catalog for Nova release'),
    (['policy', 'check', '--roles', 'member', '--rule', LIVE + 'x'],
     'did you mean'),
    (['policy', 'validate'], 'nothing to validate'),
])
def test_bad_input_is_one_clear_line_and_exit_1(capsys, argv, needle):
    status, out, err = run_cli(capsys, *argv)
    assert status == 1
    assert needle in err
    assert 'Traceback' not in err and len(err.strip().splitlines()) == 1


def test_malformed_policy_in_effective_names_file_and_line(capsys, tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text('a: "x"\nb: [1,\n')
    status, _, err = run_cli(capsys, 'policy', 'effective', str(path))
    assert status == 1 and f'{path}:3' in err and 'Traceback' not in err


def test_usage_error_exits_2(capsys):
    status, _, err = run_cli(capsys, 'policy', 'render', '--format', 'zzz')
    assert status == 2 and 'invalid choice' in err


def test_failed_render_leaves_existing_output_untouched(capsys, tmp_path):
    target = tmp_path / 'policy.yaml'
    target.write_text('keep me\n')
    status, _, _ = run_cli(capsys, 'policy', 'render', '--profile', 'nope',
                           '-o', str(target))
    assert status == 1 and target.read_text() == 'keep me\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['policy.yaml']


def test_output_to_missing_directory_is_a_clear_error(capsys, tmp_path):
    status, _, err = run_cli(capsys, 'policy', 'render', '--profile',
                             'upstream', '-o', str(tmp_path / 'no' / 'p.yaml'))
    assert status == 1 and 'cannot write' in err
