"""The cinder volume snapshot type.

The snapshot of a copied volume is made by ``copy`` once the volume's
data is there (:meth:`VolumeSnapshot.create_body`); ``import`` makes the
snapshots of volumes that exist.
"""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud import waits
from osmigcfg.crosscloud.resources import DICT
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import ResourceType
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types import cinder
from osmigcfg.crosscloud.writing import body_of


@register
class VolumeSnapshot(ResourceType):
    type = 'volume_snapshot'
    service = 'block-storage'
    file = 'volume_snapshots.yaml'
    own_project_only = True
    has_data = True
    depends_on = ('volume',)
    quota = ('volume', 'snapshots')
    params = (
        Param('name', required=True),
        Param('description'),
        Param('volume', api='volume_id', ref='volume', required=True,
              updatable=False),
        Param('metadata', DICT),
    )
    info = ('id', 'status', 'size', 'project_id', 'created_at')

    def list_visible(self, conn, scope):
        return cinder.list_cinder(conn, scope, '/snapshots/detail',
                                  'snapshots')

    def owner(self, raw):
        return raw.get('os-extended-snapshot-attributes:project_id') or raw.get(
            'project_id')

    def create_body(self, want):
        """The ``POST /snapshots`` body without its volume (import adds
        the volume's id; copy adds the copied volume's)."""
        return body_of(self, want, ('volume',))

    def create(self, w, want, entry):
        body = dict(body_of(self, want), force=True)
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

    def update(self, w, dst_id, changed, want, entry):
        body = body_of(self, changed)
        if body:
            w.send('block_storage', 'PUT', f'/snapshots/{dst_id}',
                   'update snapshot', {'snapshot': body})
