"""The local clouds are real: every service answers a plain project member.

Each test runs in both clouds with the ``demo`` member credentials; the
numbers (startup, RSS, API latency) are printed for ``pytest -s``.
"""

import hashlib
import os
import statistics
import time

import pytest

pytestmark = pytest.mark.clouds
CLOUDS = ('src', 'dst')
GiB = 1024 ** 3


def _sha256_download(conn, image):
    digest = hashlib.sha256()
    size = 0
    response = conn.image.download_image(image, stream=True)
    for chunk in response.iter_content(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _raw_image(conn, name, data, cleanup):
    image = conn.image.create_image(
        name=name, data=data, disk_format='raw', container_format='bare',
        wait=True)
    cleanup(lambda: conn.image.delete_image(image))
    return image


def _available(conn, volume, timeout=120):
    return conn.block_storage.wait_for_status(
        volume, status='available', failures=['error'], interval=0.3,
        wait=timeout)


def test_both_clouds_answer_with_their_own_keystone(local_clouds):
    projects = {}
    for cloud in CLOUDS:
        conn = local_clouds.connect(cloud)
        assert conn.current_project.name == 'demo'
        projects[cloud] = conn.current_project_id
        assert conn.image.get_endpoint() and conn.network.get_endpoint()
    assert projects['src'] != projects['dst']


def test_member_cannot_list_projects_but_admin_can(local_clouds):
    import openstack.exceptions
    member = local_clouds.connect('src')
    with pytest.raises(openstack.exceptions.ForbiddenException):
        list(member.identity.projects())
    admin = local_clouds.connect('src', admin=True)
    names = {p.name for p in admin.identity.projects()}
    assert {'admin', 'demo', 'service'} <= names


@pytest.mark.parametrize('cloud', CLOUDS)
def test_member_builds_a_network_topology(local_clouds, cloud, unique_name,
                                          cleanup):
    conn = local_clouds.connect(cloud)
    net_api = conn.network
    public = net_api.find_network('public', ignore_missing=False)
    net = net_api.create_network(name=unique_name)
    cleanup(lambda: net_api.delete_network(net))
    subnet = net_api.create_subnet(network_id=net.id, name=unique_name,
                                   ip_version=4, cidr='10.20.0.0/24')
    router = net_api.create_router(
        name=unique_name, external_gateway_info={'network_id': public.id})
    cleanup(lambda: net_api.delete_router(router))
    net_api.add_interface_to_router(router, subnet=subnet.id)
    cleanup(lambda: net_api.remove_interface_from_router(
        router, subnet=subnet.id))
    group = net_api.create_security_group(name=unique_name)
    cleanup(lambda: net_api.delete_security_group(group))
    net_api.create_security_group_rule(
        security_group_id=group.id, direction='ingress', ethertype='IPv4',
        protocol='tcp', port_range_min=22, port_range_max=22,
        remote_ip_prefix='0.0.0.0/0')
    port = net_api.create_port(
        network_id=net.id, name=unique_name, security_group_ids=[group.id],
        fixed_ips=[{'subnet_id': subnet.id, 'ip_address': '10.20.0.10'}])
    cleanup(lambda: net_api.delete_port(port))
    fip = net_api.create_ip(floating_network_id=public.id, port_id=port.id)
    cleanup(lambda: net_api.delete_ip(fip))

    assert fip.fixed_ip_address == '10.20.0.10'
    assert net_api.get_router(router).external_gateway_info[
        'network_id'] == public.id
    rules = [r for r in net_api.security_group_rules(
        security_group_id=group.id) if r.protocol == 'tcp']
    assert [(r.port_range_min, r.port_range_max) for r in rules] == [(22, 22)]
    assert net_api.get_port(port).mac_address


@pytest.mark.parametrize('cloud', CLOUDS)
def test_image_upload_then_download_is_byte_exact(local_clouds, cloud,
                                                  unique_name, cleanup):
    conn = local_clouds.connect(cloud)
    data = os.urandom(3 * 1024 * 1024 + 17)
    image = _raw_image(conn, unique_name, data, cleanup)
    assert conn.image.get_image(image).status == 'active'
    assert _sha256_download(conn, image) == (
        hashlib.sha256(data).hexdigest(), len(data))


@pytest.mark.parametrize('cloud', CLOUDS)
def test_volume_create_becomes_available(local_clouds, cloud, unique_name,
                                         cleanup):
    conn = local_clouds.connect(cloud)
    volume = conn.block_storage.create_volume(size=1, name=unique_name)
    cleanup(lambda: conn.block_storage.delete_volume(volume))
    assert _available(conn, volume).status == 'available'


@pytest.mark.parametrize('cloud', CLOUDS)
def test_volume_from_image_uploads_back_to_the_same_bytes(
        local_clouds, cloud, unique_name, cleanup):
    conn = local_clouds.connect(cloud)
    data = os.urandom(1024 * 1024)
    image = _raw_image(conn, unique_name, data, cleanup)
    volume = conn.block_storage.create_volume(
        size=1, name=unique_name, image_id=image.id)
    cleanup(lambda: conn.block_storage.delete_volume(volume))
    volume = _available(conn, volume)
    assert volume.is_bootable

    result = conn.block_storage.upload_volume_to_image(
        volume, f'{unique_name}-up', disk_format='raw',
        container_format='bare')
    uploaded = conn.image.wait_for_status(
        conn.image.get_image(result['image_id']), status='active',
        failures=['killed'], interval=0.5, wait=300)
    cleanup(lambda: conn.image.delete_image(uploaded))
    # the volume is the image's bytes followed by zeros up to 1 GiB
    expected = hashlib.sha256(data)
    zeros = bytes(1024 * 1024)
    for _ in range(GiB // len(zeros) - 1):
        expected.update(zeros)
    assert _sha256_download(conn, uploaded) == (expected.hexdigest(), GiB)
    assert _available(conn, volume).status == 'available'


def _median_ms(func, repeat=15):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def test_report_startup_memory_and_latency(local_clouds):
    stats = local_clouds.stats()
    conn = local_clouds.connect('src')
    auth = conn.session.auth
    latency = {
        'token issue': _median_ms(
            lambda: auth.get_auth_ref(conn.session)),
        'neutron list networks': _median_ms(
            lambda: list(conn.network.networks())),
        'glance list images': _median_ms(lambda: list(conn.image.images())),
        'cinder list volumes': _median_ms(
            lambda: list(conn.block_storage.volumes())),
    }
    print(f'\nlocal clouds: startup {stats["startup_seconds"]} s, '
          f'RSS total {stats["rss_total_mb"]} MB')
    for label, mb in sorted(stats['rss_mb'].items()):
        print(f'  rss {label}: {mb} MB')
    for cloud, steps in stats['timings'].items():
        print(f'  steps {cloud}: {steps}')
    for call, ms in latency.items():
        print(f'  median {call}: {ms} ms')
    assert stats['startup_seconds'] < 300
    assert all(mb < 800 for mb in stats['rss_mb'].values())
    assert latency['neutron list networks'] < 1000
