"""Glance and cinder writers: image records, volumes, volume snapshots.

``import`` creates an image's *record* (metadata, ``queued``); its bytes
come with ``copy``.  Volumes whose data is copied are created by
``copy`` from the transferred bytes (cinder has no "write into a
volume" API), so ``import`` only creates the empty volumes of
``copy_data: false`` entries, and the snapshots of volumes that exist.
"""

import logging

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.types import storage
from osmigcfg.crosscloud import waits
from osmigcfg.crosscloud.writers import Writer
from osmigcfg.crosscloud.writers import body_of
from osmigcfg.crosscloud.writers import writer

LOG = logging.getLogger(__name__)
PATCH = {'Content-Type': 'application/openstack-images-v2.1-json-patch'}
VOLUME_READY = ('available',)
VOLUME_FAILED = ('error', 'error_restoring', 'error_extending')


def image_body(want, owner=None):
    """A glance create body: core fields plus the flat custom properties."""
    body = {k: v for k, v in want.items()
            if k != 'properties' and v is not None}
    body.update(want.get('properties') or {})
    if owner:
        body['owner'] = owner
    return body


def image_patch(current, changed):
    """JSON-patch operations turning ``current`` into ``changed`` fields."""
    ops = []
    for key, value in changed.items():
        if key == 'properties':
            have = storage.image_properties(current)
            value = value or {}
            for prop in sorted(set(have) | set(value)):
                if prop not in value:
                    ops.append({'op': 'remove', 'path': f'/{prop}'})
                elif have.get(prop) != value[prop]:
                    ops.append({'op': 'add', 'path': f'/{prop}',
                                'value': value[prop]})
        elif value is None:
            if key in current:
                ops.append({'op': 'remove', 'path': f'/{key}'})
        else:
            ops.append({'op': 'replace' if key in current else 'add',
                        'path': f'/{key}', 'value': value})
    return ops


@writer
class ImageWriter(Writer):
    type = 'image'

    def create(self, w, rtype, want, entry):
        found = w.send('image', 'POST', '/images', 'create image',
                       image_body(want, w.target_project))
        w.record('created', dst_id=found['id'])
        return found['id']

    def update(self, w, rtype, dst_id, changed, want, entry):
        current = api.get_json(w.conn.image, f'/images/{dst_id}',
                               'read image')
        ops = image_patch(current, changed)
        if ops:
            w.send('image', 'PATCH', f'/images/{dst_id}', 'update image',
                   ops, headers=PATCH)


def wait_volume(conn, volume_id, what, timeout=600.0):
    """Wait until a volume is available (CrossCloudFailed on error)."""
    return waits.wait_status(
        lambda: api.get_json(conn.block_storage, f'/volumes/{volume_id}',
                             'read volume')['volume'],
        VOLUME_READY, VOLUME_FAILED, what, timeout)


def set_bootable(conn, volume_id, bootable):
    """Set a volume's ``bootable`` flag."""
    api.send_json(conn.block_storage, 'POST',
                  f'/volumes/{volume_id}/action', 'set volume bootable',
                  {'os-set_bootable': {'bootable': bool(bootable)}})


@writer
class VolumeWriter(Writer):
    type = 'volume'
    marker_field = 'name'

    def create(self, w, rtype, want, entry):
        body = body_of(rtype, want, ('bootable',))
        found = w.send('block_storage', 'POST', '/volumes', 'create volume',
                       {'volume': body})['volume']
        w.record('created', dst_id=found['id'])
        wait_volume(w.conn, found['id'], f'volume {entry.name}')
        if want.get('bootable'):
            set_bootable(w.conn, found['id'], True)
        return found['id']

    def update(self, w, rtype, dst_id, changed, want, entry):
        changed = dict(changed)
        if 'bootable' in changed:
            set_bootable(w.conn, dst_id, changed.pop('bootable'))
        body = body_of(rtype, changed)
        if body:
            w.send('block_storage', 'PUT', f'/volumes/{dst_id}',
                   'update volume', {'volume': body})

    def find_marked(self, w, marker):
        found = api.list_json(w.conn.block_storage, '/volumes', 'volumes',
                              'list volumes', {'name': marker})
        return found[0]['id'] if found else None


@writer
class VolumeSnapshotWriter(Writer):
    type = 'volume_snapshot'

    def create(self, w, rtype, want, entry):
        body = dict(body_of(rtype, want), force=True)
        found = w.send('block_storage', 'POST', '/snapshots',
                       'create volume snapshot', {'snapshot': body})
        snap_id = found['snapshot']['id']
        w.record('created', dst_id=snap_id)
        waits.wait_status(
            lambda: api.get_json(w.conn.block_storage,
                                 f'/snapshots/{snap_id}',
                                 'read snapshot')['snapshot'],
            ('available',), ('error',), f'snapshot {entry.name}')
        return snap_id

    def update(self, w, rtype, dst_id, changed, want, entry):
        body = body_of(rtype, changed)
        if body:
            w.send('block_storage', 'PUT', f'/snapshots/{dst_id}',
                   'update snapshot', {'snapshot': body})
