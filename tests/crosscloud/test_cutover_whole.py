"""Cutover of an image-booted server on the whole local clouds.

The source server boots from an image on a port of its own; bytes are
written into its disk (the fake virt driver's disk file).  Export,
import, cutover with ``boot: snapshot`` (the default): the destination
server is ACTIVE on a compute, its port (kept MAC and fixed IP) is bound
to that compute, its disk holds the source disk's bytes at stop time,
the source is still there, and osmigcfg's snapshot is gone.  The same
with ``boot: volume``: the destination boots from a bootable volume
(the flavor's disk size) made of the snapshot's copy, whose disk is the
source's bytes padded with zeros; the copy in the destination glance is
gone too.
"""

import os
import types

import pytest

from osmigcfg.crosscloud.cutover import run as cutover
from osmigcfg.crosscloud.importing import run as importer
from osmigcfg.sandbox import servers
from tests.crosscloud import migration_support as ms

pytestmark = pytest.mark.clouds


@pytest.fixture(scope='module', autouse=True)
def _drop_flavors(local_clouds):
    """Delete this module's public flavors afterwards: the clouds are shared
    by the session, and another module's export would list them."""
    yield
    for cloud in ('src', 'dst'):
        admin = local_clouds.connect(cloud, admin=True)
        for flavor in list(admin.compute.flavors()):
            if flavor.name.startswith('cw.'):
                admin.compute.delete_flavor(flavor)


def _flavor(local_clouds, name):
    for cloud in ('src', 'dst'):
        admin = local_clouds.connect(cloud, admin=True)
        if not any(f.name == name for f in admin.compute.flavors()):
            admin.compute.create_flavor(name=name, vcpus=1, ram=256,
                                        disk=1, is_public=True)


def _source_server(local_clouds, prefix, cidr):
    """A project with an image-booted server on a kept port, bytes written
    into its disk: ``(namespace, expected disk bytes)``."""
    name, src_name, dst_name = ms.new_project(local_clouds, prefix)
    src, dst = (local_clouds.connect(n) for n in (src_name, dst_name))
    _flavor(local_clouds, 'cw.small')
    data = os.urandom(512 * 1024)
    image = src.image.create_image(
        name='cw-image', data=data, disk_format='raw',
        container_format='bare', wait=True)
    net = src.network.create_network(name='cw-net')
    subnet = src.network.create_subnet(network_id=net.id, ip_version=4,
                                       cidr=f'{cidr}.0/24', name='cw-sub')
    port = src.network.create_port(network_id=net.id, name='cw-port',
                                   fixed_ips=[{'subnet_id': subnet.id,
                                               'ip_address': f'{cidr}.9'}])
    flavor = src.compute.find_flavor('cw.small', ignore_missing=False)
    server = src.compute.create_server(
        name='cw-vm', flavor_id=flavor.id, image_id=image.id,
        networks=[{'port': port.id}])
    servers.wait_for_status(src, server, 'ACTIVE', timeout=120)
    written = b'osmigcfg-cutover-' + os.urandom(4096)
    local_clouds.write_disk('src', server.id, written, offset=4096)
    world = types.SimpleNamespace(src=src, dst=dst, src_name=src_name,
                                  dst_name=dst_name, port=port,
                                  server=server)
    return world, local_clouds.read_disk('src', server.id)


def _cut_over(world, tmp_path, boot=None):
    """Export, import (``migration.boot`` set when given), cut over:
    the destination server (admin view) and the cutover's result."""
    docs = tmp_path / 'docs'
    ms.export(world.src, docs, world.src_name)
    if boot:
        ms.edit(docs, 'servers.yaml', lambda rs: ms.by_name(
            rs, 'cw-vm').setdefault('migration', {}).update(boot=boot))
    imported = importer.import_documents(docs, world.dst, world.dst_name)
    assert not imported.report.fails('error'), list(imported.report)
    result = cutover.cutover_server(
        docs, 'cw-vm', source=world.src, destination=world.dst,
        source_name=world.src_name, destination_name=world.dst_name)
    assert not result.report.fails('error'), list(result.report)
    assert [r['outcome'] for r in result.rows] == ['cut over'], result.rows
    return result.rows[0]['dst_id']


def _check_server(local_clouds, world, dst_id, cidr):
    """ACTIVE on a compute, unmarked, its kept port bound there; the
    source stopped, never deleted; the source snapshot gone."""
    admin = local_clouds.connect('dst', admin=True)
    moved = admin.compute.get_server(dst_id)
    assert moved.status == 'ACTIVE' and moved.compute_host
    assert 'osmigcfg_cutover' not in (moved.metadata or {})
    [dst_port] = list(admin.network.ports(device_id=moved.id))
    assert dst_port.binding_host_id == moved.compute_host
    assert dst_port.mac_address == world.port.mac_address
    assert [f['ip_address'] for f in dst_port.fixed_ips] == [f'{cidr}.9']
    source = world.src.compute.get_server(world.server.id)
    assert source.status == 'SHUTOFF'  # stopped, never deleted
    left = [i.name for i in world.src.image.images()
            if i.name.startswith('osmigcfg-cut-')]
    assert left == []  # the source snapshot is cleaned up
    return moved


def test_an_image_booted_server_moves_with_its_disk_and_port(
        local_clouds, tmp_path):
    world, expected = _source_server(local_clouds, 'cw', '10.61.0')
    dst_id = _cut_over(world, tmp_path)
    moved = _check_server(local_clouds, world, dst_id, '10.61.0')
    assert local_clouds.read_disk('dst', moved.id) == expected


def _zeros(local_clouds, cloud, server_id, offset):
    """Whether a disk holds only zero bytes from ``offset`` on."""
    chunk = 8 * ms.MiB
    while True:
        data = local_clouds.read_disk(cloud, server_id, offset, chunk)
        if not data:
            return True
        if data.count(0) != len(data):
            return False
        offset += len(data)


def test_boot_volume_boots_from_a_volume_made_of_the_snapshot(
        local_clouds, tmp_path):
    world, expected = _source_server(local_clouds, 'cv', '10.63.0')
    dst_id = _cut_over(world, tmp_path, boot='volume')
    moved = _check_server(local_clouds, world, dst_id, '10.63.0')
    assert not getattr(moved.image, "id", None)  # from a volume
    [attached] = moved.attached_volumes
    volume = world.dst.block_storage.get_volume(attached['id'])
    assert (volume.name, volume.size, volume.status) == (
        'cw-vm-boot', 1, 'in-use')  # 1 GiB: the flavor's disk
    assert volume.is_bootable
    assert volume.metadata['osmigcfg_cutover'] == world.server.id
    # the disk is the snapshot's bytes, padded to the volume's size
    disk = local_clouds.read_disk('dst', moved.id, 0, len(expected))
    assert disk == expected
    assert _zeros(local_clouds, 'dst', moved.id, len(expected))
    left = [i.name for i in world.dst.image.images()
            if i.name.startswith('osmigcfg-cut-')]
    assert left == []  # the intermediate image is cleaned up
