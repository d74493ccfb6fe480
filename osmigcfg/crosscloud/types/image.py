"""The glance image type.

Images carry their custom properties (``hw_*``, ``os_*`` ...) in
``params.properties``; their size and hashes stay in ``info`` for the data
copy to verify against.  ``import`` creates an image's *record*
(metadata, ``queued``); its bytes come with ``copy``, which creates the
record itself when it is gone (:func:`image_body`).
"""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.resources import BOOL
from osmigcfg.crosscloud.resources import COPY_DATA
from osmigcfg.crosscloud.resources import DICT
from osmigcfg.crosscloud.resources import INT
from osmigcfg.crosscloud.resources import LIST
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import ResourceType
from osmigcfg.crosscloud.resources import register

PATCH = {'Content-Type': 'application/openstack-images-v2.1-json-patch'}
#: glance fields that are not custom properties
IMAGE_CORE = frozenset((
    'id', 'name', 'status', 'visibility', 'protected', 'checksum',
    'os_hash_algo', 'os_hash_value', 'owner', 'size', 'virtual_size',
    'min_ram', 'min_disk', 'disk_format', 'container_format', 'created_at',
    'updated_at', 'tags', 'locations', 'direct_url', 'self', 'file',
    'schema', 'os_hidden', 'stores'))
#: property prefixes describing the source upload, not the image
IMAGE_RUNTIME_PREFIXES = ('os_glance_', 'owner_specified.openstack.')


def image_properties(raw):
    """The custom properties of a glance image (API dict)."""
    return {k: v for k, v in raw.items()
            if k not in IMAGE_CORE and not k.startswith(IMAGE_RUNTIME_PREFIXES)}


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
            have = image_properties(current)
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


@register
class Image(ResourceType):
    type = 'image'
    service = 'image'
    file = 'images.yaml'
    has_data = True
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

    def create(self, w, want, entry):
        found = w.send('image', 'POST', '/images', 'create image',
                       image_body(want, w.target_project))
        w.record('created', dst_id=found['id'])
        return found['id']

    def update(self, w, dst_id, changed, want, entry):
        current = api.get_json(w.conn.image, f'/images/{dst_id}',
                               'read image')
        ops = image_patch(current, changed)
        if ops:
            w.send('image', 'PATCH', f'/images/{dst_id}', 'update image',
                   ops, headers=PATCH)
