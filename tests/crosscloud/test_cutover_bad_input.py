"""Cutovers refused on the whole local clouds, with nothing left behind.

One image-booted source server (its image deleted after the boot) is
exported and imported once; each test spoils one thing, in a copy of the
documents or in the destination project, and expects one error before
anything starts: ``boot: reimage`` without the image (``XCL506``), a
destination quota without room (``XCL303``), a destination flavor whose
disk is smaller than the snapshot needs, or with ``boot: volume`` a
``boot_volume_size`` too small for it (``XCL507``).  Afterwards the
destination holds nothing osmigcfg made (servers, volumes, images,
ports beyond the imported ones) and the source server is still ACTIVE.
"""

import os
import shutil
import types

import pytest

from osmigcfg.crosscloud import codes
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
            if flavor.name.startswith('xb.'):
                admin.compute.delete_flavor(flavor)


def _flavor(admin, name, disk):
    if not any(f.name == name for f in admin.compute.flavors()):
        admin.compute.create_flavor(name=name, vcpus=1, ram=128, disk=disk,
                                    is_public=True)


def _ports(conn):
    return sorted(p.id for p in conn.network.ports(
        project_id=conn.current_project_id))


@pytest.fixture(scope='module')
def world(local_clouds, tmp_path_factory):
    """The source server, its documents (exported and imported once)."""
    name, src_name, dst_name = ms.new_project(local_clouds, 'xb')
    src, dst = (local_clouds.connect(n) for n in (src_name, dst_name))
    src_admin = local_clouds.connect('src', admin=True)
    dst_admin = local_clouds.connect('dst', admin=True)
    # the source flavor's 2 GiB disk becomes the snapshot's min_disk
    _flavor(src_admin, 'xb.two', 2)
    _flavor(dst_admin, 'xb.two', 2)
    _flavor(dst_admin, 'xb.one', 1)
    image = src.image.create_image(
        name='xb-image', data=os.urandom(64 * 1024), disk_format='raw',
        container_format='bare', wait=True)
    net = src.network.create_network(name='xb-net')
    src.network.create_subnet(network_id=net.id, ip_version=4,
                              cidr='10.62.0.0/24', name='xb-sub')
    flavor = src.compute.find_flavor('xb.two', ignore_missing=False)
    server = src.compute.create_server(
        name='xb-vm', flavor_id=flavor.id, image_id=image.id,
        networks=[{'uuid': net.id}])
    servers.wait_for_status(src, server, 'ACTIVE', timeout=120)
    src.image.delete_image(image)  # gone at the source

    docs = tmp_path_factory.mktemp('bad-cutover') / 'docs'
    ms.export(src, docs, src_name)
    imported = importer.import_documents(docs, dst, dst_name)
    assert not imported.report.fails('error'), list(imported.report)
    return types.SimpleNamespace(
        src=src, dst=dst, dst_admin=dst_admin, src_name=src_name,
        dst_name=dst_name, docs=docs, server_id=server.id,
        ports=_ports(dst))


def _docs(world, tmp_path, edit=None):
    """A copy of the imported documents, ``edit`` applied to the server."""
    docs = tmp_path / 'docs'
    shutil.copytree(world.docs, docs)
    if edit:
        ms.edit(docs, 'servers.yaml',
                lambda rs: edit(ms.by_name(rs, 'xb-vm')))
    return docs


def _refused(world, docs, code):
    """Cut over, expect exactly one error: ``code``; nothing left behind."""
    result = cutover.cutover_server(
        docs, 'xb-vm', source=world.src, destination=world.dst,
        source_name=world.src_name, destination_name=world.dst_name)
    errors = [f for f in result.report if f.severity == 'error']
    assert [f.code for f in errors] == [code], [str(f) for f in errors]
    assert not result.rows and not result.ok
    dst = world.dst
    assert list(dst.compute.servers()) == []
    assert list(dst.block_storage.volumes()) == []
    assert [i.name for i in dst.image.images()
            if i.name.startswith('osmigcfg-')] == []
    assert _ports(dst) == world.ports
    source = world.src.compute.get_server(world.server_id)
    assert source.status == 'ACTIVE'  # never stopped
    assert [i.name for i in world.src.image.images()
            if i.name.startswith('osmigcfg-')] == []
    return errors[0]


def test_reimage_without_the_source_image_is_refused(world, tmp_path):
    docs = _docs(world, tmp_path, lambda r: r.setdefault(
        'migration', {}).update(boot='reimage'))
    found = _refused(world, docs, codes.BOOT_MISMATCH)
    assert 'params.image is empty' in found.message


def test_a_destination_without_room_is_refused(world, tmp_path):
    admin, project = world.dst_admin, world.dst.current_project_id
    before = admin.get_compute_quotas(project).instances
    admin.set_compute_quotas(project, instances=0)
    try:
        found = _refused(world, _docs(world, tmp_path),
                         codes.QUOTA_EXCEEDED)
    finally:
        admin.set_compute_quotas(project, instances=before)
    assert 'instances 0 used of 0' in found.message


def test_a_flavor_too_small_for_the_snapshot_is_refused(world, tmp_path):
    docs = _docs(world, tmp_path, lambda r: r['params']['flavor'].update(
        name='xb.one'))
    found = _refused(world, docs, codes.DISK_TOO_SMALL)
    assert "'xb.one' with a 1 GiB disk" in found.message
    assert 'needs 2 GiB' in found.message


def test_a_boot_volume_too_small_for_the_snapshot_is_refused(world,
                                                             tmp_path):
    docs = _docs(world, tmp_path, lambda r: r.setdefault(
        'migration', {}).update(boot='volume', boot_volume_size=1))
    found = _refused(world, docs, codes.DISK_TOO_SMALL)
    assert 'a 1 GiB boot volume' in found.message
    assert 'boot_volume_size' in found.message
