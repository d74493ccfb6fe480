"""Cutover of an image-booted server on the whole local clouds.

The source server boots from an image on a port of its own; bytes are
written into its disk (the fake virt driver's disk file).  Export,
import, cutover with ``boot: snapshot`` (the default): the destination
server is ACTIVE on a compute, its port (kept MAC and fixed IP) is bound
to that compute, its disk holds the source disk's bytes at stop time,
the source is still there, and osmigcfg's snapshot is gone.
"""

import os

import pytest

from osmigcfg.crosscloud.cutover import run as cutover
from osmigcfg.crosscloud.importing import run as importer
from osmigcfg.sandbox import servers
from tests.crosscloud import migration_support as ms

pytestmark = pytest.mark.clouds


def _flavor(local_clouds, name):
    for cloud in ('src', 'dst'):
        admin = local_clouds.connect(cloud, admin=True)
        if not any(f.name == name for f in admin.compute.flavors()):
            admin.compute.create_flavor(name=name, vcpus=1, ram=256,
                                        disk=1, is_public=True)


def test_an_image_booted_server_moves_with_its_disk_and_port(
        local_clouds, tmp_path):
    name, src_name, dst_name = ms.new_project(local_clouds, 'cw')
    src, dst = (local_clouds.connect(n) for n in (src_name, dst_name))
    _flavor(local_clouds, 'cw.small')
    data = os.urandom(512 * 1024)
    image = src.image.create_image(
        name='cw-image', data=data, disk_format='raw',
        container_format='bare', wait=True)
    net = src.network.create_network(name='cw-net')
    subnet = src.network.create_subnet(network_id=net.id, ip_version=4,
                                       cidr='10.61.0.0/24', name='cw-sub')
    port = src.network.create_port(network_id=net.id, name='cw-port',
                                   fixed_ips=[{'subnet_id': subnet.id,
                                               'ip_address': '10.61.0.9'}])
    flavor = src.compute.find_flavor('cw.small', ignore_missing=False)
    server = src.compute.create_server(
        name='cw-vm', flavor_id=flavor.id, image_id=image.id,
        networks=[{'port': port.id}])
    servers.wait_for_status(src, server, 'ACTIVE', timeout=120)
    written = b'osmigcfg-cutover-' + os.urandom(4096)
    local_clouds.write_disk('src', server.id, written, offset=4096)
    expected = local_clouds.read_disk('src', server.id)

    docs = tmp_path / 'docs'
    ms.export(src, docs, src_name)
    imported = importer.import_documents(docs, dst, dst_name)
    assert not imported.report.fails('error'), list(imported.report)
    result = cutover.cutover_server(
        docs, 'cw-vm', source=src, destination=dst, source_name=src_name,
        destination_name=dst_name)
    assert not result.report.fails('error'), list(result.report)
    assert [r['outcome'] for r in result.rows] == ['cut over'], result.rows

    admin = local_clouds.connect('dst', admin=True)
    moved = admin.compute.get_server(result.rows[0]['dst_id'])
    assert moved.status == 'ACTIVE' and moved.compute_host
    assert 'osmigcfg_cutover' not in (moved.metadata or {})
    [dst_port] = list(admin.network.ports(device_id=moved.id))
    assert dst_port.binding_host_id == moved.compute_host
    assert dst_port.mac_address == port.mac_address
    assert [f['ip_address'] for f in dst_port.fixed_ips] == ['10.61.0.9']
    assert local_clouds.read_disk('dst', moved.id) == expected
    source = src.compute.get_server(server.id)
    assert source.status == 'SHUTOFF'  # stopped, never deleted
    left = [i.name for i in src.image.images()
            if i.name.startswith('osmigcfg-cut-')]
    assert left == []  # the source snapshot is cleaned up
