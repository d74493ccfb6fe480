"""Helpers for the import/copy/cutover tests against the local clouds.

Volumes are read byte for byte from the sandbox's file-backed cinder
driver (``<cloud root>/state/cinder/volumes/volume-<id>``); images are
downloaded and hashed.  Nothing here changes osmigcfg's behaviour.
"""

import hashlib
import json
import os
import pathlib
import subprocess
import sys
import uuid

import yaml

from osmigcfg import crosscloud
from tests.crosscloud import scenario

OSMIGCFG = pathlib.Path(sys.executable).parent / 'osmigcfg'
MiB = 1024 * 1024


def new_project(local_clouds, prefix):
    """A fresh project (same name) in src and dst: ``(name, src, dst)``."""
    name = f'{prefix}{uuid.uuid4().hex[:6]}'
    return name, local_clouds.add_project('src', name), \
        local_clouds.add_project('dst', name)


def new_project_with_types(local_clouds, prefix):
    """:func:`new_project`, with volume type ``gold`` in src and ``silver``
    in dst (what the documents are edited to map)."""
    project = new_project(local_clouds, prefix)
    scenario.ensure_volume_type(local_clouds.connect('src', admin=True),
                                'gold')
    scenario.ensure_volume_type(local_clouds.connect('dst', admin=True),
                                'silver')
    return project


def write_bad_documents(docs, secret_volume):
    """Spoil ``docs`` four ways: invalid YAML, an unknown resource type,
    another format version, and a secret in ``secret_volume``'s metadata."""
    (docs / 'broken.yaml').write_text('resources: [\n')
    (docs / 'lbs.yaml').write_text(yaml.safe_dump({
        'osmigcfg_crosscloud_version': 1, 'type': 'loadbalancer',
        'resources': []}))
    text = (docs / 'images.yaml').read_text()
    (docs / 'images.yaml').write_text(text.replace(
        'osmigcfg_crosscloud_version: 1', 'osmigcfg_crosscloud_version: 2'))
    edit(docs, 'volumes.yaml', lambda rs: by_name(rs, secret_volume)[
        'params']['metadata'].update(api_token='s3cr3t-t0ken'))


def volume_path(local_clouds, cloud, volume_id):
    """The file the sandbox's cinder keeps a volume's bytes in."""
    spec = local_clouds.clouds[cloud].spec
    return spec.root / 'state' / 'cinder' / 'volumes' / f'volume-{volume_id}'


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(MiB), b''):
            digest.update(chunk)
    return digest.hexdigest()


def image_sha256(conn, image_id):
    digest = hashlib.sha256()
    response = conn.image.get(f'/images/{image_id}/file', stream=True)
    for chunk in response.iter_content(MiB):
        digest.update(chunk)
    return digest.hexdigest()


def build_storage(conn, prefix, volume_type, images=1, image_mib=2):
    """Images with properties, one typed bootable volume, its snapshot."""
    made = []
    for index in range(images):
        made.append(conn.image.create_image(
            name=f'{prefix}-image{index or ""}',
            data=os.urandom(image_mib * MiB + index * 4099),
            disk_format='raw', container_format='bare', wait=True,
            hw_disk_bus='scsi', os_distro='cirros', min_ram=64))
    volume = conn.block_storage.create_volume(
        name=f'{prefix}-vol', size=1, volume_type=volume_type,
        image_id=made[0].id, metadata={'tier': 'db'})
    conn.block_storage.wait_for_status(volume, 'available',
                                       failures=['error'], interval=0.3,
                                       wait=120)
    snap = conn.block_storage.create_snapshot(volume_id=volume.id,
                                              name=f'{prefix}-snap')
    conn.block_storage.wait_for_status(snap, 'available', failures=['error'],
                                       interval=0.3, wait=120)
    return made, volume


def build_project(conn, prefix, volume_type, images=1):
    """Every tenant resource type (one volume: they cost 1 GiB each)."""
    scenario.build_network(conn, prefix)
    return build_storage(conn, prefix, volume_type, images)


def export(conn, directory, cloud):
    result = crosscloud.export_resources(conn, directory, cloud_name=cloud)
    assert not [f for f in result.report if f.severity == 'error']
    return result


def edit(directory, filename, func):
    """Load a document, let ``func`` change its resources, write it."""
    path = pathlib.Path(directory) / filename
    data = yaml.safe_load(path.read_text())
    func(data['resources'])
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def by_name(resources, name):
    return next(r for r in resources if r['source']['name'] == name)


def map_volume_type(directory, name, vtype):
    edit(directory, 'volumes.yaml', lambda rs: by_name(rs, name)[
        'migration'].update(volume_type=vtype))


def cli_env(local_clouds, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(local_clouds.env(), **extra)
    return env


def run_osmigcfg(local_clouds, *argv, timeout=600, **env):
    """Run the real ``osmigcfg`` process; ``(status, stdout, stderr)``."""
    proc = subprocess.run([str(OSMIGCFG), *argv], capture_output=True,
                          text=True, timeout=timeout,
                          env=cli_env(local_clouds, **env))
    return proc.returncode, proc.stdout, proc.stderr


def json_rows(text):
    return json.loads(text) if text.strip() else []


def inventory(conn):
    """What a project holds, by kind: names (and counts) to compare runs."""
    pid = conn.current_project_id
    net = conn.network
    return {
        'networks': sorted(n.name for n in net.networks(project_id=pid)),
        'subnets': sorted(s.name for s in net.subnets(project_id=pid)),
        'routers': sorted(r.name for r in net.routers(project_id=pid)),
        'security_groups': sorted(g.name for g in net.security_groups(
            project_id=pid)),
        'rules': len(list(net.security_group_rules(project_id=pid))),
        'ports': sorted((p.name, p.mac_address) for p in net.ports(
            project_id=pid) if not (p.device_owner or '').startswith(
                'network:')),
        'floating_ips': len(list(net.ips(project_id=pid))),
        'images': sorted(i.name for i in conn.image.images(owner=pid)),
        'volumes': sorted(v.name for v in conn.block_storage.volumes()),
        'snapshots': sorted(s.name for s in conn.block_storage.snapshots()),
    }
