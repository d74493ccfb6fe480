"""The migration call table loads as typed records and fits the catalogs."""

import copy

import pytest
import yaml

from osmigcfg import exceptions
from osmigcfg import readiness
from osmigcfg import resources
from osmigcfg.policy import catalog
from osmigcfg.readiness import calls

LIVE_KINDS = ('live', 'live_block', 'live_volumes')


@pytest.fixture(scope='module')
def table():
    return readiness.load_calls(34)


@pytest.fixture
def raw():
    path = resources.policies_dir() / 'migration-calls-nova-34.yaml'
    return yaml.safe_load(path.read_text())


def test_ships_a_table_derived_from_nova_34(table):
    assert readiness.known_releases() == [34]
    assert table.nova_release == 34
    assert table.nova_version.startswith('34.')
    assert tuple(table.kinds) == readiness.KINDS


def test_every_rule_exists_in_its_service_catalog_of_that_release(table):
    missing = []
    for call in table.calls:
        cat = catalog.load_catalog(table.nova_release, call.service)
        missing += [(call.id, call.service, rule)
                    for rule in call.rules if rule not in cat]
    assert missing == []
    assert set(table.rules_by_service()) == set(catalog.SERVICES)


def test_every_kind_starts_with_a_nova_api_rule_for_the_caller(table):
    for kind in table.kinds:
        entry = [c for c in table.for_kind(kind)
                 if c.service == 'nova' and c.identity.name == 'caller']
        assert entry, kind
        cat = catalog.load_catalog(table.nova_release)
        for call in entry:
            for rule in call.rules:
                assert cat.require(rule).operations, (kind, rule)


def test_live_with_volumes_adds_only_cinder_calls_to_live(table):
    live = set(table.for_kind('live'))
    volumes = set(table.for_kind('live_volumes'))
    assert live <= volumes
    extra = volumes - live
    assert extra and {c.service for c in extra} == {'cinder'}
    assert all(c.identity.service_token for c in extra)


def test_port_bindings_are_made_by_novas_neutron_user(table):
    for kind in LIVE_KINDS:
        neutron = [c for c in table.for_kind(kind) if c.service == 'neutron']
        assert neutron
        bindings = [c for c in neutron
                    if 'create_port_binding' in c.rules]
        assert [c.identity.name for c in bindings] == ['nova_neutron_user']
    cold = [c for c in table.for_kind('cold') if c.service == 'neutron']
    assert cold and not any('create_port_binding' in c.rules for c in cold)


def test_placement_calls_never_carry_the_callers_token(table):
    placement = [c for c in table.calls if c.service == 'placement']
    assert placement
    assert {c.identity.name for c in placement} == {'nova_placement_user'}
    assert not any(c.identity.service_token for c in placement)


def test_evidence_names_module_and_function_without_line_numbers(table):
    refs = [r for c in table.calls for r in c.evidence]
    refs += [r for i in table.identities.values() for r in i.evidence]
    assert refs
    for ref in refs:
        assert ref.module.startswith('nova.') and ref.contains
        assert not any(ch.isdigit() for ch in ref.qualname), ref


def test_unknown_kind_is_a_value_error(table):
    with pytest.raises(ValueError, match='resize'):
        table.for_kind('resize')


def test_unknown_release_names_what_is_missing():
    with pytest.raises(exceptions.UnknownReleaseError,
                       match='migration call table'):
        readiness.load_calls(31)


def test_an_entry_with_an_unknown_identity_is_named(raw):
    bad = copy.deepcopy(raw)
    bad['calls'][3]['as'] = 'nobody'
    with pytest.raises(exceptions.DataFileError) as err:
        calls.parse_table(bad, where='x.yaml')
    assert raw['calls'][3]['id'] in str(err.value)
    assert "unknown identity 'nobody'" in str(err.value)


def test_an_entry_with_an_unknown_kind_or_service_is_named(raw):
    bad = copy.deepcopy(raw)
    bad['calls'][0]['kinds'] = ['cold', 'teleport']
    bad['calls'][0]['service'] = 'glance'
    with pytest.raises(exceptions.DataFileError,
                       match=r"glance.*teleport") as err:
        calls.parse_table(bad, where='x.yaml')
    assert str(err.value).startswith('x.yaml: call ')


def test_duplicate_ids_are_refused(raw):
    bad = copy.deepcopy(raw)
    bad['calls'].append(bad['calls'][0])
    with pytest.raises(exceptions.DataFileError, match='duplicate'):
        calls.parse_table(bad, where='x.yaml')
