"""Cutover against stitched clouds: real Nova 34 for compute, real local
glance/neutron/cinder for the data (``tests.harness.stitched``).

Each side is a local cloud plus its own NovaSandbox.  The source server
``app-vm`` boots from a real src cinder volume and has a second one
attached (Nova's CinderFixture accepts the real ids; the test also
attaches the data volume in the real cinder, so the cutover's copy has to
clone an in-use volume).  ``app-img`` boots from an image whose id is
both Nova's GlanceFixture image and a real image in each local glance.
Servers have no NICs: Nova's NeutronFixture knows none of the local
ports (the port/floating IP path is covered by the import tests and a
unit test of the boot request).
"""

import types
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from osmigcfg import crosscloud
from osmigcfg.crosscloud import status
from osmigcfg.crosscloud.cutover import run as cutover
from osmigcfg.crosscloud.importing import run as importer
from osmigcfg.sandbox.nova import sandbox as nova_mod
from osmigcfg.sandbox import servers
from tests.harness import stitched
from tests.conftest import require_or_skip
from tests.crosscloud import migration_support as ms

pytestmark = [pytest.mark.clouds, pytest.mark.nova]
FIXTURE_IMAGE = servers.DEFAULT_IMAGE  # nova's GlanceFixture image id
MV = '2.72'


def _public_key():
    key = ed25519.Ed25519PrivateKey.generate()  # the private half is dropped
    return key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode() + ' test'


def _fixture_image(admin):
    """A public image with Nova's fixture image id in a local glance."""
    found = admin.image.find_image(FIXTURE_IMAGE, ignore_missing=True)
    if found is None:
        admin.image.post('/images', json={
            'id': FIXTURE_IMAGE, 'name': 'cirros-fixture',
            'disk_format': 'raw', 'container_format': 'bare',
            'visibility': 'public'})
        admin.image.put(f'/images/{FIXTURE_IMAGE}/file', data=b'\0' * 4096,
                        headers={'Content-Type': 'application/octet-stream'})


@pytest.fixture(scope='module')
def novas(tmp_path_factory):
    if not nova_mod.nova_available():
        require_or_skip('nova 34 is not installed: ' + nova_mod.INSTALL_HINT)
    pair = [nova_mod.NovaSandbox(computes=('host1',), workdir=str(
        tmp_path_factory.mktemp(f'nova-{side}'))) for side in ('src', 'dst')]
    for sandbox in pair:
        sandbox.start()
    yield pair
    for sandbox in pair:
        sandbox.stop()


def _attach_in_cinder(conn, volume_id, server_id):
    connector = {'initiator': 'iqn.1993-08.org.debian:01:osmigcfg',
                 'ip': '127.0.0.1', 'host': 'host1', 'platform': 'x86_64',
                 'os_type': 'linux', 'multipath': False}
    made = conn.block_storage.post('/attachments', json={'attachment': {
        'volume_uuid': volume_id, 'instance_uuid': server_id,
        'connector': connector}}, microversion='3.54').json()
    conn.block_storage.post(f'/attachments/{made["attachment"]["id"]}/'
                            'action', json={'os-complete': None},
                            microversion='3.54')


def _boot_servers(src, lsrc):
    vols = {v.name: v for v in lsrc.block_storage.volumes()}
    nova = src.compute
    nova.post('/os-keypairs', json={'keypair': {
        'name': 'app-key', 'public_key': _public_key()}}, microversion=MV)
    group = nova.post('/os-server-groups', json={'server_group': {
        'name': 'app-group', 'policy': 'affinity'}},
        microversion='2.64').json()['server_group']
    bdm = [{'boot_index': 0, 'uuid': vols['app-vol'].id,
            'source_type': 'volume', 'destination_type': 'volume'},
           {'boot_index': -1, 'uuid': vols['app-data'].id,
            'source_type': 'volume', 'destination_type': 'volume'}]
    vm = nova.post('/servers', json={
        'server': {'name': 'app-vm', 'flavorRef': '1', 'networks': 'none',
                   'key_name': 'app-key', 'metadata': {'role': 'db'},
                   'block_device_mapping_v2': bdm},
        'os:scheduler_hints': {'group': group['id']}},
        microversion=MV).json()['server']
    img = nova.post('/servers', json={'server': {
        'name': 'app-img', 'flavorRef': '1', 'networks': 'none',
        'imageRef': FIXTURE_IMAGE}}, microversion=MV).json()['server']
    for server in (vm, img):
        servers.wait_for_status(src, server['id'], 'ACTIVE')
    _attach_in_cinder(lsrc, vols['app-data'].id, vm['id'])
    return vm['id'], img['id'], vols


