"""Smoke test of a whole local cloud: Nova on the real services.

A member boots a server on a port it created, from an image in the real
glance; an admin live-migrates then cold-migrates it.  After each move
the server's host and its port's ``binding:host_id`` name the new host,
and the disk the fake virt driver keeps for it still holds the image's
bytes.  A snapshot of a server whose disk was written through the
sandbox's control API holds those bytes in the real glance.
"""

import hashlib
import os

import pytest

from osmigcfg.sandbox import servers

pytestmark = pytest.mark.clouds
CLOUD = 'src'


def _port_host(admin, port_id):
    return admin.network.get_port(port_id).binding_host_id


def _moved(admin, server, old_host):
    def done():
        now = admin.compute.get_server(server.id)
        return (now.status == 'ACTIVE' and now.task_state is None
                and now.compute_host != old_host and now)
    return servers.wait_until(done, f'{server.id} to leave {old_host}',
                              timeout=120)


@pytest.fixture
def image(local_clouds, unique_name, cleanup):
    member = local_clouds.connect(CLOUD)
    data = os.urandom(256 * 1024)
    made = member.image.create_image(
        name=unique_name, data=data, disk_format='raw',
        container_format='bare', wait=True)
    cleanup(lambda: member.image.delete_image(made))
    return made, data


def network_with_subnet(member, name, cidr, cleanup):
    """A network with one IPv4 subnet, both deleted after the test."""
    net = member.network.create_network(name=name)
    cleanup(lambda: member.network.delete_network(net))
    subnet = member.network.create_subnet(
        network_id=net.id, ip_version=4, cidr=cidr)
    cleanup(lambda: member.network.delete_subnet(subnet))
    return net


@pytest.fixture
def port(local_clouds, unique_name, cleanup):
    member = local_clouds.connect(CLOUD)
    net = network_with_subnet(member, unique_name, '10.77.0.0/24', cleanup)
    made = member.network.create_port(network_id=net.id, name=unique_name)
    cleanup(lambda: member.network.delete_port(made))
    return made


@pytest.fixture
def flavor(local_clouds, unique_name, cleanup):
    """A private flavor of the demo project (export tests count flavors)."""
    admin = local_clouds.connect(CLOUD, admin=True)
    made = admin.compute.create_flavor(name=unique_name, vcpus=1, ram=256,
                                       disk=1, is_public=False)
    cleanup(lambda: admin.compute.delete_flavor(made))
    project = admin.identity.find_project('demo', ignore_missing=False)
    admin.compute.flavor_add_tenant_access(made, project.id)
    return made


def _boot(local_clouds, flavor, name, image_id, port_id, cleanup):
    member = local_clouds.connect(CLOUD)
    server = member.compute.create_server(
        name=name, flavor_id=flavor.id, image_id=image_id,
        networks=[{'port': port_id}])

    def delete():  # the port can go only once the server is gone
        member.compute.delete_server(server, ignore_missing=True)
        member.compute.wait_for_delete(server, interval=0.2, wait=60)
    cleanup(delete)
    return servers.wait_for_status(member, server, 'ACTIVE', timeout=120)


def test_a_booted_server_and_its_port_follow_live_and_cold_migration(
        local_clouds, flavor, image, port, unique_name, cleanup):
    admin = local_clouds.connect(CLOUD, admin=True)
    (made, data), hosts = image, []
    server = _boot(local_clouds, flavor, unique_name, made.id, port.id,
                   cleanup)
    hosts.append(servers.host_of(admin, server))
    assert _port_host(admin, port.id) == hosts[-1]
    assert local_clouds.read_disk(CLOUD, server.id) == data

    admin.compute.live_migrate_server(server, host=None,
                                      block_migration='auto')
    hosts.append(_moved(admin, server, hosts[-1]).compute_host)
    assert servers.wait_until(
        lambda: _port_host(admin, port.id) == hosts[-1],
        'the port binding to follow the live migration', timeout=30)
    assert servers.wait_until(
        lambda: admin.network.get_port(port.id).status == 'ACTIVE',
        'the port to be ACTIVE on the new host', timeout=30)

    admin.compute.migrate_server(server)
    servers.wait_for_status(admin, server, 'VERIFY_RESIZE', timeout=120)
    admin.compute.confirm_server_resize(server)
    hosts.append(_moved(admin, server, hosts[-1]).compute_host)
    assert _port_host(admin, port.id) == hosts[-1]
    assert hosts[0] != hosts[1] != hosts[2]
    assert local_clouds.read_disk(CLOUD, server.id) == data


def test_a_snapshot_holds_the_bytes_written_to_the_disk(
        local_clouds, flavor, image, port, unique_name, cleanup):
    member = local_clouds.connect(CLOUD)
    server = _boot(local_clouds, flavor, unique_name, image[0].id, port.id,
                   cleanup)
    written = b'osmigcfg-' + os.urandom(4096)
    local_clouds.write_disk(CLOUD, server.id, written, offset=8192)
    expected = bytearray(image[1])
    expected[8192:8192 + len(written)] = written

    snap_id = member.compute.create_server_image(server, f'{unique_name}-s')
    cleanup(lambda: member.image.delete_image(snap_id, ignore_missing=True))
    snap = member.image.wait_for_status(
        member.image.get_image(snap_id), status='active', wait=120,
        interval=0.5)
    content = member.image.download_image(snap, stream=False).content
    assert hashlib.sha256(content).hexdigest() == hashlib.sha256(
        bytes(expected)).hexdigest()
    assert snap.disk_format == 'raw'


def test_a_server_booted_from_a_volume_gets_the_volume_s_bytes(
        local_clouds, flavor, image, port, unique_name, cleanup):
    member = local_clouds.connect(CLOUD)
    made, data = image
    volume = member.block_storage.create_volume(
        size=1, image_id=made.id, name=unique_name)
    cleanup(lambda: member.block_storage.delete_volume(
        volume, ignore_missing=True))
    member.block_storage.wait_for_status(
        volume, status='available', failures=['error'], interval=0.5,
        wait=120)
    server = member.compute.create_server(
        name=unique_name, flavor_id=flavor.id, networks=[{'port': port.id}],
        block_device_mapping_v2=[{
            'boot_index': 0, 'uuid': volume.id, 'source_type': 'volume',
            'destination_type': 'volume', 'delete_on_termination': False}])

    def delete():
        member.compute.delete_server(server, ignore_missing=True)
        member.compute.wait_for_delete(server, interval=0.2, wait=60)
        member.block_storage.wait_for_status(
            volume, status='available', interval=0.5, wait=60)
    cleanup(delete)
    servers.wait_for_status(member, server, 'ACTIVE', timeout=120)
    # cinder's file driver pads the image to the volume's size
    assert local_clouds.read_disk(CLOUD, server.id, size=len(data)) == data
