"""Cutover on the whole local clouds: what the scenario does not cover.

``test_cutover_scenario`` moves an image-booted server with everything
it has (``boot: snapshot`` and ``volume``).  Here: a volume-booted
server (``boot: copy``) boots from the copy of its volume, bytes and
all, and a finished cutover is not repeated; a boot that fails in the
destination (every destination compute disabled: Nova's scheduler finds
no host) deletes what it booted and restarts the source, and the same
command then resumes the run and succeeds (``boot: reimage``); a flavor
the destination lacks needs an admin there.
"""

import os
import types
import uuid

import pytest

from osmigcfg import crosscloud
from osmigcfg.crosscloud import status
from osmigcfg.crosscloud.copy import run as copy_run
from osmigcfg.crosscloud.cutover import run as cutover
from osmigcfg.crosscloud.importing import run as importer
from osmigcfg.sandbox import servers
from tests.crosscloud import migration_support as ms

pytestmark = pytest.mark.clouds
MV = '2.72'
FLAVOR = 'cw.tiny'  # made in both clouds by this module


@pytest.fixture(scope='module', autouse=True)
def _flavors(local_clouds):
    """Make the flavor, delete this module's public flavors afterwards: the clouds are shared
    by the session, and another module's export would list them."""
    for cloud in ('src', 'dst'):
        local_clouds.connect(cloud, admin=True).compute.create_flavor(
            name=FLAVOR, vcpus=1, ram=256, disk=1, is_public=True)
    yield
    for cloud in ('src', 'dst'):
        admin = local_clouds.connect(cloud, admin=True)
        for flavor in list(admin.compute.flavors()):
            if flavor.name.startswith('cw.'):
                admin.compute.delete_flavor(flavor)


def _world(local_clouds, prefix):
    name, src_name, dst_name = ms.new_project(local_clouds, prefix)
    src, dst = (local_clouds.connect(n) for n in (src_name, dst_name))
    image = src.image.create_image(
        name=f'{prefix}-image', data=os.urandom(512 * 1024),
        disk_format='raw', container_format='bare', wait=True)
    return types.SimpleNamespace(src=src, dst=dst, src_name=src_name,
                                 dst_name=dst_name, image=image)


def _boot(world, name, **server):
    flavor = world.src.compute.find_flavor(FLAVOR, ignore_missing=False)
    body = world.src.compute.post('/servers', json={'server': dict(
        name=name, flavorRef=flavor.id, networks='none', **server)},
        microversion=MV).json()['server']
    return servers.wait_for_status(world.src, body['id'], 'ACTIVE',
                                   timeout=120)


def _cutover(world, docs, name):
    return cutover.cutover_server(
        docs, name, source=world.src, destination=world.dst,
        source_name=world.src_name, destination_name=world.dst_name)


def _import(world, docs):
    imported = importer.import_documents(docs, world.dst, world.dst_name)
    assert not imported.report.fails('error'), list(imported.report)


def _dst_servers(world, name):
    return [s for s in world.dst.compute.get(
        '/servers/detail', microversion=MV).json()['servers']
        if s['name'] == name]


def test_a_volume_booted_server_boots_from_its_copied_volume(
        local_clouds, tmp_path):
    world = _world(local_clouds, 'cc')
    volume = world.src.block_storage.create_volume(
        name='cc-boot', size=1, image_id=world.image.id)
    world.src.block_storage.wait_for_status(
        volume, 'available', failures=['error'], interval=0.3, wait=120)
    source = _boot(world, 'cc-vm', block_device_mapping_v2=[{
        'boot_index': 0, 'uuid': volume.id, 'source_type': 'volume',
        'destination_type': 'volume'}])
    src_file = ms.volume_path(local_clouds, 'src', volume.id)
    with open(src_file, 'r+b') as f:  # written while it is attached
        f.seek(3 * ms.MiB)
        f.write(b'osmigcfg-boot-volume-' + os.urandom(4096))
    docs = tmp_path / 'docs'
    ms.export(world.src, docs, world.src_name)
    _import(world, docs)

    result = _cutover(world, docs, 'cc-vm')
    assert not result.report.fails('error'), list(result.report)
    assert [r['outcome'] for r in result.rows] == ['cut over'], [
        r.get('reason') for r in result.rows]
    admin = local_clouds.connect('dst', admin=True)
    moved = admin.compute.get(f'/servers/{result.rows[0]["dst_id"]}',
                              microversion=MV).json()['server']
    assert moved['status'] == 'ACTIVE' and not moved['image']
    [attached] = moved['os-extended-volumes:volumes_attached']
    copy = world.dst.block_storage.get_volume(attached['id'])
    assert (copy.name, copy.status, copy.is_bootable) == (
        'cc-boot', 'in-use', True)
    expected = ms.file_sha256(src_file)
    assert ms.file_sha256(ms.volume_path(local_clouds, 'dst', copy.id)) \
        == expected
    # the fake driver's disk is made of the volume it boots from
    assert ms.file_sha256(local_clouds.disk_path('dst', moved['id'])) \
        == expected
    # started again once its copy was verified
    assert world.src.compute.get_server(source.id).status == 'ACTIVE'
    temps = [v.name for v in world.src.block_storage.volumes()
             if v.name.startswith('osmigcfg-xfer')]
    assert temps == []

    again = _cutover(world, docs, 'cc-vm')
    assert [r['outcome'] for r in again.rows] == ['already cut over']
    assert again.journal is None
    assert len(_dst_servers(world, 'cc-vm')) == 1
    rows = {(r[0], r[1]): r for r in status.read_status(docs).rows}
    assert rows[('server', 'cc-vm')][4] == 'cut over'
    assert rows[('server', 'cc-vm')][5] == moved['id']
    assert rows[('volume', 'cc-boot')][3] == 'copied by cutover'


