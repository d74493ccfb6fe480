"""Glance and cinder resource types: images, volumes, volume snapshots.

Images carry their custom properties (``hw_*``, ``os_*`` ...) in
``params.properties``; their size and hashes stay in ``info`` for the data
copy to verify against.  A volume's ``migration.volume_type`` and
``migration.availability_zone`` map it to the destination's names.
"""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.resources import Knob
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import ResourceType
from osmigcfg.crosscloud.resources import register

BOOL, INT, LIST, DICT = (bool,), (int,), (list,), (dict,)
#: glance fields that are not custom properties
IMAGE_CORE = frozenset((
    'id', 'name', 'status', 'visibility', 'protected', 'checksum',
    'os_hash_algo', 'os_hash_value', 'owner', 'size', 'virtual_size',
    'min_ram', 'min_disk', 'disk_format', 'container_format', 'created_at',
    'updated_at', 'tags', 'locations', 'direct_url', 'self', 'file',
    'schema', 'os_hidden', 'stores'))
#: property prefixes describing the source upload, not the image
IMAGE_RUNTIME_PREFIXES = ('os_glance_', 'owner_specified.openstack.')
COPY_DATA = Knob('copy_data', True, kinds=(bool,),
                 help='copy the data (false: create the record only)')


def image_properties(raw):
    """The custom properties of a glance image (API dict)."""
    return {k: v for k, v in raw.items()
            if k not in IMAGE_CORE and not k.startswith(IMAGE_RUNTIME_PREFIXES)}


@register
class Image(ResourceType):
    type = 'image'
    service = 'image'
    file = 'images.yaml'
    depends_on = ('project',)
    params = (
        Param('name', required=True),
        Param('disk_format', required=True, updatable=False),
        Param('container_format', required=True, updatable=False),
        Param('min_disk', INT),
        Param('min_ram', INT),
        Param('visibility'),
        Param('protected', BOOL),
        Param('os_hidden', BOOL),
        Param('tags', LIST, unordered=True),
        Param('properties', DICT),
    )
    info = ('id', 'status', 'size', 'virtual_size', 'checksum',
            'os_hash_algo', 'os_hash_value', 'owner', 'created_at')
    knobs = (COPY_DATA,)

    def list_visible(self, conn, scope):
        return api.list_json(conn.image, '/images', 'images', 'list images')

    def owner(self, raw):
        return raw.get('owner')

    def export_params(self, raw, refs):
        params = super().export_params(raw, refs)
        params['properties'] = image_properties(raw)
        return params


def _volume_owner(raw, scope):
    # only admins see the owner; a member lists only its own volumes
    return raw.get('os-vol-tenant-attr:tenant_id') or scope.current_project_id


def _list_cinder(conn, scope, path, key):
    query = {'all_tenants': 1} if scope.is_admin and (
        scope.project_ids is None
        or scope.project_ids != {scope.current_project_id}) else None
    items = api.list_json(conn.block_storage, path, key, f'list {key}',
                          query)
    for item in items:
        item.setdefault('project_id', _volume_owner(item, scope))
    return items


@register
class Volume(ResourceType):
    type = 'volume'
    service = 'block-storage'
    file = 'volumes.yaml'
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
        return _list_cinder(conn, scope, '/volumes/detail', 'volumes')

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


@register
class VolumeSnapshot(ResourceType):
    type = 'volume_snapshot'
    service = 'block-storage'
    file = 'volume_snapshots.yaml'
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
        return _list_cinder(conn, scope, '/snapshots/detail', 'snapshots')

    def owner(self, raw):
        return raw.get('os-extended-snapshot-attributes:project_id') or raw.get(
            'project_id')
