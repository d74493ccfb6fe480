"""The cinder volume type.

A volume's ``migration.volume_type`` and ``migration.availability_zone``
map it to the destination's names.  Volumes whose data is copied are
created by ``copy`` from the transferred bytes (cinder has no "write into
a volume" API) with the same :meth:`Volume.create_body`, so ``import``
only creates the empty volumes of ``copy_data: false`` entries.
"""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.resources import BOOL
from osmigcfg.crosscloud.resources import COPY_DATA
from osmigcfg.crosscloud.resources import DICT
from osmigcfg.crosscloud.resources import INT
from osmigcfg.crosscloud.resources import Knob
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import ResourceType
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types import cinder
from osmigcfg.crosscloud.writing import body_of


@register
class Volume(ResourceType):
    type = 'volume'
    service = 'block-storage'
    file = 'volumes.yaml'
    marker_field = 'name'
    own_project_only = True
    has_data = True
    depends_on = ('project',)
    quota = ('volume', 'volumes')
    params = (
        Param('name'),
        Param('description'),
        Param('size', INT, required=True, updatable=False),
        Param('volume_type', updatable=False),
        Param('availability_zone', updatable=False),
        Param('bootable', BOOL),
        Param('multiattach', BOOL, updatable=False),
        Param('metadata', DICT),
    )
    info = ('id', 'status', 'project_id', 'snapshot_id', 'source_volid',
            'encrypted', 'created_at')
    knobs = (
        Knob('volume_type', None,
             help='the destination volume type (default: params.volume_type)'),
        Knob('availability_zone', None,
             help='the destination zone (default: params.availability_zone)'),
        COPY_DATA,
    )

    def list_visible(self, conn, scope):
        return cinder.list_cinder(conn, scope, '/volumes/detail', 'volumes')

    def source_name(self, raw):
        return raw.get('name') or f'unnamed-{raw["id"][:8]}'

    def export_params(self, raw, refs):
        params = super().export_params(raw, refs)
        params['bootable'] = str(raw.get('bootable')).lower() == 'true'
        return params

    def export_info(self, raw):
        info = super().export_info(raw)
        image = raw.get('volume_image_metadata') or {}
        if image.get('image_id'):
            info['image'] = {'id': image['image_id'],
                             'name': image.get('image_name')}
        attached = [a.get('server_id') for a in raw.get('attachments') or ()]
        if attached:
            info['attached_to'] = attached
        return info

    def effective_params(self, entry):
        """params with the volume type and zone knobs applied."""
        params = dict(entry.params)
        for knob in ('volume_type', 'availability_zone'):
            if self.knob(entry, knob):
                params[knob] = self.knob(entry, knob)
        return params

    def quota_need(self, want):
        """A volume, and its size in the gigabytes quota."""
        return super().quota_need(want) + [
            (('volume', 'gigabytes'), want.get('size') or 0)]

    def deferred_by(self, entry):
        if self.knob(entry, 'copy_data'):
            return 'created by copy (with its data)'
        return None

    def create_body(self, want):
        """The ``POST /volumes`` body (import's and copy's): ``bootable``
        is set by an action after the create."""
        return body_of(self, want, ('bootable',))

    def create(self, w, want, entry):
        found = w.send('block_storage', 'POST', '/volumes', 'create volume',
                       {'volume': self.create_body(want)})['volume']
        w.record('created', dst_id=found['id'])
        cinder.wait_volume(w.conn, found['id'], f'volume {entry.name}')
        if want.get('bootable'):
            cinder.set_bootable(w.conn, found['id'], True)
        return found['id']

    def update(self, w, dst_id, changed, want, entry):
        changed = dict(changed)
        if 'bootable' in changed:
            cinder.set_bootable(w.conn, dst_id, changed.pop('bootable'))
        body = body_of(self, changed)
        if body:
            w.send('block_storage', 'PUT', f'/volumes/{dst_id}',
                   'update volume', {'volume': body})

    def find_marked(self, w, marker):
        found = api.list_json(w.conn.block_storage, '/volumes', 'volumes',
                              'list volumes', {'name': marker})
        return found[0]['id'] if found else None
