"""Neutron, Cinder and Placement catalogs load by service, beside Nova's."""

import configparser
import glob
import pathlib

import pytest

from osmigcfg import exceptions
from osmigcfg import resources
from osmigcfg.policy import catalog
from osmigcfg.policy import effective

ROOT = pathlib.Path(__file__).parents[3]
OTHER_SERVICES = ('neutron', 'cinder', 'placement')


def _enforcer(cat):
    """The real oslo.policy Enforcer over the catalog's defaults only."""
    return effective.build_enforcer(cat, None, (), True)


@pytest.mark.parametrize('service', OTHER_SERVICES)
def test_other_services_ship_catalogs_for_nova_31_to_34(service):
    assert catalog.known_releases(service) == [31, 32, 33, 34]


def test_nova_stays_the_default_service():
    assert catalog.load_catalog(34) is catalog.load_catalog(34, 'nova')
    cat = catalog.load_catalog(34)
    assert cat.service == 'nova'
    assert cat.service_version == cat.nova_version


@pytest.mark.parametrize('service', OTHER_SERVICES)
@pytest.mark.parametrize('release', [31, 32, 33, 34])
def test_catalog_records_service_version_and_series(service, release):
    cat = catalog.load_catalog(release, service=service)
    nova = catalog.load_catalog(release)
    assert (cat.service, cat.release) == (service, release)
    assert cat.nova_version is None and cat.service_version
    # each series is one step: the next Nova release is the next series
    if release > 31:
        prev = catalog.load_catalog(release - 1, service=service)
        assert int(cat.service_version.split('.')[0]) == int(
            prev.service_version.split('.')[0]) + 1
        assert cat.series > prev.series
    assert cat.rules and nova.rules


def test_neutron_port_binding_needs_the_service_role():
    enforcer = _enforcer(catalog.load_catalog(34, 'neutron'))
    target = {'project_id': 'p1'}
    service = {'roles': ['service'], 'project_id': 'services'}
    member = {'roles': ['member', 'reader'], 'project_id': 'p1'}
    for rule in ('create_port_binding', 'activate', 'delete_port_binding'):
        assert enforcer.enforce(rule, target, service)
        assert not enforcer.enforce(rule, target, member)


def test_placement_reshaper_is_for_the_service_role_only():
    enforcer = _enforcer(catalog.load_catalog(34, 'placement'))
    rule = 'placement:reshaper:reshape'
    assert enforcer.enforce(rule, {}, {'roles': ['service']})
    assert not enforcer.enforce(rule, {}, {'roles': ['admin']})


def test_cinder_attachment_rules_load_into_a_real_enforcer():
    cat = catalog.load_catalog(34, 'cinder')
    enforcer = _enforcer(cat)
    creds = {'roles': ['member'], 'project_id': 'p1'}
    assert enforcer.enforce('volume:attachment_update',
                            {'project_id': 'p1'}, creds)
    assert not enforcer.enforce('volume:attachment_update',
                                {'project_id': 'p2'}, creds)


def test_unknown_rule_names_the_service_and_suggests():
    with pytest.raises(exceptions.UnknownRuleError) as err:
        catalog.load_catalog(34, 'neutron').require('create_port_bindin')
    assert 'neutron' in str(err.value)
    assert "'create_port_binding'" in err.value.hint


def test_unknown_service_or_release_is_an_input_error():
    with pytest.raises(exceptions.InputError, match='keystone'):
        catalog.load_catalog(34, 'keystone')
    with pytest.raises(exceptions.UnknownReleaseError, match='cinder'):
        catalog.load_catalog(29, 'cinder')


def test_every_shipped_catalog_is_in_the_wheels_data_files():
    parser = configparser.ConfigParser()
    parser.read(ROOT / 'setup.cfg')
    shipped = set()
    for line in parser['options.data_files'].values():
        for pattern in line.split():
            shipped.update(pathlib.Path(p).name
                           for p in glob.glob(str(ROOT / pattern)))
    yamls = {p.name for p in resources.policies_dir().glob('*.yaml')}
    assert {f'{s}-34.yaml' for s in catalog.SERVICES} <= yamls
    assert yamls <= shipped
