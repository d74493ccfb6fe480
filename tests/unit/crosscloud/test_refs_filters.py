"""Refs, the paired resolvers, filters, normalisation and ordering."""

import pytest

from osmigcfg import crosscloud
from osmigcfg import exceptions
from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import refs
from osmigcfg.crosscloud.plan import planner as plan

ME, OTHER = 'p-me', 'p-other'


class ListingsOnly:
    """A destination seen through canned API listings (no HTTP)."""

    conn = None

    def __init__(self, **listings):
        self.listings = listings

    def visible(self, type_name):
        return self.listings.get(type_name, [])


def _entry(type_name, name, **params):
    return model.Entry(type_name, {'name': name, 'project': 'demo'},
                       {'name': name, **params})


def _ref(type_name, name, project='demo'):
    return model.Ref(type_name, name, project).to_yaml()


def test_walk_and_map_refs_reach_nested_references():
    params = {'network': _ref('network', 'n'),
              'fixed_ips': [{'subnet': _ref('subnet', 's'), 'ip': '1'}]}
    assert [model.path_text(p) for p, _ in model.walk_refs(params)] == [
        'network', 'fixed_ips[0].subnet']
    mapped = model.map_refs(params, lambda r: r['name'].upper())
    assert mapped == {'network': 'N', 'fixed_ips': [{'subnet': 'S',
                                                     'ip': '1'}]}


def test_a_renamed_resource_is_found_by_its_new_name_in_the_destination():
    net = _entry('network', 'web-net')
    net.params['name'] = 'web-net-v2'
    book = ListingsOnly(network=[
        {'id': 'old', 'name': 'web-net', 'project_id': ME},
        {'id': 'new', 'name': 'web-net-v2', 'project_id': ME}])
    resolver = refs.Resolver([net], book, ME)
    found = resolver.resolve(_ref('network', 'web-net'))
    assert (found.status, found.dst_id, found.dst_name) == (
        refs.EXISTS, 'new', 'web-net-v2')


def test_a_document_resource_missing_in_the_destination_is_planned():
    resolver = refs.Resolver([_entry('network', 'n')], ListingsOnly(), ME)
    found = resolver.resolve(_ref('network', 'n'))
    assert found.status == refs.PLANNED and found.dst_id is None


def test_refs_outside_the_documents_resolve_by_name_preferring_own_project():
    book = ListingsOnly(network=[
        {'id': 'a', 'name': 'public', 'project_id': OTHER},
        {'id': 'b', 'name': 'shared', 'project_id': OTHER},
        {'id': 'c', 'name': 'shared', 'project_id': ME},
        {'id': 'd', 'name': 'twice', 'project_id': OTHER},
        {'id': 'e', 'name': 'twice', 'project_id': OTHER}])
    resolver = refs.Resolver([], book, ME)
    assert resolver.dst_id(_ref('network', 'public', None)) == 'a'
    assert resolver.dst_id(_ref('network', 'shared', None)) == 'c'
    assert resolver.resolve(_ref('network', 'twice')).status == (
        refs.AMBIGUOUS)
    assert resolver.resolve(_ref('network', 'nope')).status == refs.MISSING


def test_existing_matches_only_the_target_project():
    book = ListingsOnly(network=[{'id': 'x', 'name': 'n',
                                  'project_id': OTHER}])
    resolver = refs.Resolver([_entry('network', 'n')], book, ME)
    assert resolver.existing(_entry('network', 'n')) == []


def test_a_self_referencing_security_group_resolves():
    group = _entry('security_group', 'g', rules=[
        {'direction': 'ingress', 'remote_group': _ref('security_group',
                                                     'g')}])
    resolver = refs.Resolver([group], ListingsOnly(), ME)
    assert resolver.resolve(_ref('security_group', 'g')).status == (
        refs.PLANNED)


