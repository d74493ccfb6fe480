"""Export from a real cloud whose catalog has keystone, glance and neutron
only (an edge cloud: no cinder, no nova).

The ``src`` keystone gets a second region holding only the identity,
image and network endpoints of the same services; a clouds.yaml entry
for src's admin in that region sees exactly such a cloud.
"""

import stat

import pytest
import yaml

from osmigcfg.crosscloud import api
from osmigcfg.sandbox.clouds import config
from tests.cli_runner import run_cli

pytestmark = pytest.mark.clouds
EDGE_SERVICES = ('identity', 'image', 'network')


@pytest.fixture
def edge_cloud(local_clouds, tmp_path, cleanup, unique_name):
    """The path of a clouds.yaml whose entry ``edge`` lacks cinder/nova."""
    admin = local_clouds.connect('src', admin=True)
    region = admin.identity.create_region(id=f'edge-{unique_name}')
    cleanup(lambda: admin.identity.delete_region(region))
    kinds = {s.id: s.type for s in admin.identity.services()}
    for endpoint in list(admin.identity.endpoints()):
        if kinds.get(endpoint.service_id) in EDGE_SERVICES and \
                endpoint.interface == 'public' and \
                endpoint.region_id == config.REGION:
            made = admin.identity.create_endpoint(
                service_id=endpoint.service_id, interface='public',
                url=endpoint.url, region_id=region.id)
            cleanup(lambda e=made: admin.identity.delete_endpoint(e))
    entries = yaml.safe_load(local_clouds.clouds_yaml.read_text())['clouds']
    path = tmp_path / 'clouds.yaml'
    path.write_text(yaml.safe_dump({'clouds': {'edge': dict(
        entries['src-admin'], region_name=region.id)}}))
    return path


def test_export_of_a_keystone_glance_neutron_cloud_skips_the_rest(
        local_clouds, edge_cloud, tmp_path, capsys, monkeypatch, cleanup,
        unique_name):
    admin = local_clouds.connect('src', admin=True)
    image = api.send_json(admin.image, 'POST', '/images', 'create image', {
        'name': unique_name, 'disk_format': 'raw', 'container_format': 'bare',
        'hw_disk_bus': 'scsi', 'password': 's3cr3t-edge'})
    cleanup(lambda: api.send_json(admin.image, 'DELETE',
                                  f'/images/{image["id"]}', 'delete image'))
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(edge_cloud))
    out_dir = tmp_path / 'exported'
    status, out, err = run_cli(capsys, '--os-cloud', 'edge', 'export',
                               str(out_dir), '--name', unique_name,
                               '-f', 'value')
    assert status == 0, err
    assert 'Traceback' not in err and 'cannot reach' not in err
    skipped = sorted(line.split(':')[0].split(' ', 2)[2]
                     for line in err.splitlines() if ' XCL404 ' in line)
    assert skipped == ['flavor', 'keypair', 'quota volume', 'server',
                       'server_group', 'volume', 'volume_snapshot']
    secret_lines = [line for line in err.splitlines() if ' XCL405 ' in line]
    assert secret_lines == [
        f'warning XCL405 image {unique_name}: params.properties.password: '
        'looks like a secret; left out of the document (set the secret in '
        'the destination yourself)']
    images = (out_dir / 'images.yaml').read_text()
    assert 's3cr3t' not in images + out + err
    entry = yaml.safe_load(images)['resources'][0]
    assert entry['params']['properties'] == {'hw_disk_bus': 'scsi'}
    assert entry['info']['left_out'] == ['params.properties.password']
    quotas = yaml.safe_load((out_dir / 'quotas.yaml').read_text())
    assert set(quotas['resources'][0]['params']) == {'project', 'network'}
    assert {stat.S_IMODE(p.stat().st_mode) for p in out_dir.iterdir()} == {
        0o600}
