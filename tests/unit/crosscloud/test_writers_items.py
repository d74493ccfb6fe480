"""What the import sends: API bodies, image patches, rules, markers, and
how refs become the ids of earlier items."""

import pytest

from osmigcfg import exceptions
from osmigcfg.crosscloud import refs as refs_mod
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import writing
from osmigcfg.crosscloud.importing import items as import_items
from osmigcfg.crosscloud.model import Entry
from osmigcfg.crosscloud.types import image
from osmigcfg.crosscloud.types import security_group


def test_bodies_use_the_api_field_names_and_drop_empty_values():
    subnet = resources.get_type('subnet')
    body = writing.body_of(subnet, {'name': 's1', 'network': 'n-id',
                                    'gateway_ip': None}, ())
    assert body == {'name': 's1', 'network_id': 'n-id'}


def test_markers_are_stable_per_source_resource():
    assert writing.marker_for('port', 'a') == writing.marker_for('port', 'a')
    assert writing.marker_for('port', 'a') != writing.marker_for('port', 'b')
    assert writing.marker_for('port', 'a').startswith('osmigcfg-')


def test_image_body_flattens_properties_and_patch_touches_only_changes():
    body = image.image_body({'name': 'i', 'min_ram': 64,
                            'properties': {'hw_disk_bus': 'scsi'}})
    assert body == {'name': 'i', 'min_ram': 64, 'hw_disk_bus': 'scsi'}
    current = {'name': 'i', 'min_ram': 64, 'hw_disk_bus': 'ide',
               'os_distro': 'x', 'id': '1', 'status': 'active'}
    ops = image.image_patch(current, {
        'min_ram': 128, 'properties': {'hw_disk_bus': 'scsi'}})
    assert ops == [
        {'op': 'replace', 'path': '/min_ram', 'value': 128},
        {'op': 'add', 'path': '/hw_disk_bus', 'value': 'scsi'},
        {'op': 'remove', 'path': '/os_distro'}]


def test_rules_refer_to_groups_by_id_once_resolved():
    rule = security_group.wanted_rule({
        'direction': 'ingress', 'ethertype': 'IPv4', 'protocol': 'tcp',
        'port_range_min': 5432, 'port_range_max': 5432,
        'remote_group': 'web-id'})
    assert rule['remote_group_id'] == 'web-id' and 'remote_group' not in rule


class _Resolver:
    """Resolves refs by name: ``net1`` exists, ``net2`` is planned."""

    def __init__(self, entries):
        self.entries = entries

    def resolve(self, ref):
        entry = self.entries.get(ref['name'])
        if ref['name'] == 'net1':
            return refs_mod.Resolution(refs_mod.EXISTS, 'id-1', entry)
        return refs_mod.Resolution(refs_mod.PLANNED, None, entry)


def test_refs_to_items_of_the_run_wait_for_their_results():
    net1 = Entry('network', {'name': 'net1', 'id': 's1'}, {'name': 'net1'})
    net2 = Entry('network', {'name': 'net2', 'id': 's2'}, {'name': 'net2'})
    resolver = _Resolver({'net1': net1, 'net2': net2})
    names = {id(net2): 'network/s2'}
    want, deps = import_items._ref_targets(resolver, {
        'name': 'p', 'network': {'ref': 'network', 'name': 'net2'},
        'fixed_ips': [{'subnet': {'ref': 'network', 'name': 'net1'}}]},
        names)
    assert deps == ['network/s2']
    resolved = import_items.resolve_want(want, {'network/s2': {
        'dst_id': 'new-2'}})
    assert resolved == {'name': 'p', 'network': 'new-2',
                        'fixed_ips': [{'subnet': 'id-1'}]}


def test_import_refuses_to_change_a_cut_over_server_and_says_why():
    # before, any server item import reached (an unchanged one included)
    # stopped at a KeyError: servers had no writer
    server = resources.get_type('server')
    entry = Entry('server', {'name': 'web1', 'project': 'demo'},
                  {'name': 'web1'})
    with pytest.raises(exceptions.CrossCloudFailed, match='metadata'):
        server.update(writing.WriteContext(None), 'dst-1',
                      {'metadata': {'a': '1'}}, {}, entry)
    assert server.deferred_by(entry) == 'created by cutover'
