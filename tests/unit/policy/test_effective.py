"""The effective policy, computed by oslo.policy's real Enforcer."""

import warnings

import pytest

from osmigcfg import exceptions
from osmigcfg.policy import catalog
from osmigcfg.policy import effective

MIGRATE = catalog.MIGRATE
MIGRATE_HOST = catalog.MIGRATE_HOST
LIVE = catalog.MIGRATE_LIVE
LIVE_HOST = catalog.MIGRATE_LIVE_HOST
MEMBER = ['member', 'reader']
READER = ['reader']
ADMIN = ['admin', 'manager', 'member', 'reader']
MANAGER = ['manager', 'member', 'reader']


def allowed(ep, rule, roles, project='p1', target_project=None):
    target = {'project_id': target_project} if target_project else None
    return ep.check(rule, roles, project, target=target).allowed


def test_nova_34_defaults_let_managers_but_not_members_migrate():
    ep = effective.load_effective_policy(release=34)
    assert allowed(ep, MIGRATE, MANAGER)
    assert allowed(ep, LIVE, MANAGER)
    assert not allowed(ep, MIGRATE_HOST, MANAGER)
    assert not allowed(ep, LIVE_HOST, MANAGER)
    assert not allowed(ep, MIGRATE, MEMBER)
    assert allowed(ep, LIVE_HOST, ADMIN)
    assert ep.rule(LIVE).origin.kind == 'default'


def test_nova_29_defaults_are_admin_only():
    ep = effective.load_effective_policy(release=29)
    assert not allowed(ep, MIGRATE, MANAGER)
    assert allowed(ep, LIVE, ADMIN)
    with pytest.raises(exceptions.UnknownRuleError):
        ep.rule(LIVE_HOST)


def test_live_override_leaks_into_live_host_when_host_rule_not_set(write):
    path = write('policy.yaml', f'"{LIVE}": "rule:project_member_or_admin"\n')
    ep = effective.load_effective_policy(path)
    rule = ep.rule(LIVE_HOST)
    assert rule.check_str == 'rule:project_member_or_admin'
    assert rule.origin.kind == 'inherited'
    assert rule.origin.via == LIVE and rule.origin.line == 1
    assert allowed(ep, LIVE_HOST, MEMBER)
    assert not allowed(ep, LIVE_HOST, READER)


def test_explicit_live_host_rule_stops_the_leak(write):
    path = write('policy.yaml',
                 f'"{LIVE}": "rule:project_member_or_admin"\n'
                 f'"{LIVE_HOST}": "rule:context_is_admin"\n')
    ep = effective.load_effective_policy(path)
    assert ep.rule(LIVE_HOST).origin.kind == 'file'
    assert not allowed(ep, LIVE_HOST, MEMBER)
    assert allowed(ep, LIVE, MEMBER)


def test_legacy_defaults_let_a_reader_live_migrate_to_a_host(write):
    """The MOSK case: member overrides in policy.d, new defaults off."""
    pd = write('policy.d/01-controller-default.yaml',
               f'"{MIGRATE}": "rule:project_member_or_admin"\n'
               f'"{LIVE}": "rule:project_member_or_admin"\n').parent
    ep = effective.load_effective_policy(policy_dirs=[pd],
                                         enforce_new_defaults=False)
    assert ep.rule('project_member_or_admin').origin.kind == 'legacy-or'
    for roles in (READER, [], ['some-custom-role']):
        assert allowed(ep, LIVE_HOST, roles)
        assert allowed(ep, MIGRATE, roles)
    assert not allowed(ep, MIGRATE_HOST, READER)
    assert not allowed(ep, LIVE_HOST, READER, target_project='p2')


def test_new_defaults_keep_the_reader_out_of_the_same_files(write):
    pd = write('policy.d/01.yaml',
               f'"{LIVE}": "rule:project_member_or_admin"\n').parent
    ep = effective.load_effective_policy(policy_dirs=[pd])
    assert not allowed(ep, LIVE, READER)
    assert not allowed(ep, LIVE, [])


def test_policy_dirs_apply_after_the_file_in_name_order(write):
    path = write('policy.yaml', f'"{MIGRATE}": "rule:context_is_admin"\n')
    write('policy.d/20-b.yaml', f'"{MIGRATE}": "role:b"\n')
    write('policy.d/10-a.yaml', f'"{MIGRATE}": "role:a"\n')
    write('policy.d/.hidden.yaml', f'"{MIGRATE}": "@"\n')
    ep = effective.load_effective_policy(
        path, policy_dirs=[path.parent / 'policy.d'])
    rule = ep.rule(MIGRATE)
    assert rule.check_str == 'role:b'
    assert rule.origin.file.endswith('20-b.yaml')


