"""Bench: copy a 1 GiB image from one real glance to another.

Run: ``python bench/bench_crosscloud_copy.py [--mib 1024]`` (needs the
local clouds' virtualenv and RabbitMQ, see doc/source/user/sandbox.md; it starts and
stops its own :class:`~osmigcfg.sandbox.clouds.LocalClouds`).  Measured in
the same run, on the same clouds:

* **ceiling**: the slower of a plain download from the source glance
  (bytes discarded) and a plain upload of as many bytes to the
  destination glance: no copy between two glances can beat it;
* **osmigcfg**: ``osmigcfg.crosscloud.copy.transfer.stream_image`` (download
  streamed into the upload, SHA-512 computed on the way, then the
  source/stream/destination check), in a child process: its RSS when the
  copy starts (after imports and connections) against its peak RSS;
* **os-migrate's way**: download the image to a file, then upload the file.

Each is measured ``--rounds`` times, interleaved, each from a settled page
cache (``sync`` first: the glance stores write every byte), and the best
round counts (the 2-core box is noisy: the clouds' periodic tasks).  It prints MB/s for each, osmigcfg /
ceiling (target >= 0.9), osmigcfg / os-migrate's way, and the copying
process's peak RSS growth (target: flat, < 100 MB).  Setup (starting the
clouds, uploading the source) is not timed.  The bench prints figures;
it is not a timed test.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.copy import transfer
from osmigcfg.sandbox import clouds

MiB = 1024 * 1024
OCTETS = {'Content-Type': 'application/octet-stream'}
CHILD = r'''
import json, os, resource, sys, time, warnings
warnings.filterwarnings('ignore')
import openstack.config.loader, openstack.connection
from osmigcfg.crosscloud.copy import transfer
args = json.loads(sys.argv[1])
def connect(name):
    cfg = openstack.config.loader.OpenStackConfig(
        config_files=[args['clouds_yaml']], vendor_files=[], secure_files=[])
    return openstack.connection.Connection(config=cfg.get_one(cloud=name))
src, dst = connect('src-admin'), connect('dst-admin')
src.image.get_endpoint(); dst.image.get_endpoint()
def rss_mb():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20
base = rss_mb()
usage0 = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = usage0.ru_utime + usage0.ru_stime
began = time.perf_counter()
digest = transfer.stream_image(src, args['src'], dst, args['dst'], 'sha512')
seconds = time.perf_counter() - began
usage = resource.getrusage(resource.RUSAGE_SELF)
peak = usage.ru_maxrss / 1024
print(json.dumps({'seconds': seconds, 'digest': digest,
                  'rss_base_mb': base, 'rss_peak_mb': peak,
                  'cpu': usage.ru_utime + usage.ru_stime - cpu0}))
'''


def _cpu_seconds(pids):
    """User + system CPU seconds of processes (from /proc)."""
    total = 0
    for pid in pids:
        try:
            with open(f'/proc/{pid}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf('SC_CLK_TCK')


def _glance_cpu(sandbox):
    """``{cloud: CPU seconds so far}`` of each cloud's glance API."""
    return {label.split()[0]: _cpu_seconds(proc.pids())
            for label, proc in sandbox.processes().items()
            if label.endswith(' glance')}


def _record(conn, name):
    return api.send_json(conn.image, 'POST', '/images', 'create image', {
        'name': name, 'disk_format': 'raw', 'container_format': 'bare'})


def _upload(conn, image_id, chunks):
    api.send_raw(conn.image, 'PUT', f'/images/{image_id}/file',
                 'upload image', data=chunks, headers=OCTETS)


