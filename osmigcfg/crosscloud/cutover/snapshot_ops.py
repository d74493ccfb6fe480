"""The boot disk of an image-booted server: snapshot, stream, boot volume.

Nova has no disk export, but it snapshots a stopped server into glance
(``createImage``; a real driver uploads the disk's bytes).  osmigcfg's
images and volumes of a cutover are found again by name, so a resumed
run looks before it creates: the snapshot in the source and its copy in
the destination are named ``osmigcfg-cut-<source server id>`` (and carry
``osmigcfg_cutover: <id>``), the boot volume of ``boot: volume`` is
``<server>-boot`` with metadata ``osmigcfg_cutover: <id>``.  Only those
are ever deleted here.
"""

import logging
import math

from osmigcfg import exceptions
from osmigcfg.crosscloud import api
from osmigcfg.crosscloud import waits
from osmigcfg.crosscloud.copy import storage_ops as ops
from osmigcfg.crosscloud.cutover import nova_ops
from osmigcfg.crosscloud.types import cinder
from osmigcfg.crosscloud.types import nova

LOG = logging.getLogger(__name__)
GiB = 1024 ** 3
MARK = 'osmigcfg_cutover'
#: glance fields a snapshot's destination copy keeps
KEPT = ('disk_format', 'container_format', 'min_disk', 'min_ram')


def image_name(src_id):
    """The name of a server's snapshot and of its destination copy."""
    return f'osmigcfg-cut-{src_id}'


def _images(conn, name):
    return api.list_json(conn.image, '/images', 'images', 'list images',
                         {'name': name})


def snapshot(step, src, spec, timeout):
    """The source server's snapshot (taken now, or a killed run's)."""
    name = image_name(spec['src_id'])
    for found in _images(src, name):
        if found['status'] in ('active', 'queued', 'saving'):
            step.record('waiting-snapshot', image=found['id'])
            return _wait_active(src, found['id'], timeout)
        ops.delete_image(src, found['id'])
    step.record('snapshotting')
    answer = nova.session(src).write(
        'POST', f'/servers/{spec["src_id"]}/action', 'snapshot server',
        {'createImage': {'name': name, 'metadata': {
            MARK: spec['src_id']}}})
    image_id = (answer.body or {}).get('image_id')
    if not image_id:  # microversions before 2.45 answer with a Location
        image_id = next(i['id'] for i in _images(src, name))
    step.record('snapshot-taken', image=image_id)
    return _wait_active(src, image_id, timeout)


def _wait_active(conn, image_id, timeout):
    return waits.wait_status(lambda: ops.image(conn, image_id), ('active',),
                             ('killed', 'deleted', 'deactivated'),
                             f'snapshot {image_id}', timeout)


def check_fits(dst, spec, snap):
    """Refuse a snapshot the destination flavor's disk cannot hold."""
    flavor = nova_ops.flavor(dst, spec['flavor_id'])
    disk = flavor.get('disk') or 0
    need = max(int(snap.get('min_disk') or 0),
               math.ceil((snap.get('size') or 0) / GiB))
    if spec['boot'] == 'snapshot' and disk and need > disk:
        raise exceptions.CrossCloudFailed(
            f'server {spec["name"]}: the destination flavor '
            f'{flavor.get("name")!r} has a {disk} GiB disk, the snapshot '
            f'needs {need} GiB (size {snap.get("size")} bytes, min_disk '
            f'{snap.get("min_disk") or 0}): give params.flavor a flavor '
            'with a bigger disk, or set migration.boot: volume')
    return flavor


def image_body(spec, snap):
    """The destination record of a snapshot's copy."""
    body = {k: snap[k] for k in KEPT if snap.get(k) is not None}
    body.update(name=image_name(spec['src_id']), visibility='private')
    body[MARK] = spec['src_id']
    return body


def transfer(step, src, dst, spec, snap):
    """Stream the snapshot into its destination copy (found again)."""
    name = image_name(spec['src_id'])
    dst_id, outcome, digest = ops.copy_image_bytes(
        step, src, dst, snap, ops.find_temp_image(dst, name, snap), True,
        image_body(spec, snap))
    return dict(ops.digest_fields(digest), image_id=dst_id, action=outcome)


def delete_images(conn, src_id):
    """Delete a cutover's images of ``src_id`` (the name is ours)."""
    for found in _images(conn, image_name(src_id)):
        ops.delete_image(conn, found['id'])


def volume_name(spec):
    return f'{spec["dst_name"]}-boot'


def find_boot_volume(dst, spec):
    """The boot volume a cutover of ``spec`` made (or None)."""
    for found in api.list_json(dst.block_storage, '/volumes/detail',
                               'volumes', 'list volumes',
                               {'name': volume_name(spec)}):
        if (found.get('metadata') or {}).get(MARK) == spec['src_id'] and \
                found['status'] not in ('error', 'deleting'):
            return found
    return None


def boot_volume_size(spec, flavor, image):
    """GiB: ``migration.boot_volume_size``, else the flavor's disk, at
    least what the image needs."""
    need = max(int(image.get('min_disk') or 0),
               math.ceil((image.get('size') or 0) / GiB), 1)
    wanted = spec.get('boot_volume_size') or flavor.get('disk') or need
    if wanted < need:
        raise exceptions.CrossCloudFailed(
            f'server {spec["name"]}: a {wanted} GiB boot volume cannot hold '
            f'the snapshot ({need} GiB): raise migration.boot_volume_size')
    return wanted


def boot_volume(step, dst, spec, image_id, size, timeout):
    """A bootable destination volume from the snapshot's copy."""
    found = find_boot_volume(dst, spec)
    if found is None:
        step.record('creating-volume')
        found = api.send_json(dst.block_storage, 'POST', '/volumes',
                              'create boot volume', {'volume': {
                                  'name': volume_name(spec), 'size': size,
                                  'imageRef': image_id,
                                  'metadata': {MARK: spec['src_id']}}}
                              )['volume']
    step.record('volume', volume=found['id'], image=image_id)
    cinder.wait_volume(dst, found['id'], f'boot volume of {spec["name"]}',
                       timeout)
    cinder.set_bootable(dst, found['id'], True)
    return found['id']


def delete_boot_volume(dst, spec, timeout):
    """Delete the boot volume a cutover made, once nothing holds it."""
    found = find_boot_volume(dst, spec)
    if found is None:
        return
    if found['status'] not in ('available', 'error'):
        cinder.wait_volume(dst, found['id'], 'boot volume to be released',
                           timeout)
    ops.delete_volume(dst, found['id'])
