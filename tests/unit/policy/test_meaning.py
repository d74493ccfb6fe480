"""validate judges meaning, not spelling; audit carries validate's errors."""

import pytest

from osmigcfg.policy import audit
from osmigcfg.policy import catalog
from osmigcfg.policy import report_html
from osmigcfg.policy import report_text
from osmigcfg.policy import validate
from tests.cli_runner import run_cli

MIGRATE = catalog.MIGRATE
LIVE_HOST = catalog.MIGRATE_LIVE_HOST


def escalations(report):
    return [f for f in report if f.code == 'POL202']


@pytest.mark.parametrize('text, culprit', [
    ('"context_is_admin": "@"\n', 'context_is_admin'),
    ('"context_is_admin": ""\n', 'context_is_admin'),
    ('"context_is_admin": "not role:x"\n', 'context_is_admin'),
    ('"project_manager_or_admin": "@"\n', 'project_manager_or_admin'),
    ('"helper": "role:admin or role:reader"\n'
     f'"{MIGRATE}": "rule:helper"\n', 'helper'),
], ids=['admin-at', 'admin-empty', 'admin-not-role', 'manager-helper',
        'custom-helper'])
def test_a_helper_rule_that_opens_migrations_is_an_error(write, text,
                                                         culprit):
    report = validate.validate_policy(write('policy.yaml', text))
    found = escalations(report)
    assert [f.location.subject for f in found] == [culprit]
    assert found[0].severity == 'error' and found[0].location.line
    assert 'cold migrate' in found[0].message
    # the chain that grants it is in the details, down to the helper
    assert any(f'rule:{culprit} = ' in line and '[ok]' in line
               for line in found[0].details)


def test_everyone_on_the_migration_rule_itself_stays_pol201_alone(write):
    report = validate.validate_policy(write('p.yaml', f'"{MIGRATE}": ""\n'))
    assert 'POL201' in report.codes() and not escalations(report)


def test_a_project_role_rule_is_not_an_escalation(write):
    path = write('p.yaml', f'"{MIGRATE}": "rule:project_member_or_admin"\n')
    assert not escalations(validate.validate_policy(path))


def test_validate_cli_exits_1_naming_the_escalation(capsys, write):
    path = write('policy.yaml', '"context_is_admin": "@"\n')
    status, out, _err = run_cli(capsys, 'policy', 'validate', str(path),
                                '-f', 'value', '-c', 'Code', '-c', 'Location')
    assert status == 1
    assert f'POL202 {path}:1 context_is_admin' in out.splitlines()


UNPARSABLE = f'"{LIVE_HOST}": "role:admin or ("\n'


def test_audit_carries_an_unparsable_rule_and_shows_its_cells(write):
    result = audit.audit_policy(write('policy.yaml', UNPARSABLE))
    assert 'POL110' in result.report.codes()
    assert result.report.fails('high')
    cell = result.matrix.cell('live-migrate-host', 'admin')
    assert (cell.allowed, cell.reason) == (False, 'unparsable')
    assert any('cannot parse' in line for line in cell.chain())


@pytest.mark.parametrize('text, code', [
    (UNPARSABLE, 'POL110'),
    (f'"{MIGRATE}": "rule:nowhere"\n', 'POL120'),
    ('"a": "rule:b"\n"b": "rule:a"\n', 'POL121'),
    ('"context_is_admin": "@"\n', 'POL202'),
])
def test_audit_exits_1_on_every_validate_error(capsys, write, text, code):
    path = write('policy.yaml', text)
    status, out, err = run_cli(capsys, 'policy', 'audit', '--policy-file',
                               str(path), '--matrix', '-f', 'csv')
    assert status == 1, err
    status, out, err = run_cli(capsys, 'policy', 'audit', '--policy-file',
                               str(path), '-f', 'value', '-c', 'Code')
    assert code in out.split()


@pytest.mark.parametrize('command', [
    ['validate', '{p}'], ['audit', '--policy-file', '{p}'],
    ['check', '--policy-file', '{p}', '--roles', 'admin', '--all-migration'],
    ['effective', '{p}'], ['upgrade-check', '--from', '33', '{p}'],
])
def test_oslo_policy_tracebacks_never_reach_stderr(capsys, write, command):
    path = write('policy.yaml', UNPARSABLE)
    status, _out, err = run_cli(
        capsys, 'policy', *[c.format(p=path) for c in command])
    assert status in (0, 1)
    assert 'Traceback' not in err and 'Failed to understand' not in err


def test_access_through_legacy_defaults_stays_the_pol211_warning(write):
    path = write('policy.yaml',
                 f'"{MIGRATE}": "rule:project_member_or_admin"\n')
    report = validate.validate_policy(path, enforce_new_defaults=False)
    assert 'POL211' in report.codes() and not escalations(report)


def test_reports_mark_cells_denied_through_an_unparsable_rule(write):
    result = audit.audit_policy(write('policy.yaml', UNPARSABLE))
    row = next(line for line in report_text.render_text(result).splitlines()
               if line.startswith('live-migrate-host '))
    assert row.split()[1:] == ['#', '#', '#', '#', '-', '#', '#']
    assert ('<td class="cell unparsable" data-action="live-migrate-host" '
            'data-persona="admin"') in report_html.render_html(result)
