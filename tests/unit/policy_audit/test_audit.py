"""Audits: the matrix and its findings (POL3xx), each with the rule chain."""

import pytest

from osmigcfg import exceptions
from osmigcfg.policy import audit
from osmigcfg.policy import catalog
from osmigcfg.policy import render

LIVE = catalog.MIGRATE_LIVE
LIVE_HOST = catalog.MIGRATE_LIVE_HOST


def by_subject(result, code=None):
    return {f.location.subject: f for f in result.report
            if code is None or f.code == code}


def high_subjects(result):
    return {f.location.subject for f in result.report if f.severity == 'high'}


def test_mosk_like_policy_d_lets_reader_live_migrate_to_a_host(mosk_dir):
    result = audit.audit_policy(policy_dirs=[mosk_dir],
                                enforce_new_defaults=False)
    assert result.matrix.allowed('live-migrate-host', 'reader')
    finding = by_subject(result, 'POL302')['live-migrate-host / reader']
    assert finding.severity == 'high' and finding.code == 'POL302'
    assert finding.location.file.endswith('01-controller-default.yaml')
    assert finding.location.line == 2
    chain = '\n'.join(finding.details)
    # the chain: the inherited :host rule, then the legacy OR that a
    # reader passes on project_id alone
    assert 'inherited from the override of ' + LIVE in chain
    assert 'project_id:%(project_id)s [ok]' in chain
    assert 'role:member [ok]' not in chain
    assert 'write "' + LIVE_HOST + '" explicitly' in finding.hint


def test_mosk_like_policy_d_lets_a_token_without_roles_migrate(mosk_dir):
    result = audit.audit_policy(policy_dirs=[mosk_dir],
                                enforce_new_defaults=False)
    highs = high_subjects(result)
    for action in ('cold-migrate', 'live-migrate', 'live-migrate-host'):
        assert f'{action} / no-roles' in highs
        assert f'{action} / reader' in highs
    assert 'cold-migrate-host / reader' not in highs  # migrate:host stays
    finding = by_subject(result, 'POL302')['live-migrate / no-roles']
    assert 'enforce_new_defaults=true' in finding.hint


def test_members_choosing_the_host_is_high_for_non_admins(mosk_dir):
    result = audit.audit_policy(policy_dirs=[mosk_dir],
                                enforce_new_defaults=False)
    finding = by_subject(result, 'POL301')['live-migrate-host / member']
    assert finding.severity == 'high'
    assert 'admin / ' not in ' '.join(high_subjects(result))


def test_rendered_mosk_profile_with_new_defaults_has_no_high(write):
    path = write('policy.yaml', render.render_policy('mosk-24.3', 34))
    result = audit.audit_policy(path, release=34)
    assert not result.report.fails('high'), result.report.to_list()
    assert result.matrix.allowed_to('live-migrate') == [
        'admin', 'manager', 'member']
    assert result.matrix.allowed_to('live-migrate-host') == ['admin']


def test_mosk_profile_on_34_member_cannot_watch_or_abort_its_migration():
    result = audit.audit_policy(profile='mosk-24.3', release=34)
    found = {(f.code, f.location.subject) for f in result.report}
    assert found == {('POL311', 'live-migrate / member'),
                     ('POL312', 'live-migrate / member')}
    watch = by_subject(result, 'POL312')['live-migrate / member']
    assert watch.severity == 'medium'
    assert 'list-server-migrations: denied' in watch.details[0]
    assert result.mark('live-migrate', 'member') == 'medium'


def test_mosk_profile_before_nova_32_lets_members_choose_the_host():
    # no migrate_live:host rule before 32: migrate_live decides both
    result = audit.audit_policy(profile='mosk-24.3', release=29)
    assert 'live-migrate-host / member' in high_subjects(result)


@pytest.mark.parametrize('profile', ['upstream', 'admin-only', 'manager'])
def test_other_shipped_profiles_are_clean_on_34(profile):
    result = audit.audit_policy(profile=profile, release=34)
    assert len(result.report) == 0, result.report.to_list()


def test_cold_migration_without_confirm_or_revert_is_incoherent(write):
    path = write('policy.yaml',
                 f'"{catalog.MIGRATE}": "rule:project_member_or_admin"\n'
                 '"os_compute_api:servers:confirm_resize": '
                 '"rule:context_is_admin"\n')
    result = audit.audit_policy(path)
    finding = by_subject(result, 'POL310')['cold-migrate / member']
    assert 'cannot confirm-resize' in finding.message
    assert 'revert' not in finding.message.split('cannot')[1]


def test_allow_everyone_on_a_migration_rule_is_high(write):
    path = write('policy.yaml', f'"{LIVE}": "@"\n')
    result = audit.audit_policy(path)
    everyone = by_subject(result, 'POL303')[LIVE]
    assert everyone.severity == 'high' and everyone.location.line == 1
    assert 'live-migrate / no-roles' in high_subjects(result)
    # Nova still hides another project's server from a non-admin
    cell = result.matrix.cell('live-migrate', 'other-project-member')
    assert not cell.allowed and cell.policy_allows


def test_showing_hosts_to_members_is_medium(write):
    path = write('policy.yaml', '"os_compute_api:servers:migrations:show": '
                                '"rule:project_member_or_admin"\n')
    result = audit.audit_policy(path)
    finding = by_subject(result, 'POL304')['show-server-migration / member']
    assert finding.severity == 'medium'


def test_custom_role_gets_its_own_column_and_findings(write):
    path = write('policy.yaml', f'"{LIVE_HOST}": "role:migrator and '
                                f'project_id:%(project_id)s"\n')
    result = audit.audit_policy(path)
    assert result.matrix.allowed('live-migrate-host', 'role:migrator')
    assert 'live-migrate-host / role:migrator' in high_subjects(result)


def test_service_made_admin_by_context_is_admin_is_trusted(write):
    # MOSK's strict_admin: service-role users count as admins
    path = write('policy.yaml', '"context_is_admin": "role:admin or '
                                'role:service"\n')
    result = audit.audit_policy(path)
    assert result.matrix.allowed('live-migrate-host', 'service')
    assert 'service' in result.matrix.admins
    assert 'live-migrate-host / service' not in high_subjects(result)


def test_expect_profile_reports_each_difference_as_info():
    result = audit.audit_policy(profile='mosk-24.3', expect='upstream')
    diffs = by_subject(result, 'POL320')
    assert set(diffs) == {'cold-migrate / member', 'live-migrate / member'}
    finding = diffs['live-migrate / member']
    assert finding.severity == 'info'
    assert 'allowed here, denied under upstream' in finding.message
    assert finding.details[0] == 'this policy:'
    assert 'upstream:' in finding.details
    assert result.expected.release == 34


def test_expecting_the_same_profile_reports_nothing_more():
    result = audit.audit_policy(profile='manager', expect='manager')
    assert len(result.report) == 0


def test_unknown_expected_profile_is_an_input_error():
    with pytest.raises(exceptions.UnknownProfileError):
        audit.audit_policy(profile='upstream', expect='nope')


def test_matrix_serialises_every_cell():
    data = audit.audit_policy(profile='upstream').to_dict()
    matrix = data['matrix']
    assert len(matrix['cells']) == len(matrix['actions']) * len(
        matrix['personas'])
    assert matrix['personas'][0] == {
        'name': 'admin', 'kind': 'admin',
        'roles': ['admin', 'manager', 'member', 'reader'],
        'project': 'project-a', 'user': 'user-admin',
        'description': 'admin role (implies manager, member, reader)',
        'admin': True}