def _random_chunks(size):
    block = os.urandom(MiB)
    for index in range(size // MiB):
        yield block[index % 997:] + block[:index % 997]


def _timed(func):
    """Seconds ``func()`` takes, from a settled page cache: the glance
    stores write every byte, and writeback of an earlier measurement's
    gigabyte would otherwise slow whichever runs next."""
    os.sync()
    time.sleep(1)
    began = time.perf_counter()
    func()
    return time.perf_counter() - began


def _download(conn, image_id, sink):
    response = conn.image.request(f'/images/{image_id}/file', 'GET',
                                  stream=True)
    for chunk in response.iter_content(MiB):
        sink(chunk)


def _os_migrate_way(src, dst, image_id):
    """Download to a file, then upload the file (one hop at a time)."""
    with tempfile.NamedTemporaryFile(dir=os.environ.get('TMPDIR')) as f:
        _download(src, image_id, f.write)
        f.flush()
        f.seek(0)
        target = _record(dst, 'bench-os-migrate')
        _upload(dst, target['id'], iter(lambda: f.read(MiB), b''))
    return target['id']


def _streamed(sandbox, source, target):
    args = json.dumps({'clouds_yaml': str(sandbox.clouds_yaml),
                       'src': source, 'dst': target})
    out = subprocess.run([sys.executable, '-c', CHILD, args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _round(sandbox, src, dst, source, size):
    """One round of every measurement; temporary images are deleted."""
    made = []
    down = _timed(lambda: _download(src, source['id'], len))
    plain = _record(dst, 'bench-plain-upload')
    made.append(plain['id'])
    up = _timed(lambda: _upload(dst, plain['id'], _random_chunks(size)))
    target = _record(dst, 'bench-streamed')
    made.append(target['id'])
    os.sync()
    time.sleep(1)
    before = _glance_cpu(sandbox)
    child = _streamed(sandbox, source['id'], target['id'])
    after_cpu = _glance_cpu(sandbox)
    after = dst.image.get(f'/images/{target["id"]}').json()
    transfer.verify('bench image', source, child['digest'], after)
    osm_id = []
    osm = _timed(lambda: osm_id.append(_os_migrate_way(src, dst,
                                                       source['id'])))
    made += osm_id
    for image_id in made:
        api.send_json(dst.image, 'DELETE', f'/images/{image_id}', 'delete')
    return {'download': down, 'upload': up, 'streamed': child['seconds'],
            'os_migrate': osm, 'rss_base_mb': child['rss_base_mb'],
            'rss_peak_mb': child['rss_peak_mb'],
            'cpu_src': after_cpu['src'] - before['src'],
            'cpu_dst': after_cpu['dst'] - before['dst'],
            'cpu_copier': child['cpu']}


def run(size, rounds):
    """Measure everything (module doc); return the best round's figures."""
    with clouds.LocalClouds(nova=False) as sandbox:
        src = sandbox.connect('src', admin=True)
        dst = sandbox.connect('dst', admin=True)
        source = _record(src, 'bench-source')
        _upload(src, source['id'], _random_chunks(size))
        source = src.image.get(f'/images/{source["id"]}').json()
        found = [_round(sandbox, src, dst, source, size)
                 for _ in range(rounds)]
    best = {k: min(r[k] for r in found) for k in found[0]}
    fastest = min(found, key=lambda r: r['streamed'])
    best.update({k: fastest[k] for k in ('cpu_src', 'cpu_dst',
                                         'cpu_copier')})
    best['rss_base_mb'] = min(r['rss_base_mb'] for r in found)
    best['rss_peak_mb'] = max(r['rss_peak_mb'] for r in found)
    best['rss_growth_mb'] = max(r['rss_peak_mb'] - r['rss_base_mb']
                                for r in found)
    best.update(size=size, rounds=rounds, each=found)
    return best


def report(figures):
    mb = figures['size'] / 1e6
    rate = {k: mb / figures[k] for k in ('download', 'upload', 'streamed',
                                         'os_migrate')}
    ceiling = min(rate['download'], rate['upload'])
    growth = figures['rss_growth_mb']
    print(f'image: {figures["size"] / MiB:.0f} MiB, best of '
          f'{figures["rounds"]} rounds; verified: size and SHA-512 source = '
          'stream = destination, MD5 source = destination')
    for index, one in enumerate(figures['each'], 1):
        print(f'  round {index}: upload {mb / one["upload"]:.0f}, streamed '
              f'{mb / one["streamed"]:.0f}, os-migrate '
              f'{mb / one["os_migrate"]:.0f} MB/s')
    print(f'plain glance download:       {rate["download"]:8.1f} MB/s')
    print(f'plain glance upload:         {rate["upload"]:8.1f} MB/s')
    print(f'ceiling (slower of the two): {ceiling:8.1f} MB/s')
    print(f'osmigcfg streamed copy:      {rate["streamed"]:8.1f} MB/s  '
          f'({figures["streamed"]:.1f} s)')
    print(f"os-migrate's way (file):     {rate['os_migrate']:8.1f} MB/s  "
          f'({figures["os_migrate"]:.1f} s)')
    print(f'osmigcfg / ceiling:          {rate["streamed"] / ceiling:8.2f}'
          '  (target >= 0.9)')
    print(f"osmigcfg / os-migrate's way: "
          f'{rate["streamed"] / rate["os_migrate"]:8.2f}')
    busy = (figures['cpu_src'] + figures['cpu_dst'] + figures['cpu_copier']
            ) / figures['streamed']
    print(f'CPU during the streamed copy: source glance '
          f'{figures["cpu_src"]:.1f} s, destination glance '
          f'{figures["cpu_dst"]:.1f} s, copier {figures["cpu_copier"]:.1f} s'
          f' = {busy:.2f} of {os.cpu_count()} cores busy')
    print(f'copying process RSS:         {figures["rss_base_mb"]:.0f} MB '
          f'at start, {figures["rss_peak_mb"]:.0f} MB peak (+{growth:.0f} '
          'MB at most; target < 100)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--mib', type=int, default=1024,
                        help='image size in MiB (default 1024)')
    parser.add_argument('--rounds', type=int, default=3,
                        help='rounds of every measurement (default 3)')
    args = parser.parse_args()
    report(run(args.mib * MiB, args.rounds))


if __name__ == '__main__':
    main()
