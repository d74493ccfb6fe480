"""Bench: cut image-booted servers over between two whole local clouds.

Run: ``python bench/bench_cutover.py [--mib 1024] [--batch 10]`` (needs
the local clouds' virtualenv and RabbitMQ, see doc/source/user/sandbox.md;
it starts and stops its own :class:`~osmigcfg.sandbox.clouds.LocalClouds`
with Nova).  Measured in the same run, on the same clouds:

* **downtime**: ``cutover_servers`` of an image-booted server whose disk
  holds ``--mib`` MiB, from its source SHUTOFF to its destination ACTIVE
  (the figure the report gives), and the same for a server with a
  ``--mib`` MiB data volume (a small boot disk);
* **floor**: the time Nova takes to snapshot that stopped server, plus
  its bytes at the destination glance's upload ceiling (a plain upload
  of as many bytes, timed), plus the time the destination takes to boot
  a server from an image: no cutover through the APIs can do less.
  Target: downtime <= 1.2 x floor;
* **os-migrate's way**: snapshot, download the snapshot to a file, upload
  the file, boot (the same server, stopped): its downtime;
* **batch makespan**: ``--batch`` servers (``--batch-mib`` each) moved with
  ``--parallel 1``, then as many others with ``--parallel 4``.

Setup (starting the clouds, projects, servers, export and import) is not
timed.  The bench prints figures; it is not a timed test.
"""

import argparse
import os
import tempfile
import time
import warnings

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud import export_resources
from osmigcfg.crosscloud import import_documents
from osmigcfg.crosscloud.cutover import run as cutover
from osmigcfg.sandbox import clouds
from osmigcfg.sandbox import servers as sandbox_servers

MiB = 1024 * 1024
OCTETS = {'Content-Type': 'application/octet-stream'}
TIMEOUT = 1800


def _flavor(sandbox, name, disk_gb):
    for cloud in ('src', 'dst'):
        admin = sandbox.connect(cloud, admin=True)
        admin.compute.create_flavor(name=name, vcpus=1, ram=128,
                                    disk=disk_gb, is_public=True)