def test_relative_paths_are_read_from_the_current_directory(write,
                                                            monkeypatch):
    path = write('policy.yaml', f'"{MIGRATE}": "role:x"\n')
    monkeypatch.chdir(path.parent)
    ep = effective.load_effective_policy('policy.yaml')
    assert ep.rule(MIGRATE).check_str == 'role:x'


def test_other_project_member_is_denied_under_member_rule(write):
    path = write('policy.yaml', f'"{MIGRATE}": "rule:project_member_or_admin"')
    ep = effective.load_effective_policy(path)
    assert allowed(ep, MIGRATE, MEMBER)
    assert not allowed(ep, MIGRATE, MEMBER, target_project='other')


def test_system_scoped_admin_is_refused_by_scope():
    ep = effective.load_effective_policy()
    d = ep.check(MIGRATE, ['admin'], None, system_scope='all')
    assert not d.allowed and d.reason == 'scope'
    assert 'project-scoped' in d.explain()


def test_decision_explains_the_rule_chain(write):
    path = write('policy.yaml', f'"{LIVE}": "rule:project_member_or_admin"')
    ep = effective.load_effective_policy(path)
    d = ep.check(LIVE_HOST, MEMBER, 'p1')
    assert d.allowed
    assert 'inherited from the override of' in d.explain()
    assert any('role:member [ok]' in line for line in d.chain)


def test_profile_is_evaluated_without_a_file():
    ep = effective.load_effective_policy(profile='mosk-24.3')
    assert allowed(ep, MIGRATE, MEMBER) and allowed(ep, LIVE, MEMBER)
    assert not allowed(ep, MIGRATE_HOST, MEMBER)
    assert not allowed(ep, LIVE_HOST, MEMBER)
    assert ep.rule(MIGRATE).origin.file == 'profile:mosk-24.3'


def test_profile_and_file_together_are_refused(write):
    with pytest.raises(exceptions.InputError):
        effective.load_effective_policy(write('p.yaml', ''), profile='upstream')


@pytest.mark.parametrize('text,line', [
    ('a: [1,\n', 2),
    ('- just\n- a list\n', 1),
    (f'"{MIGRATE}": 42\n', 1),
])
def test_malformed_file_is_an_input_error_with_line(write, text, line):
    with pytest.raises(exceptions.PolicyFileError) as e:
        effective.load_effective_policy(write('p.yaml', text))
    assert e.value.line == line
    assert 'p.yaml' in str(e.value)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(exceptions.FileReadError) as e:
        effective.load_effective_policy(tmp_path / 'nope.yaml')
    assert 'no such file' in str(e.value)


def test_is_admin_check_matches_nova_semantics(write):
    path = write('p.yaml', f'"{MIGRATE}": "is_admin:true"\n')
    ep = effective.load_effective_policy(path)
    assert allowed(ep, MIGRATE, ADMIN)
    assert not allowed(ep, MIGRATE, MANAGER)


@pytest.mark.parametrize('roles,project', [
    (ADMIN, 'p1'), (MEMBER, 'p1'), (READER, 'p1'), ([], 'p1'),
    (MEMBER, 'p2'), (['service'], 'svc')])
def test_decide_all_agrees_with_check_on_every_rule(roles, project):
    ep = effective.load_effective_policy(profile='mosk-24.3',
                                         enforce_new_defaults=False)
    creds = ep.credentials(roles, project)
    target = {'project_id': 'p1', 'user_id': 'owner'}
    fast = ep.decide_all(creds, target)
    slow = {name: ep.check(name, creds=creds, target=target).allowed
            for name in ep.rules}
    assert fast == slow


@pytest.mark.parametrize('release', [29, 34])
def test_building_and_checking_warns_no_deprecation(release):
    # oslo.policy and oslo.context attribute these to themselves, so the
    # test configuration's osmigcfg-module filter cannot see them
    with warnings.catch_warnings():
        warnings.simplefilter('error', DeprecationWarning)
        ep = effective.load_effective_policy(release=release)
        for roles in (ADMIN, MEMBER, READER):
            allowed(ep, LIVE, roles)
