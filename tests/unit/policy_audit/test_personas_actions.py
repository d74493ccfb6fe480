"""Personas (Keystone's implied roles, custom roles) and the action model."""

import pytest

from osmigcfg import roles
from osmigcfg.policy import actions
from osmigcfg.policy import catalog
from osmigcfg.policy import effective
from osmigcfg.policy import matrix
from osmigcfg.policy import personas


def test_implied_roles_follow_keystone_defaults():
    assert roles.expand_roles(['admin']) == (
        'admin', 'manager', 'member', 'reader')
    assert roles.expand_roles(['member']) == ('member', 'reader')
    assert roles.expand_roles([]) == ()
    assert roles.expand_roles(['manager', 'custom']) == (
        'manager', 'custom', 'member', 'reader')


def test_standard_personas_cover_the_issue_list():
    names = [p.name for p in personas.standard_personas()]
    assert names == ['admin', 'manager', 'member', 'reader',
                     'other-project-member', 'service', 'no-roles']
    other = personas.standard_personas()[4]
    assert other.foreign and other.untrusted
    assert other.project != personas.HOME_PROJECT


def test_custom_roles_in_the_files_become_personas(write):
    path = write('policy.yaml', f'"{catalog.MIGRATE_LIVE}": "role:Migrator '
                                f'or rule:context_is_admin"\n'
                                f'"{catalog.MIGRATE}": "role:member"\n')
    ep = effective.load_effective_policy(path)
    found = personas.personas_for(ep)
    assert found[-1].name == 'role:migrator'
    assert found[-1].roles == ('migrator',) and found[-1].kind == 'custom'
    assert len(found) == 8


@pytest.mark.parametrize('release,rules', [
    (34, [catalog.MIGRATE_LIVE_HOST]),
    (32, [catalog.MIGRATE_LIVE_HOST]),
    (31, [catalog.MIGRATE_LIVE]),
    (29, [catalog.MIGRATE_LIVE]),
])
def test_live_migrate_to_a_host_checks_only_the_host_rule(release, rules):
    # Nova's _migrate_live checks migrate_live:host when a host is given,
    # never migrate_live as well; before Nova 32 only migrate_live existed.
    act = actions.action('live-migrate-host')
    assert list(actions.rules_for(act, catalog.load_catalog(release))) == \
        rules


def test_split_listing_rules_fall_back_to_their_old_rule_before_32():
    act = actions.action('list-migrations-all-projects')
    old = actions.rules_for(act, catalog.load_catalog(31))
    new = actions.rules_for(act, catalog.load_catalog(34))
    assert old == ('os_compute_api:os-migrations:index',)
    assert new == ('os_compute_api:os-migrations:index',
                   'os_compute_api:os-migrations:index:all_projects')


def test_every_action_rule_is_a_nova_34_rule():
    cat = catalog.load_catalog(34)
    for act in actions.ACTIONS:
        assert all(rule in cat for rule in act.rules), act.key


def test_targets_are_what_nova_passes():
    member = personas.standard_personas()[2]
    assert matrix.target_for(actions.action('live-migrate'), member) == {
        'project_id': personas.HOME_PROJECT}
    assert matrix.target_for(actions.action('evacuate'), member) == {
        'project_id': personas.HOME_PROJECT,
        'user_id': personas.SERVER_OWNER}
    assert matrix.target_for(actions.action('list-migrations'), member) == {
        'project_id': member.project, 'user_id': member.user}


def test_another_projects_server_is_not_found_even_if_the_rule_allows():
    ep = effective.load_effective_policy(release=34)
    other = personas.standard_personas()[4]
    cell = matrix.decide(ep, actions.action('confirm-resize'), other)
    assert cell.reason == 'hidden' and not cell.allowed
    assert 'not find another project' in cell.chain()[0]