def _fill(path_of, size):
    """Write ``size`` bytes (1 MiB blocks, each different) into a file."""
    block = os.urandom(MiB)
    with open(path_of, 'r+b' if os.path.exists(path_of) else 'wb') as f:
        for index in range(size // MiB):
            f.write(block[index % 997:] + block[:index % 997])


class Project:
    """A project in both clouds with ``count`` image-booted servers."""

    def __init__(self, sandbox, prefix, count, disk_mib, volume_mib=0):
        self.sandbox = sandbox
        name = f'{prefix}{os.getpid() % 10000}'
        self.src_name = sandbox.add_project('src', name)
        self.dst_name = sandbox.add_project('dst', name)
        self.src = sandbox.connect(self.src_name)
        self.dst = sandbox.connect(self.dst_name)
        image = self.src.image.create_image(
            name=f'{prefix}-image', data=os.urandom(MiB), disk_format='raw',
            container_format='bare', wait=True)
        net = self.src.network.create_network(name=f'{prefix}-net')
        self.src.network.create_subnet(network_id=net.id, ip_version=4,
                                       cidr='10.90.0.0/24',
                                       name=f'{prefix}-sub')
        flavor = self.src.compute.find_flavor('bench.cut',
                                              ignore_missing=False)
        self.servers = []
        for index in range(count):
            port = self.src.network.create_port(network_id=net.id,
                                                name=f'{prefix}-port{index}')
            self.servers.append(self.src.compute.create_server(
                name=f'{prefix}-vm{index}', flavor_id=flavor.id,
                image_id=image.id, networks=[{'port': port.id}]))
        for server in self.servers:
            sandbox_servers.wait_for_status(self.src, server, 'ACTIVE',
                                            timeout=600)
            _fill(sandbox.disk_path('src', server.id),
                  disk_mib * MiB)
        if volume_mib:
            self._attach_volume(prefix, volume_mib)
        self.docs = tempfile.mkdtemp(prefix=f'bench-{prefix}-')
        export_resources(self.src, self.docs, cloud_name=self.src_name)
        imported = import_documents(self.docs, self.dst, self.dst_name)
        assert not imported.report.fails('error'), list(imported.report)

    def _attach_volume(self, prefix, mib):
        server = self.servers[0]
        volume = self.src.block_storage.create_volume(
            name=f'{prefix}-data', size=max(1, -(-mib // 1024)))
        self.src.block_storage.wait_for_status(
            volume, 'available', failures=['error'], interval=0.5,
            wait=TIMEOUT)
        spec = self.sandbox.clouds['src'].spec
        _fill(spec.root / 'state' / 'cinder' / 'volumes' /
              f'volume-{volume.id}', mib * MiB)
        self.src.compute.create_volume_attachment(server,
                                                  volume_id=volume.id)
        self.src.block_storage.wait_for_status(
            volume, 'in-use', failures=['error'], interval=0.5,
            wait=TIMEOUT)

    def cutover(self, parallel=1, **selection):
        """``(seconds, rows)`` of one cutover_servers call."""
        began = time.perf_counter()
        result = cutover.cutover_servers(
            self.docs, parallel=parallel, source=self.src,
            destination=self.dst, source_name=self.src_name,
            destination_name=self.dst_name, **selection)
        seconds = time.perf_counter() - began
        assert not result.report.fails('error'), list(result.report)
        assert {r['outcome'] for r in result.rows} == {'cut over'}, \
            result.rows
        return seconds, result.rows


def _wait_image(conn, image_id):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = conn.image.get(f'/images/{image_id}').json()
        if found['status'] == 'active':
            return found
        if found['status'] in ('killed', 'deleted'):
            raise RuntimeError(f'snapshot {image_id}: {found["status"]}')
        time.sleep(0.2)
    raise RuntimeError(f'snapshot {image_id}: not active in time')


def _snapshot(conn, server_id, name):
    """Seconds Nova takes to snapshot a stopped server, and the image."""
    began = time.perf_counter()
    response = conn.compute.post(
        f'/servers/{server_id}/action', json={'createImage': {'name': name}},
        microversion='2.45')
    image_id = response.json()['image_id']
    image = _wait_image(conn, image_id)
    return time.perf_counter() - began, image


def _record(conn, name):
    return api.send_json(conn.image, 'POST', '/images', 'create image', {
        'name': name, 'disk_format': 'raw', 'container_format': 'bare'})


def _upload(conn, image_id, chunks):
    response = conn.image.put(f'/images/{image_id}/file', data=chunks,
                              headers=OCTETS)
    if response.status_code >= 300:
        raise RuntimeError(f'upload {image_id}: {response.status_code}')


def _random_chunks(size):
    block = os.urandom(MiB)
    for index in range(size // MiB):
        yield block[index % 997:] + block[:index % 997]


def _boot(conn, image_id, name):
    """Seconds from the boot request to ACTIVE (the server is deleted)."""
    flavor = conn.compute.find_flavor('bench.cut', ignore_missing=False)
    net = next(iter(conn.network.networks(name='bench-boot-net')), None) \
        or conn.network.create_network(name='bench-boot-net')
    if not list(conn.network.subnets(network_id=net.id)):
        conn.network.create_subnet(network_id=net.id, ip_version=4,
                                   cidr='10.91.0.0/24')
    began = time.perf_counter()
    server = conn.compute.create_server(name=name, flavor_id=flavor.id,
                                        image_id=image_id,
                                        networks=[{'uuid': net.id}])
    sandbox_servers.wait_for_status(conn, server, 'ACTIVE', timeout=TIMEOUT)
    seconds = time.perf_counter() - began
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=TIMEOUT)
    return seconds


def _settled(func):
    os.sync()
    time.sleep(1)
    began = time.perf_counter()
    value = func()
    return time.perf_counter() - began, value


def floor(project, server, size):
    """Snapshot, upload-ceiling and boot seconds, measured on ``server``
    (stopped for the measurement, started again)."""
    src, dst = project.src, project.dst
    src.compute.stop_server(server)
    sandbox_servers.wait_for_status(src, server, 'SHUTOFF', timeout=TIMEOUT)
    snap_seconds, snap = _snapshot(src, server.id, 'bench-floor-snap')
    api.send_json(src.image, 'DELETE', f'/images/{snap["id"]}', 'delete')
    src.compute.start_server(server)
    sandbox_servers.wait_for_status(src, server, 'ACTIVE', timeout=TIMEOUT)
    plain = _record(dst, 'bench-plain-upload')
    upload, _ = _settled(lambda: _upload(dst, plain['id'],
                                         _random_chunks(size)))
    boot = _boot(dst, plain['id'], 'bench-floor-boot')
    api.send_json(dst.image, 'DELETE', f'/images/{plain["id"]}', 'delete')
    return {'snapshot': snap_seconds, 'upload': upload, 'boot': boot,
            'snapshot_bytes': snap.get('size') or 0}


def os_migrate_way(project, server):
    """Snapshot the (stopped) source, download to a file, upload, boot:
    seconds from the snapshot request to ACTIVE."""
    src, dst = project.src, project.dst
    os.sync()
    time.sleep(1)
    began = time.perf_counter()
    _, snap = _snapshot(src, server.id, 'bench-osm-snap')
    with tempfile.NamedTemporaryFile(dir=os.environ.get('TMPDIR')) as f:
        response = src.image.request(f'/images/{snap["id"]}/file', 'GET',
                                     stream=True)
        for chunk in response.iter_content(MiB):
            f.write(chunk)
        f.flush()
        f.seek(0)
        target = _record(dst, 'bench-osm-copy')
        _upload(dst, target['id'], iter(lambda: f.read(MiB), b''))
    copied = time.perf_counter() - began
    seconds = copied + _boot(dst, target['id'], 'bench-osm-boot')
    api.send_json(src.image, 'DELETE', f'/images/{snap["id"]}', 'delete')
    api.send_json(dst.image, 'DELETE', f'/images/{target["id"]}', 'delete')
    return seconds


def run(args):
    """Measure everything (module doc)."""
    figures = {'mib': args.mib, 'batch': args.batch,
               'batch_mib': args.batch_mib}
    size = args.mib * MiB
    with clouds.LocalClouds() as sandbox:
        _flavor(sandbox, 'bench.cut', max(1, -(-args.mib // 1024) + 1))
        one = Project(sandbox, 'bc', 1, args.mib)
        server = one.servers[0]
        figures['floor'] = floor(one, server, size)
        _, rows = one.cutover(names=[server.name])
        figures['downtime'] = rows[0]['downtime']
        figures['os_migrate'] = os_migrate_way(one, server)
        if not args.no_volume:
            vol = Project(sandbox, 'bv', 1, 1, volume_mib=args.mib)
            figures['volume_floor'] = floor(vol, vol.servers[0], size)
            try:
                _, rows = vol.cutover(every=True)
                figures['volume_downtime'] = rows[0]['downtime']
            except AssertionError as e:  # a failed cutover: say why
                figures['volume_error'] = str(e)
        print(f'measured: {figures}', flush=True)
        if args.batch:
            for parallel in (1, 4):
                batch = Project(sandbox, f'bp{parallel}', args.batch,
                                args.batch_mib)
                seconds, rows = batch.cutover(parallel=parallel, every=True)
                figures[f'makespan_{parallel}'] = seconds
                figures[f'downtimes_{parallel}'] = [r['downtime']
                                                    for r in rows]
    return figures


def _floor_line(label, found, downtime):
    total = found['snapshot'] + found['upload'] + found['boot']
    print(f'{label}: floor {total:.1f} s = snapshot {found["snapshot"]:.1f}'
          f' + upload at the glance ceiling {found["upload"]:.1f} + boot '
          f'{found["boot"]:.1f}')
    print(f'{label}: osmigcfg downtime {downtime:.1f} s = '
          f'{downtime / total:.2f} x floor (target <= 1.2)')
    return total


def report(figures):
    print(f'disk: {figures["mib"]} MiB; batch: {figures["batch"]} servers of '
          f'{figures["batch_mib"]} MiB; {os.cpu_count()} cores')
    total = _floor_line('image-booted server', figures['floor'],
                        figures['downtime'])
    print(f"image-booted server: os-migrate's way (snapshot, download to a "
          f'file, upload, boot) {figures["os_migrate"]:.1f} s = '
          f'{figures["os_migrate"] / total:.2f} x floor; osmigcfg / '
          f"os-migrate's way {figures['downtime'] / figures['os_migrate']:.2f}")
    if figures.get('volume_error'):
        print(f'with a data volume: the cutover failed: '
              f'{figures["volume_error"]}')
    elif 'volume_floor' in figures:
        _floor_line('with a data volume', figures['volume_floor'],
                    figures['volume_downtime'])
    if figures.get('makespan_1'):
        one, four = figures['makespan_1'], figures['makespan_4']
        print(f'batch of {figures["batch"]}: makespan --parallel 1 {one:.1f}'
              f' s, --parallel 4 {four:.1f} s; ratio {one / four:.2f}')
        for parallel in (1, 4):
            downs = figures[f'downtimes_{parallel}']
            print(f'batch --parallel {parallel}: downtime per server '
                  f'{min(downs):.1f}..{max(downs):.1f} s')


def main():
    warnings.filterwarnings('ignore')
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--mib', type=int, default=1024,
                        help='the disk (and data volume) in MiB '
                             '(default 1024)')
    parser.add_argument('--batch', type=int, default=10,
                        help='servers in each batch (default 10; 0: none)')
    parser.add_argument('--batch-mib', type=int, default=16,
                        help="each batch server's disk in MiB (default 16)")
    parser.add_argument('--no-volume', action='store_true',
                        help='skip the server with a data volume')
    report(run(parser.parse_args()))


if __name__ == '__main__':
    main()
