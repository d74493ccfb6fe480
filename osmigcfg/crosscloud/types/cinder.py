"""What the cinder types share: listing across projects, waiting for a
volume, its ``bootable`` flag.

:mod:`.volume` and :mod:`.volume_snapshot` use it, and so does the data
copy (:mod:`osmigcfg.crosscloud.copy.storage_ops`).
"""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud import waits

VOLUME_READY = ('available',)
VOLUME_FAILED = ('error', 'error_restoring', 'error_extending')


def _volume_owner(raw, scope):
    # only admins see the owner; a member lists only its own volumes
    return raw.get('os-vol-tenant-attr:tenant_id') or scope.current_project_id


def list_cinder(conn, scope, path, key):
    """A cinder listing, every exported project's when the credential is
    an admin (each item with its ``project_id``)."""
    query = {'all_tenants': 1} if scope.is_admin and (
        scope.project_ids is None
        or scope.project_ids != {scope.current_project_id}) else None
    items = api.list_json(conn.block_storage, path, key, f'list {key}',
                          query)
    for item in items:
        item.setdefault('project_id', _volume_owner(item, scope))
    return items


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