def test_nameless_ports_are_matched_by_mac_when_it_is_kept():
    port = _entry('port', 'fa:16:3e:00:00:01', network=_ref('network', 'n'),
                  mac_address='fa:16:3e:00:00:01')
    port.params['name'] = ''
    book = ListingsOnly(port=[{'id': 'p1', 'name': '', 'project_id': ME,
                               'mac_address': 'fa:16:3e:00:00:01'}])
    resolver = refs.Resolver([port], book, ME)
    assert [r['id'] for r in resolver.existing(port)] == ['p1']
    port.migration['keep_mac'] = False
    assert resolver.existing(port) == []


@pytest.mark.parametrize('value, unordered, expected', [
    ('', False, None), ([], False, None), ({'a': None}, False, None),
    ([2, 1], True, [1, 2]), ([2, 1], False, [2, 1]),
    ({'a': '', 'b': 1}, False, {'b': 1}),
])
def test_normalize_treats_empty_as_absent(value, unordered, expected):
    assert plan.normalize(value, unordered) == expected


def test_types_come_after_what_they_refer_to():
    order = crosscloud.ordered_types()
    before = [('network', 'subnet'), ('subnet', 'port'), ('port',
              'floating_ip'), ('router', 'floating_ip'), ('security_group',
              'port'), ('volume', 'volume_snapshot'), ('project', 'user'),
              ('user', 'role_assignment'), ('project', 'network')]
    for first, second in before:
        assert order.index(first) < order.index(second), (first, second)


def test_every_registered_type_has_a_file_and_known_dependencies():
    files = [t.file for t in crosscloud.REGISTRY.values()]
    assert len(set(files)) == len(files)
    for rtype in crosscloud.REGISTRY.values():
        assert set(rtype.depends_on) <= set(crosscloud.REGISTRY)
        for param in rtype.params:
            assert param.ref is None or param.ref in crosscloud.REGISTRY


def test_registering_a_type_twice_is_refused():
    class Twin(crosscloud.ResourceType):
        type = 'network'
    with pytest.raises(ValueError, match='registered twice'):
        crosscloud.register(Twin)


def _match(filters, type_name, name, project='demo', tags=()):
    return filters.matches(crosscloud.REGISTRY[type_name], name, project,
                           tags)


def test_filters_combine_criteria_with_and_values_with_or():
    f = crosscloud.Filters(names=('web', 'db'), tags=('prod',))
    assert _match(f, 'network', 'web', tags=['prod', 'x'])
    assert not _match(f, 'network', 'web', tags=['dev'])
    assert not _match(f, 'network', 'cache', tags=['prod'])
    regex = crosscloud.Filters(regex='^app-', projects=('demo',))
    assert _match(regex, 'volume', 'app-vol')
    assert not _match(regex, 'volume', 'app-vol', project='other')
    assert not _match(regex, 'volume', 'my-app-vol')


def test_name_filters_do_not_drop_nameless_types():
    f = crosscloud.Filters(names=('web',))
    assert _match(f, 'floating_ip', '172.24.4.10')
    assert not _match(crosscloud.Filters(types=('network',)), 'floating_ip',
                      '172.24.4.10')


def test_a_bad_regex_is_an_input_error():
    with pytest.raises(exceptions.InputError, match='--regex'):
        crosscloud.Filters(regex='(')


def test_a_recorded_id_mapping_wins_over_names():
    fip = model.Entry('floating_ip', {'name': '172.24.4.9', 'id': 'src-1'},
                      {'floating_network': _ref('network', 'public')})
    book = ListingsOnly(floating_ip=[
        {'id': 'dst-7', 'floating_ip_address': '172.24.4.50',
         'project_id': ME}])
    assert refs.Resolver([fip], book, ME).existing(fip) == []
    resolver = refs.Resolver([fip], book, ME,
                             known_ids={('floating_ip', 'src-1'): 'dst-7'})
    assert [r['id'] for r in resolver.existing(fip)] == ['dst-7']