def _computes(local_clouds, enabled):
    admin = local_clouds.connect('dst', admin=True)
    for service in admin.compute.services(binary='nova-compute'):
        if enabled:
            admin.compute.enable_service(service, service.host,
                                         service.binary)
        else:
            admin.compute.disable_service(service, service.host,
                                          service.binary,
                                          disabled_reason='osmigcfg test')


def test_a_failed_boot_restarts_the_source_then_a_retry_succeeds(
        local_clouds, tmp_path):
    world = _world(local_clouds, 'cr')
    source = _boot(world, 'cr-vm', imageRef=world.image.id)
    docs = tmp_path / 'docs'
    ms.export(world.src, docs, world.src_name)
    ms.edit(docs, 'servers.yaml', lambda rs: ms.by_name(rs, 'cr-vm')[
        'migration'].update(boot='reimage'))
    _import(world, docs)
    copied = copy_run.copy_data(docs, source=world.src, destination=world.dst,
                                source_name=world.src_name,
                                destination_name=world.dst_name)
    assert not copied.report.fails('error'), list(copied.report)

    _computes(local_clouds, enabled=False)  # the scheduler finds no host
    try:
        failed = _cutover(world, docs, 'cr-vm')
    finally:
        _computes(local_clouds, enabled=True)
    [row] = failed.rows
    assert row['outcome'] == 'failed' and 'ERROR' in row['reason'], row
    assert world.src.compute.get_server(source.id).status == 'ACTIVE'
    assert _dst_servers(world, 'cr-vm') == []  # the failed boot is gone

    retried = _cutover(world, docs, 'cr-vm')
    assert retried.rows[0]['outcome'] == 'cut over', retried.rows
    assert retried.journal == failed.journal  # the same run, resumed
    [moved] = _dst_servers(world, 'cr-vm')
    copied = world.dst.image.find_image('cr-image', ignore_missing=False)
    assert (moved['status'], moved['image']['id']) == ('ACTIVE', copied.id)
    rows = {(r[0], r[1]): r for r in status.read_status(docs).rows}
    assert uuid.UUID(rows[('server', 'cr-vm')][5]) == uuid.UUID(moved['id'])


def test_a_new_flavor_needs_an_admin_in_the_destination(local_clouds,
                                                       tmp_path):
    name = f'cw.{uuid.uuid4().hex[:6]}'
    admin_src = local_clouds.connect('src', admin=True)
    admin_src.compute.create_flavor(name=name, ram=256, vcpus=1, disk=1,
                                    is_public=True)
    docs = tmp_path / 'flavors'
    crosscloud.export_resources(admin_src, docs, filters=crosscloud.Filters(
        types=('flavor',), names=(name,)))
    _, _, dst_name = ms.new_project(local_clouds, 'cf')
    plan = crosscloud.plan_import(docs, local_clouds.connect(dst_name))
    assert [f.code for f in plan.report] == ['XCL304']
    admin_dst = local_clouds.connect('dst', admin=True)
    result = importer.import_documents(docs, admin_dst, 'dst-admin')
    assert not result.report.fails('error')
    [made] = [r for r in result.rows if r['name'] == name]
    assert made['outcome'] == 'created'
    flavor = admin_dst.compute.get_flavor(made['dst_id'])
    assert (flavor.ram, flavor.vcpus, flavor.disk) == (256, 1, 1)
