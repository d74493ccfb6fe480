"""Export a project from real ``src``, edit it, import it into real
``dst``, import again (nothing changes), copy the data and verify it byte
for byte, copy again (nothing is redone) — all through ``osmigcfg``.

A member builds every tenant resource type in a fresh project of src
(network, subnet, router with gateway and interface, security groups
with a rule referring to another group, port with a fixed IP, floating
IP, an image with properties, a typed volume made from it, a snapshot).
The edit renames the network and maps the volume type gold -> silver.
"""

import json
import shutil
import types

import pytest

from osmigcfg.crosscloud import state as state_mod
from tests.cli_runner import run_cli
from tests.crosscloud import migration_support as ms

pytestmark = pytest.mark.clouds


@pytest.fixture(scope='module')
def moved(local_clouds, tmp_path_factory):
    """The project exported, edited, imported and copied (CLI calls are
    made by the tests; this only builds and exports)."""
    name, src, dst = ms.new_project_with_types(local_clouds, 'imp')
    src_conn = local_clouds.connect(src)
    images, volume = ms.build_project(src_conn, 'app', 'gold')
    directory = tmp_path_factory.mktemp('moved') / 'docs'
    ms.export(src_conn, directory, src)
    ms.edit(directory, 'networks.yaml', lambda rs: rs[0]['params'].update(
        name='app-net-moved'))
    ms.map_volume_type(directory, 'app-vol', 'silver')
    return types.SimpleNamespace(name=name, src=src, dst=dst, dir=directory,
                                 images=images, volume=volume, state={})


@pytest.fixture
def cli(local_clouds, monkeypatch, capsys):
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(local_clouds.clouds_yaml))
    return lambda *argv: run_cli(capsys, *argv)


def _rows(out):
    return {(r['Type'], r['Name']): r for r in json.loads(out)}


def test_import_creates_every_resource_in_dependency_order(cli, moved,
                                                           local_clouds):
    status, out, err = cli('import', str(moved.dir), '--dst-cloud',
                           moved.dst, '--yes', '-f', 'json')
    assert (status, err) == (0, '')
    rows = _rows(out)
    assert rows[('network', 'app-net-moved')]['Outcome'] == 'created'
    assert rows[('volume', 'app-vol')]['Outcome'] == 'deferred'
    # adopted: created by this import, found again after a 5xx answer
    assert {r['Outcome'] for k, r in rows.items() if k[0] in (
        'subnet', 'router', 'port', 'floating_ip', 'image')} <= {
            'created', 'adopted'}
    dst = local_clouds.connect(moved.dst)
    net = dst.network.find_network('app-net-moved', ignore_missing=False)
    port = dst.network.find_port('app-port', ignore_missing=False)
    assert port.network_id == net.id
    assert [f['ip_address'] for f in port.fixed_ips] == ['10.50.0.20']
    src_port = local_clouds.connect(moved.src).network.find_port(
        'app-port', ignore_missing=False)
    assert port.mac_address == src_port.mac_address  # keep_mac
    [fip] = list(dst.network.ips(port_id=port.id))
    assert fip.fixed_ip_address == '10.50.0.20'
    db = dst.network.find_security_group('app-db', ignore_missing=False)
    web = dst.network.find_security_group('app-web', ignore_missing=False)
    assert [r.remote_group_id for r in dst.network.security_group_rules(
        security_group_id=db.id) if r.protocol == 'tcp'] == [web.id]
    moved.state['inventory'] = ms.inventory(dst)


def test_a_second_import_changes_nothing(cli, moved, local_clouds):
    status, out, err = cli('import', str(moved.dir), '--dst-cloud',
                           moved.dst, '--yes', '-f', 'json')
    assert (status, err) == (0, '')
    outcomes = {r['Outcome'] for r in json.loads(out)}
    assert outcomes <= {'unchanged', 'done', 'deferred'}
    dst = local_clouds.connect(moved.dst)
    assert ms.inventory(dst) == moved.state['inventory']
    status, out, _ = cli('import', 'plan', str(moved.dir), '--dst-cloud',
                         moved.dst, '-f', 'json')
    assert status == 0
    assert {r['Action'] for r in json.loads(out) if r['Type'] not in (
        'volume', 'volume_snapshot')} == {'skip'}


