"""The cutover scenario on the whole local clouds (issue 11, Tests).

An image-booted server with two NICs (the first keeps its fixed IP and
carries a floating IP; the second keeps its MAC but not its IP), a data
volume attached, member of an anti-affinity group, with a keypair,
metadata and tags; bytes written into its disk (the fake virt driver's
disk file) and into its volume (the file-backed cinder's file).  Export,
import, cutover, then every check on the real destination services:
ACTIVE on a compute, each port bound to that compute with its MAC and
IPs, the floating IP on the first port, the volume attached with the
same bytes, the boot disk equal to the source's at stop time, the server
in the recreated group, keypair/metadata/tags kept, the source still
there (stopped: a successful cutover does not restart it), osmigcfg's
snapshots gone.  Once with ``boot: snapshot`` (the default), once with
``boot: volume`` (the disk comes from a bootable volume of the flavor's
size, the bytes padded with zeros).
"""

import os
import types

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from osmigcfg import policy
from osmigcfg.crosscloud.cutover import run as cutover
from osmigcfg.crosscloud.importing import run as importer
from osmigcfg.sandbox import servers
from tests.crosscloud import migration_support as ms

pytestmark = pytest.mark.clouds
MV = '2.72'
FLAVOR = 'sc.tiny'  # made in both clouds by this module


@pytest.fixture(scope='module', autouse=True)
def _flavor(local_clouds):
    """A public flavor (1 GiB disk) in both clouds while this module runs:
    the clouds are shared by the session, another module's export would
    list it."""
    made = []
    for cloud in ('src', 'dst'):
        admin = local_clouds.connect(cloud, admin=True)
        made.append((admin, admin.compute.create_flavor(
            name=FLAVOR, vcpus=1, ram=256, disk=1, is_public=True)))
    yield
    for admin, flavor in made:
        admin.compute.delete_flavor(flavor)


def _public_key():
    key = ed25519.Ed25519PrivateKey.generate()  # the private half is dropped
    return key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode() + ' scenario'


def _network(src, name, cidr):
    net = src.network.create_network(name=f'{name}-net')
    subnet = src.network.create_subnet(
        network_id=net.id, ip_version=4, cidr=f'{cidr}.0/24',
        name=f'{name}-sub')
    return net, subnet


def _ports(src, cidr):
    """Two ports on two networks; the first routed, with a floating IP."""
    net_api = src.network
    public = net_api.find_network('public', ignore_missing=False)
    net1, sub1 = _network(src, 'sc1', f'{cidr}.1')
    net2, sub2 = _network(src, 'sc2', f'{cidr}.2')
    router = net_api.create_router(
        name='sc-router', external_gateway_info={'network_id': public.id})
    net_api.add_interface_to_router(router, subnet=sub1.id)
    web = net_api.create_security_group(name='sc-web')
    net_api.create_security_group_rule(
        security_group_id=web.id, direction='ingress', ethertype='IPv4',
        protocol='tcp', port_range_min=22, port_range_max=22,
        remote_ip_prefix='0.0.0.0/0')
    port1 = net_api.create_port(
        network_id=net1.id, name='sc-port1', security_group_ids=[web.id],
        fixed_ips=[{'subnet_id': sub1.id, 'ip_address': f'{cidr}.1.9'}])
    port2 = net_api.create_port(network_id=net2.id, name='sc-port2')
    fip = net_api.create_ip(floating_network_id=public.id, port_id=port1.id)
    return port1, port2, fip


def _server(local_clouds, src, ports, data_volume):
    """The source server, in its group, the data volume attached."""
    nova = src.compute
    nova.post('/os-keypairs', json={'keypair': {
        'name': 'sc-key', 'public_key': _public_key()}}, microversion=MV)
    group = nova.post('/os-server-groups', json={'server_group': {
        'name': 'sc-group', 'policy': 'anti-affinity'}},
        microversion='2.64').json()['server_group']
    image = src.image.create_image(
        name='sc-image', data=os.urandom(512 * 1024), disk_format='raw',
        container_format='bare', wait=True)
    flavor = nova.find_flavor(FLAVOR, ignore_missing=False)
    body = nova.post('/servers', json={
        'server': {'name': 'sc-vm', 'flavorRef': flavor.id,
                   'imageRef': image.id, 'key_name': 'sc-key',
                   'metadata': {'role': 'db'}, 'tags': ['blue', 'prod'],
                   'description': 'the scenario server',
                   'networks': [{'port': p.id} for p in ports]},
        'os:scheduler_hints': {'group': group['id']}},
        microversion=MV).json()['server']
    server = servers.wait_for_status(src, body['id'], 'ACTIVE', timeout=120)
    nova.create_volume_attachment(server, volume=data_volume)
    src.block_storage.wait_for_status(data_volume, 'in-use',
                                      failures=['error'], interval=0.3,
                                      wait=120)
    return server