@pytest.fixture(scope='module')
def world(local_clouds, novas, tmp_path_factory):
    name, src_name, dst_name = ms.new_project(local_clouds, 'cut')
    for cloud in ('src', 'dst'):
        _fixture_image(local_clouds.connect(cloud, admin=True))
    lsrc, ldst = (local_clouds.connect(n) for n in (src_name, dst_name))
    images, _ = ms.build_storage(lsrc, 'app', None)
    data = lsrc.block_storage.create_volume(name='app-data', size=1)
    lsrc.block_storage.wait_for_status(data, 'available', interval=0.3)
    src, dst = stitched.stitch(lsrc, novas[0]), stitched.stitch(ldst,
                                                               novas[1])
    vm, img, vols = _boot_servers(src, lsrc)
    directory = tmp_path_factory.mktemp('cutover') / 'docs'
    ms.export(src, directory, src_name)
    ms.edit(directory, 'servers.yaml', lambda rs: ms.by_name(rs, 'app-img')[
        'migration'].update(boot='reimage'))
    return types.SimpleNamespace(
        src=src, dst=dst, src_name=src_name, dst_name=dst_name, dir=directory,
        vm=vm, img=img, vols=vols, novas=novas, lsrc=lsrc, ldst=ldst)


def _cutover(world, server, policies=None):
    return cutover.cutover_server(
        world.dir, server, source=world.src, destination=world.dst,
        source_name=world.src_name, destination_name=world.dst_name,
        policies=policies)


def _dst_server(world, name):
    found = [s for s in world.dst.compute.get(
        '/servers/detail', microversion=MV).json()['servers']
        if s['name'] == name]
    return found[0] if found else None


def test_import_brings_keypair_and_group_and_defers_servers(world):
    result = importer.import_documents(world.dir, world.dst, world.dst_name)
    assert not result.report.fails('error'), list(result.report)
    outcome = {(r['type'], r['name']): r['outcome'] for r in result.rows}
    assert outcome[('keypair', 'app-key')] == 'created'
    assert outcome[('server_group', 'app-group')] == 'created'
    assert outcome[('flavor', 'm1.tiny')] == 'unchanged'
    assert outcome[('server', 'app-vm')] == 'deferred'
    src_key = world.src.compute.get('/os-keypairs/app-key').json()
    dst_key = world.dst.compute.get('/os-keypairs/app-key').json()
    assert dst_key['keypair']['fingerprint'] == \
        src_key['keypair']['fingerprint']
    again = importer.import_documents(world.dir, world.dst, world.dst_name)
    assert {r['outcome'] for r in again.rows} <= {'unchanged', 'done',
                                                  'deferred'}


