"""Rendering: golden text, and every form loaded back with the real parsers."""

import pathlib

import pytest
import yaml
from oslo_policy import policy as oslo_policy

from osmigcfg import exceptions
from osmigcfg.policy import catalog
from osmigcfg.policy import effective
from osmigcfg.policy import render
from tests.unit.golden import assert_golden

HERE = pathlib.Path(__file__).parent
LIVE = catalog.MIGRATE_LIVE
LIVE_HOST = catalog.MIGRATE_LIVE_HOST
MIGRATE = catalog.MIGRATE
MIGRATE_HOST = catalog.MIGRATE_HOST
MOSK_RULES = {
    MIGRATE: 'rule:project_member_or_admin',
    LIVE: 'rule:project_member_or_admin',
    MIGRATE_HOST: 'rule:context_is_admin',
    LIVE_HOST: 'rule:context_is_admin',
}

GOLDEN_CASES = [
    ('mosk-24.3', 34, fmt) for fmt in render.FORMATS] + [
    ('admin-only', 34, 'policy-yaml'),
    ('upstream', 34, 'policy-yaml'),
    ('manager', 29, 'policy-yaml'),
    ('mosk-24.3', 29, 'mosk'),
]


@pytest.mark.parametrize('profile,release,fmt', GOLDEN_CASES)
def test_render_matches_golden_text(profile, release, fmt):
    text = render.render_policy(profile, release, fmt=fmt)
    assert_golden(HERE, f'{profile}-{release}.{fmt}.txt', text)


def _rules_of(fmt, text):
    data = yaml.safe_load(text) or {}
    if fmt == 'mosk':
        assert data['kind'] == 'OpenStackDeployment'
        return data['spec']['features']['policies']['nova']
    if fmt == 'helm':
        return data['conf']['policy']
    if fmt == 'osa':
        return data['nova_policy_overrides']
    return data


@pytest.mark.parametrize('fmt', sorted(render.FORMATS))
def test_every_form_carries_the_mosk_rules(fmt):
    text = render.render_policy('mosk-24.3', 34, fmt=fmt)
    assert _rules_of(fmt, text) == MOSK_RULES


def test_rendered_policy_yaml_loads_in_oslo_policy_with_its_meaning(
        tmp_path):
    text = render.render_policy('mosk-24.3', 34)
    assert oslo_policy.parse_file_contents(text) == MOSK_RULES
    path = tmp_path / 'policy.yaml'
    path.write_text(text)
    ep = effective.load_effective_policy(path)
    member = ['member', 'reader']
    assert ep.check(MIGRATE, member, 'p').allowed
    assert ep.check(LIVE, member, 'p').allowed
    assert not ep.check(MIGRATE_HOST, member, 'p').allowed
    assert not ep.check(LIVE_HOST, member, 'p').allowed
    assert not ep.check(MIGRATE, ['reader'], 'p').allowed


def test_overriding_a_base_rule_writes_its_host_successor_explicitly():
    plan = render.plan_policy('upstream', 34, overrides={
        LIVE: 'rule:project_member_or_admin'})
    assert plan.overrides() == {LIVE: 'rule:project_member_or_admin',
                                LIVE_HOST: 'rule:context_is_admin'}
    note = next(r.note for r in plan.rules if r.name == LIVE_HOST)
    assert 'not inherited' in note


def test_user_override_of_host_rule_is_kept():
    plan = render.plan_policy('mosk-24.3', 34,
                              overrides={LIVE_HOST: 'role:migrator'})
    assert plan.overrides()[LIVE_HOST] == 'role:migrator'


def test_migrations_index_override_pins_both_successors():
    plan = render.plan_policy('manager', 34)
    rules = plan.overrides()
    assert rules['os_compute_api:os-migrations:index:all_projects'] == (
        'rule:context_is_admin')
    assert rules['os_compute_api:os-migrations:index:host'] == (
        'rule:context_is_admin')
    assert rules['os_compute_api:servers:migrations:index:host'] == (
        'rule:context_is_admin')


def test_release_29_leaves_out_rules_it_does_not_have_and_says_so():
    plan = render.plan_policy('mosk-24.3', 29)
    assert LIVE_HOST not in plan.overrides()
    assert any('does not exist in Nova 29' in n for n in plan.notes)
    assert any('also governs live migration to a chosen host' in n
               for n in plan.notes)


def test_manager_profile_defines_helper_rules_on_old_releases(tmp_path):
    text = render.render_policy('manager', 29)
    path = tmp_path / 'p.yaml'
    path.write_text(text)
    ep = effective.load_effective_policy(path, release=29)
    assert ep.check(MIGRATE, ['manager', 'member', 'reader'], 'p').allowed
    assert not ep.check(MIGRATE, ['member', 'reader'], 'p').allowed
    assert 'os_compute_api:os-migrations:index' not in plan_overrides(29)


def plan_overrides(release):
    return render.plan_policy('manager', release).overrides()


def test_unknown_override_rule_is_refused_with_suggestion():
    with pytest.raises(exceptions.UnknownRuleError) as e:
        render.plan_policy('upstream', 34, overrides={LIVE + 'e': '@'})
    assert f'did you mean {LIVE!r}' in str(e.value)


def test_helper_rule_in_overrides_is_accepted_when_referenced():
    plan = render.plan_policy('upstream', 34, overrides={
        'migrators': 'role:migrator', MIGRATE: 'rule:migrators'})
    assert plan.overrides()['migrators'] == 'role:migrator'


def test_unparsable_override_is_refused():
    with pytest.raises(exceptions.InputError) as e:
        render.plan_policy('upstream', 34,
                           overrides={MIGRATE: 'role:admin and ('})
    assert 'cannot parse' in str(e.value)


def test_unknown_format_is_refused():
    with pytest.raises(exceptions.InputError):
        render.render_policy('upstream', fmt='json')


def test_unknown_profile_lists_the_known_ones():
    with pytest.raises(exceptions.UnknownProfileError) as e:
        render.render_policy('mosk')
    assert 'mosk-24.3' in str(e.value)