def test_copy_moves_the_data_byte_for_byte(cli, moved, local_clouds):
    status, out, err = cli('copy', str(moved.dir), '--dst-cloud', moved.dst,
                           '-f', 'json')
    assert (status, err) == (0, '')
    rows = _rows(out)
    assert {r['Outcome'] for r in rows.values()} == {'copied'}
    src = local_clouds.connect(moved.src)
    dst = local_clouds.connect(moved.dst)
    image = rows[('image', 'app-image')]['Destination id']
    assert ms.image_sha256(dst, image) == ms.image_sha256(
        src, moved.images[0].id)
    assert dst.image.get_image(image).hash_value == src.image.get_image(
        moved.images[0].id).hash_value
    copied = dst.block_storage.get_volume(rows[('volume', 'app-vol')][
        'Destination id'])
    assert (copied.volume_type, copied.size, copied.metadata) == (
        'silver', 1, {'tier': 'db'})
    assert copied.is_bootable
    assert ms.file_sha256(ms.volume_path(local_clouds, 'dst', copied.id)) \
        == ms.file_sha256(ms.volume_path(local_clouds, 'src',
                                         moved.volume.id))
    [snap] = list(dst.block_storage.snapshots(volume_id=copied.id))
    assert snap.name == 'app-snap'
    leftovers = [i.name for c in (src, dst) for i in c.image.images()
                 if i.name.startswith('osmigcfg-xfer')]
    assert leftovers == []


def test_a_second_copy_redoes_nothing(cli, moved, local_clouds):
    before = ms.inventory(local_clouds.connect(moved.dst))
    status, out, err = cli('copy', str(moved.dir), '--dst-cloud', moved.dst,
                           '-f', 'json')
    assert (status, err) == (0, '')
    assert [(r['Type'], r['Outcome']) for r in json.loads(out)] == [
        ('image', 'already copied')]
    assert ms.inventory(local_clouds.connect(moved.dst)) == before


def test_status_reads_the_journals(cli, moved):
    status, out, _ = cli('status', str(moved.dir), '-f', 'json')
    assert status == 0
    rows = _rows(out)
    assert rows[('volume', 'app-vol')]['Data'] == 'copied'
    assert rows[('image', 'app-image')]['Data'] == 'already copied'
    assert rows[('network', 'app-net-moved')]['Imported'] == 'unchanged'
    assert all(r['Destination id'] for r in rows.values())
    journals = state_mod.StateDir(moved.dir).journals()
    assert [p.rsplit('/', 1)[1].split('-')[0] for p in journals] == [
        'import', 'import', 'copy', 'copy']
    text = ''.join(open(p + '.events.jsonl').read() for p in journals)
    assert 'password' not in text.lower()


def test_bad_input_is_one_line_each_and_creates_nothing(moved, local_clouds,
                                                       tmp_path):
    docs = tmp_path / 'bad'
    shutil.copytree(moved.dir, docs,
                    ignore=shutil.ignore_patterns(state_mod.STATE))
    _, _, fresh = ms.new_project(local_clouds, 'bad')
    ms.write_bad_documents(docs, 'app-vol')
    ms.edit(docs, 'subnets.yaml', lambda rs: rs[0]['params'][
        'network'].update(name='nope'))
    for argv in (('import', '--yes'), ('copy',)):
        status, out, err = ms.run_osmigcfg(
            local_clouds, argv[0], str(docs), '--dst-cloud', fresh,
            *argv[1:])
        lines = err.strip().splitlines()
        assert status == 1, (argv, out, err)
        # the snapshot's volume is refused (a secret): its ref fails too
        assert sorted(line.split()[1] for line in lines) == [
            'XCL101', 'XCL102', 'XCL103', 'XCL109', 'XCL201', 'XCL201'], err
        assert 'Traceback' not in err + out and 's3cr3t' not in err + out
    found = ms.inventory(local_clouds.connect(fresh))
    assert found['security_groups'] == ['default']
    assert not any(v for k, v in found.items() if k not in (
        'security_groups', 'rules'))
    assert not (docs / state_mod.STATE).exists()  # no run was journaled


def test_an_edited_field_is_updated_in_place(cli, moved, local_clouds):
    ms.edit(moved.dir, 'networks.yaml', lambda rs: rs[0]['params'].update(
        mtu=1350, description='moved by osmigcfg'))
    status, out, err = cli('import', str(moved.dir), '--dst-cloud',
                           moved.dst, '--yes', '-f', 'json')
    assert (status, err) == (0, ''), out
    rows = _rows(out)
    assert rows[('network', 'app-net-moved')]['Outcome'] == 'updated'
    assert {r['Outcome'] for k, r in rows.items()
            if k[0] in ('subnet', 'router', 'port')} == {'unchanged'}
    net = local_clouds.connect(moved.dst).network.find_network(
        'app-net-moved', ignore_missing=False)
    assert (net.mtu, net.description) == (1350, 'moved by osmigcfg')