def test_a_new_flavor_needs_an_admin_in_the_destination(world, novas,
                                                       local_clouds):
    admin_src = stitched.stitch(local_clouds.connect('src', admin=True),
                                novas[0])
    admin_src.compute.post('/flavors', json={'flavor': {
        'name': 'app.small', 'ram': 256, 'vcpus': 1, 'disk': 1}})
    only = crosscloud.Filters(types=('flavor',))
    docs = world.dir.parent / 'flavors'
    crosscloud.export_resources(admin_src, docs, filters=only)
    plan = crosscloud.plan_import(docs, world.dst)
    assert [f.code for f in plan.report] == ['XCL304']
    admin_dst = stitched.stitch(local_clouds.connect('dst', admin=True),
                                novas[1])
    result = importer.import_documents(docs, admin_dst, 'dst-admin')
    assert not result.report.fails('error')
    made = [r for r in result.rows if r['name'] == 'app.small']
    assert made[0]['outcome'] == 'created'
    flavor = admin_dst.compute.get(f'/flavors/{made[0]["dst_id"]}').json()
    assert (flavor['flavor']['ram'], flavor['flavor']['vcpus']) == (256, 1)


def test_a_policy_that_denies_the_boot_stops_the_cutover_first(world,
                                                               tmp_path):
    from osmigcfg import policy
    path = tmp_path / 'policy.yaml'
    path.write_text('"os_compute_api:servers:create": "role:admin"\n')
    denied = policy.load_effective_policy(str(path))
    result = _cutover(world, 'app-vm', policies={'dst': denied})
    assert [f.code for f in result.report if f.severity == 'error'] == [
        'XCL312']
    assert result.journal is None
    assert world.src.compute.get(f'/servers/{world.vm}').json()[
        'server']['status'] == 'ACTIVE'


def test_cutover_boots_from_the_copied_volumes(world, local_clouds):
    result = _cutover(world, 'app-vm')
    assert not result.report.fails('error'), list(result.report)
    [row] = result.rows
    assert row['outcome'] == 'cut over', row
    server = _dst_server(world, 'app-vm')
    assert (server['status'], server['key_name'], server['metadata']) == (
        'ACTIVE', 'app-key', {'role': 'db'})
    attached = {world.ldst.block_storage.get_volume(v['id']).name: v['id']
                for v in server['os-extended-volumes:volumes_attached']}
    assert sorted(attached) == ['app-data', 'app-vol']
    for name, copy in attached.items():
        assert ms.file_sha256(ms.volume_path(local_clouds, 'dst', copy)) \
            == ms.file_sha256(ms.volume_path(local_clouds, 'src',
                                             world.vols[name].id))
    group = world.dst.compute.get('/os-server-groups', microversion='2.64'
                                  ).json()['server_groups'][0]
    assert group['members'] == [server['id']]
    source = world.src.compute.get(f'/servers/{world.vm}').json()['server']
    assert source['status'] == 'SHUTOFF'  # stopped, never deleted
    temps = [v.name for v in world.lsrc.block_storage.volumes()
             if v.name.startswith('osmigcfg-xfer')]
    assert temps == []


def test_a_failed_boot_restarts_the_source_then_a_retry_succeeds(world):
    world.novas[1].stop_compute('host1')
    try:
        failed = _cutover(world, 'app-img')
    finally:
        world.novas[1].start_compute('host1')
    [row] = failed.rows
    assert row['outcome'] == 'failed' and 'ERROR' in row['reason'], row
    source = world.src.compute.get(f'/servers/{world.img}').json()['server']
    assert source['status'] == 'ACTIVE'  # restarted: we had stopped it
    assert _dst_server(world, 'app-img') is None  # the failed boot is gone
    retried = _cutover(world, 'app-img')
    assert retried.rows[0]['outcome'] == 'cut over', retried.rows
    assert retried.journal == failed.journal  # the same run, resumed
    server = _dst_server(world, 'app-img')
    assert server['image']['id'] == FIXTURE_IMAGE


def test_a_done_cutover_is_not_repeated_and_status_shows_it(world):
    again = _cutover(world, 'app-vm')
    assert [r['outcome'] for r in again.rows] == ['already cut over']
    assert again.journal is None
    rows = {(r[0], r[1]): r for r in status.read_status(world.dir).rows}
    assert rows[('server', 'app-vm')][4] == 'cut over'
    assert rows[('volume', 'app-data')][3] == 'copied by cutover'
    assert uuid.UUID(rows[('server', 'app-img')][5])
