import pytest

from osmigcfg import exceptions
from osmigcfg.policy import catalog

MIGRATE = catalog.MIGRATE
MIGRATE_LIVE = catalog.MIGRATE_LIVE
MIGRATE_LIVE_HOST = catalog.MIGRATE_LIVE_HOST


def test_ships_catalogs_for_nova_29_to_34():
    assert catalog.known_releases() == [29, 30, 31, 32, 33, 34]


@pytest.mark.parametrize('release', [29, 30, 31])
def test_migration_was_admin_only_before_nova_32(release):
    cat = catalog.load_catalog(release)
    assert cat.require(MIGRATE).check_str == 'rule:context_is_admin'
    assert cat.require(MIGRATE_LIVE).check_str == 'rule:context_is_admin'
    assert MIGRATE_LIVE_HOST not in cat


@pytest.mark.parametrize('release', [32, 33, 34])
def test_nova_32_gives_migration_to_managers_and_splits_host(release):
    cat = catalog.load_catalog(release)
    assert cat.require(MIGRATE).check_str == 'rule:project_manager_or_admin'
    host = cat.require(MIGRATE_LIVE_HOST)
    assert host.check_str == 'rule:context_is_admin'
    assert host.deprecated_rule.name == MIGRATE_LIVE
    assert host.scope_types == ('project',)
    assert [r.name for r in cat.successors_of(MIGRATE_LIVE)] == [
        MIGRATE_LIVE_HOST]


def test_catalog_holds_the_whole_nova_namespace():
    cat = catalog.load_catalog(34)
    assert len(cat.rules) == 214
    assert cat.nova_version == '34.0.0'
    assert cat.require('context_is_admin').is_base
    assert ('POST', '/servers/{server_id}/action (migrate)') in cat.require(
        MIGRATE).operations


def test_rule_defaults_carry_deprecated_rule_for_the_enforcer():
    defaults = {d.name: d for d in catalog.load_catalog(34).rule_defaults()}
    assert defaults[MIGRATE_LIVE_HOST].deprecated_rule.name == MIGRATE_LIVE


def test_unknown_rule_suggests_the_close_name():
    with pytest.raises(exceptions.UnknownRuleError) as e:
        catalog.load_catalog(34).require(MIGRATE_LIVE + 'x')
    assert MIGRATE_LIVE in str(e.value)


@pytest.mark.parametrize('bad', [12, 'abc', '35', 0, 28])
def test_unknown_release_is_a_clear_error(bad):
    with pytest.raises(exceptions.UnknownReleaseError) as e:
        catalog.check_release(bad)
    assert 'known releases: 29, 30, 31, 32, 33, 34' in str(e.value)


def test_default_release_is_34():
    assert catalog.check_release(None) == 34