def _world(local_clouds, prefix, cidr):
    name, src_name, dst_name = ms.new_project(local_clouds, prefix)
    src, dst = (local_clouds.connect(n) for n in (src_name, dst_name))
    port1, port2, fip = _ports(src, cidr)
    volume = src.block_storage.create_volume(name='sc-data', size=1)
    src.block_storage.wait_for_status(volume, 'available',
                                      failures=['error'], interval=0.3,
                                      wait=120)
    server = _server(local_clouds, src, (port1, port2), volume)
    local_clouds.write_disk('src', server.id,
                            b'osmigcfg-disk-' + os.urandom(4096), 8192)
    with open(ms.volume_path(local_clouds, 'src', volume.id), 'r+b') as f:
        f.seek(ms.MiB)
        f.write(b'osmigcfg-volume-' + os.urandom(4096))
    return types.SimpleNamespace(
        src=src, dst=dst, src_name=src_name, dst_name=dst_name, cidr=cidr,
        ports=(port1, port2), fip=fip, volume=volume, server=server)


def _cutover(world, docs, policies=None, leave_source_stopped=False):
    return cutover.cutover_server(
        docs, 'sc-vm', source=world.src, destination=world.dst,
        source_name=world.src_name, destination_name=world.dst_name,
        policies=policies, leave_source_stopped=leave_source_stopped)


def _cut_over(world, docs, boot):
    ms.export(world.src, docs, world.src_name)
    ms.edit(docs, 'ports.yaml', lambda rs: ms.by_name(rs, 'sc-port2')[
        'migration'].update(keep_fixed_ips=False))
    if boot != 'snapshot':
        ms.edit(docs, 'servers.yaml', lambda rs: ms.by_name(rs, 'sc-vm')[
            'migration'].update(boot=boot))
    imported = importer.import_documents(docs, world.dst, world.dst_name)
    assert not imported.report.fails('error'), list(imported.report)
    outcome = {(r['type'], r['name']): r['outcome'] for r in imported.rows}
    assert outcome[('server', 'sc-vm')] == 'deferred'
    assert outcome[('keypair', 'sc-key')] == 'created'
    assert outcome[('server_group', 'sc-group')] == 'created'
    assert outcome[('flavor', FLAVOR)] == 'unchanged'
    fingerprints = [c.compute.get('/os-keypairs/sc-key').json()['keypair'][
        'fingerprint'] for c in (world.src, world.dst)]
    assert fingerprints[0] == fingerprints[1]
    again = importer.import_documents(docs, world.dst, world.dst_name)
    assert {r['outcome'] for r in again.rows} <= {'unchanged', 'done',
                                                  'deferred'}

    # a destination policy that denies the boot stops the cutover before
    # anything is done
    path = docs.parent / 'policy.yaml'
    path.write_text('"os_compute_api:servers:create": "role:admin"\n')
    denied = _cutover(world, docs, {'dst': policy.load_effective_policy(
        str(path))})
    assert [f.code for f in denied.report if f.severity == 'error'] == [
        'XCL312']
    assert denied.journal is None
    assert world.src.compute.get_server(world.server.id).status == 'ACTIVE'

    # boot: volume also shows the final-cutover choice: source left down
    result = _cutover(world, docs, leave_source_stopped=boot == 'volume')
    assert not result.report.fails('error'), list(result.report)
    assert [r['outcome'] for r in result.rows] == ['cut over'], [
        r.get('reason') for r in result.rows]
    return result.rows[0]['dst_id']


def _check_ports(local_clouds, world, moved):
    admin = local_clouds.connect('dst', admin=True)
    ports = {p.name: p for p in admin.network.ports(device_id=moved['id'])}
    assert sorted(ports) == ['sc-port1', 'sc-port2']
    for source in world.ports:
        port = ports[source.name]
        assert port.binding_host_id == moved['OS-EXT-SRV-ATTR:host']
        assert port.mac_address == source.mac_address
    port1, port2 = ports['sc-port1'], ports['sc-port2']
    assert [f['ip_address'] for f in port1.fixed_ips] == [
        f'{world.cidr}.1.9']
    [sub2] = list(world.dst.network.subnets(name='sc2-sub'))
    assert [f['subnet_id'] for f in port2.fixed_ips] == [sub2.id]
    groups = {g.name for g in world.dst.network.security_groups(
        id=port1.security_group_ids)} if port1.security_group_ids else set()
    assert groups == {'sc-web'}
    [fip] = list(world.dst.network.ips(port_id=port1.id))
    assert fip.fixed_ip_address == f'{world.cidr}.1.9'


def _check_volumes(local_clouds, world, moved, boot):
    by_name = {}
    for att in moved['os-extended-volumes:volumes_attached']:
        volume = world.dst.block_storage.get_volume(att['id'])
        assert volume.status == 'in-use'
        by_name[volume.name] = volume
    expected = ['sc-data'] + (['sc-vm-boot'] if boot == 'volume' else [])
    assert sorted(by_name) == expected
    copy = by_name['sc-data']
    assert ms.file_sha256(ms.volume_path(local_clouds, 'dst', copy.id)) == \
        ms.file_sha256(ms.volume_path(local_clouds, 'src', world.volume.id))
    if boot == 'volume':
        disk = by_name['sc-vm-boot']
        assert (disk.size, disk.is_bootable) == (1, True)  # flavor's disk
        assert disk.metadata['osmigcfg_cutover'] == world.server.id


def _zeros(local_clouds, cloud, server_id, offset):
    """Whether a disk holds only zero bytes from ``offset`` on."""
    while True:
        data = local_clouds.read_disk(cloud, server_id, offset, 8 * ms.MiB)
        if not data:
            return True
        if data.count(0) != len(data):
            return False
        offset += len(data)


@pytest.mark.parametrize('boot,cidr', [('snapshot', '10.71'),
                                       ('volume', '10.72')])
def test_an_image_booted_server_moves_with_everything_it_has(
        local_clouds, tmp_path, boot, cidr):
    world = _world(local_clouds, f'sc{boot[0]}', cidr)
    dst_id = _cut_over(world, tmp_path / 'docs', boot)

    admin = local_clouds.connect('dst', admin=True)
    moved = admin.compute.get(f'/servers/{dst_id}', microversion=MV).json()[
        'server']
    assert moved['status'] == 'ACTIVE' and moved['OS-EXT-SRV-ATTR:host']
    assert (moved['key_name'], moved['metadata'], sorted(moved['tags']),
            moved['description']) == ('sc-key', {'role': 'db'},
                                      ['blue', 'prod'], 'the scenario server')
    _check_ports(local_clouds, world, moved)
    _check_volumes(local_clouds, world, moved, boot)
    [group] = world.dst.compute.get('/os-server-groups', microversion='2.64'
                                    ).json()['server_groups']
    assert (group['name'], group['policy'], group['members']) == (
        'sc-group', 'anti-affinity', [dst_id])

    # the boot disk: the source disk's bytes at stop time (nothing wrote
    # to the source's disk since: the fake driver's boot does not)
    expected = local_clouds.read_disk('src', world.server.id)
    assert local_clouds.read_disk('dst', dst_id, 0, len(expected)) == \
        expected
    if boot == 'volume':
        assert _zeros(local_clouds, 'dst', dst_id, len(expected))

    source = world.src.compute.get_server(world.server.id)
    # present, never deleted; running again unless left stopped
    assert source.status == ('SHUTOFF' if boot == 'volume' else 'ACTIVE')

    def ours(conn):
        return [i.id for i in conn.image.images()
                if i.name.startswith('osmigcfg-cut-')]

    assert ours(world.src) == []  # the source snapshot is cleaned up
    if boot == 'volume':
        assert not moved['image'] and ours(world.dst) == []
    else:  # the snapshot's copy is the server's image
        assert ours(world.dst) == [moved['image']['id']]

