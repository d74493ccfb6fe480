"""Cloud operations behind the copy steps, each safe to run again.

Every function looks before it acts (see :mod:`.steps`): it adopts
what a killed run left in a usable state, waits for what a service is
still doing on its own (a cinder upload goes on without us), and deletes
only the temporary or partial resources osmigcfg made.  ``step`` is the
calling step: ``step.record(phase, **details)`` journals progress.
"""


from osmigcfg import exceptions
from osmigcfg.crosscloud import api
from osmigcfg.crosscloud import waits
from osmigcfg.crosscloud.copy import transfer
from osmigcfg.crosscloud.types import cinder

GiB = 1024 ** 3
#: seconds allowed per GiB for a service-side upload or volume build
SECONDS_PER_GIB = 300
#: seconds an image may stay ``saving`` before it counts as stale
SAVING_GRACE = 20.0


def image(conn, image_id):
    """A glance image (dict), CloudRequestError(404) when missing."""
    return api.get_json(conn.image, f'/images/{image_id}', 'read image')


def image_or_none(conn, image_id):
    """A glance image (dict), or None when it does not exist."""
    try:
        return image(conn, image_id)
    except exceptions.CloudRequestError as e:
        if e.status == 404:
            return None
        raise


def delete_image(conn, image_id):
    """Delete an image osmigcfg made (a missing one is fine)."""
    api.delete_json(conn.image, f'/images/{image_id}', 'delete image')


def delete_volume(conn, volume_id):
    """Delete a volume osmigcfg made (a missing one is fine)."""
    api.delete_json(conn.block_storage, f'/volumes/{volume_id}',
                    'delete volume')


def digest_fields(digest):
    """The size and hash fields of an image or a stream digest."""
    return {k: digest.get(k) for k in ('size', 'checksum', 'os_hash_algo',
                                       'os_hash_value')}


def temp_image_body(name):
    """The record of a temporary raw image."""
    return {'name': name, 'disk_format': 'raw', 'container_format': 'bare',
            'visibility': 'private'}


def _recreate(step, dst, current, owned, create, mapping, source):
    """Replace an unusable destination image (only one osmigcfg made)."""
    if current is not None:
        if not owned:
            raise exceptions.CrossCloudFailed(
                f'destination image {current["id"]} is {current["status"]} '
                'and was not made by osmigcfg: not replacing it')
        step.record('deleting-partial', old=current['id'],
                    status=current['status'])
        delete_image(dst, current['id'])
    gone = current['id'] if current else None
    image_id = _twin(dst, create, gone, source) if mapping else None
    phase = 'adopted'
    if image_id is None:
        image_id = api.send_json(dst.image, 'POST', '/images',
                                 'create image', create)['id']
        phase = 'created'
    details = {'dst_id': image_id}
    if mapping:
        details.update(type=mapping[0], source_id=mapping[1])
    step.record(phase, **details)
    return image_id


def _settled(dst, dst_id, grace=SAVING_GRACE):
    """The image once no upload is under way into it, or still ``saving``
    after ``grace`` seconds (then it is stale: glance puts an interrupted
    upload's record back to ``queued`` within seconds, but a failure on
    its side can leave it ``saving`` for ever)."""
    try:
        return waits.wait_status(
            lambda: image_or_none(dst, dst_id) or {'status': 'gone'},
            ('queued', 'active', 'killed', 'deactivated', 'gone'), (),
            f'image {dst_id}', grace)
    except exceptions.CrossCloudTimeout:
        return image(dst, dst_id)


def _twin(dst, create, gone, source):
    """An image of the wanted name osmigcfg may take over instead of
    making one more (another process's replacement, after a kill): one
    still waiting for its bytes, or already holding the source's."""
    project = dst.session.auth.get_project_id(dst.session)
    for found in api.list_json(dst.image, '/images', 'images',
                               'list images', {'name': create['name']}):
        if found['id'] == gone or found.get('owner') != project:
            continue
        if found['status'] in ('queued', 'saving') or \
                transfer.same_data(source, found):
            return found['id']
    return None


def copy_image_bytes(step, src, dst, source, dst_id, owned, create,
                     mapping=None):
    """Make ``dst_id`` (or its replacement) hold ``source``'s bytes.

    An image another process is uploading into (``saving``) is waited
    for; a ``queued`` one is uploaded into (glance discards a partial
    upload); a ``killed`` one, or one with other bytes, is replaced.

    :returns: ``(dst_id, 'already copied' | 'copied', digest)``.
    """
    current = image_or_none(dst, dst_id) if dst_id else None
    if current is not None and current['status'] in ('saving',
                                                     'importing'):
        step.record('waiting', image=dst_id)
        current = _settled(dst, dst_id)
        current = None if current['status'] == 'gone' else current
    if current is not None and transfer.same_data(source, current):
        step.record('verified', image=current['id'], reused=True)
        return current['id'], 'already copied', current
    if current is None or current['status'] != 'queued':
        dst_id = _recreate(step, dst, current, owned, create, mapping,
                           source)
        current = image(dst, dst_id)
        if transfer.same_data(source, current):  # a twin got there first
            return dst_id, 'already copied', current
        if current['status'] != 'queued':
            raise exceptions.CrossCloudTimeout(
                f'image {dst_id}: another upload is under way')
    step.record('streaming', image=dst_id, size=source.get('size'))
    try:
        digest = transfer.stream_image(
            src, source['id'], dst, dst_id, source.get('os_hash_algo'),
            progress=lambda sent: step.emit('item.progress', sent=sent,
                                            size=source.get('size')))
    except exceptions.CloudRequestError as e:
        if e.status != 409:
            raise
        # someone else began an upload into it first: let it finish
        raise exceptions.CrossCloudTimeout(
            f'image {dst_id}: another upload is under way') from None
    after = image(dst, dst_id)
    transfer.verify(f'image {source.get("name") or source["id"]}', source,
                    digest, after)
    step.record('verified', image=dst_id, size=digest['size'])
    return dst_id, 'copied', after


def find_temp_image(conn, name, source):
    """The temporary image of ``name`` to copy into (or None): one that
    holds ``source``'s bytes, else one being uploaded or waiting for its
    bytes; ``killed`` ones are deleted."""
    found = api.list_json(conn.image, '/images', 'images', 'list images',
                          {'name': name})
    for candidate in found:
        if candidate['status'] in ('killed', 'deactivated'):
            delete_image(conn, candidate['id'])
    rank = {'active': 0, 'saving': 1, 'queued': 2}
    usable = sorted((f for f in found if f['status'] in rank and (
        f['status'] != 'active' or transfer.same_data(source, f))),
        key=lambda f: rank[f['status']])
    return usable[0]['id'] if usable else None


def delete_images_named(conn, name):
    """Delete every image of ``name`` (osmigcfg's temporary images)."""
    for found in api.list_json(conn.image, '/images', 'images',
                               'list images', {'name': name}):
        delete_image(conn, found['id'])


def volume(conn, volume_id):
    """A cinder volume (dict)."""
    return api.get_json(conn.block_storage, f'/volumes/{volume_id}',
                        'read volume')['volume']


def _timeout(size_gib):
    return SECONDS_PER_GIB * max(1, int(size_gib or 1))


def clone_if_attached(step, src, spec):
    """The volume to upload: the source itself, or a clone if attached."""
    source = volume(src, spec['src_id'])
    if source['status'] in ('uploading', 'backing-up'):
        # an upload a killed run started goes on in cinder: let it end
        source = waits.wait_status(
            lambda: volume(src, spec['src_id']), ('available', 'in-use'),
            ('error',), f'volume {spec["name"]}', _timeout(source['size']))
    if source['status'] == 'available':
        return {'volume_id': source['id'], 'clone': None}
    if source['status'] != 'in-use':
        raise exceptions.CrossCloudFailed(
            f'source volume {spec["name"]} is {source["status"]}')
    for found in api.list_json(src.block_storage, '/volumes/detail',
                               'volumes', 'list volumes',
                               {'name': spec['temp_name']}):
        if found['status'] in ('available', 'creating'):
            cinder.wait_volume(src, found['id'], 'clone',
                               _timeout(found['size']))
            return {'volume_id': found['id'], 'clone': found['id']}
        delete_volume(src, found['id'])
    step.record('cloning', size=source['size'])
    made = api.send_json(src.block_storage, 'POST', '/volumes',
                         'clone volume', {'volume': {
                             'source_volid': source['id'],
                             'size': source['size'],
                             'name': spec['temp_name']}})['volume']
    step.record('cloned', clone=made['id'])
    cinder.wait_volume(src, made['id'], 'clone',
                       _timeout(source['size']))
    return {'volume_id': made['id'], 'clone': made['id']}


def _wait_image(conn, image_id, size_gib, what):
    return waits.wait_status(lambda: image(conn, image_id), ('active',),
                             ('killed', 'deleted', 'deactivated'), what,
                             _timeout(size_gib))


def upload_volume(step, src, spec, volume_id):
    """Upload-to-image in the source (or adopt the one under way)."""
    vol = volume(src, volume_id)
    for found in api.list_json(src.image, '/images', 'images',
                               'list images', {'name': spec['temp_name']}):
        busy = found['status'] in ('queued', 'saving') and \
            vol['status'] == 'uploading'
        if found['status'] == 'active' or busy:
            done = _wait_image(src, found['id'], vol['size'], 'upload')
            cinder.wait_volume(src, volume_id, 'volume after upload')
            return digest_fields(done) | {'image_id': done['id']}
        delete_image(src, found['id'])
    step.record('uploading', size=vol['size'])
    answer = api.send_json(
        src.block_storage, 'POST', f'/volumes/{volume_id}/action',
        'upload volume to image', {'os-volume_upload_image': {
            'image_name': spec['temp_name'], 'disk_format': 'raw',
            'container_format': 'bare', 'force': False}})
    image_id = answer['os-volume_upload_image']['image_id']
    step.record('uploaded', image=image_id)
    done = _wait_image(src, image_id, vol['size'], 'upload')
    cinder.wait_volume(src, volume_id, 'volume after upload')
    return digest_fields(done) | {'image_id': image_id}


def _adoptable(dst, spec, image_id):
    name = spec['volume'].get('name')
    query = {'name': name} if name else None
    for found in api.list_json(dst.block_storage, '/volumes/detail',
                               'volumes', 'list volumes', query):
        meta = found.get('volume_image_metadata') or {}
        if meta.get('image_id') == image_id and found['status'] not in (
                'error', 'deleting'):
            return found
    return None


def _oldest_twin(dst, spec, image_id, mine):
    """Two processes racing (an orphaned worker step) may both have made
    a volume from our temporary image: keep the oldest, delete the rest."""
    twins = [v for v in api.list_json(
        dst.block_storage, '/volumes/detail', 'volumes', 'list volumes',
        {'name': spec['volume'].get('name')} if spec['volume'].get('name')
        else None) if (v.get('volume_image_metadata') or {}).get(
            'image_id') == image_id and v['status'] not in ('error',
                                                            'deleting')]
    if len(twins) < 2:
        return mine
    keep = min(twins, key=lambda v: (v.get('created_at') or '', v['id']))
    if keep['id'] != mine['id']:
        delete_volume(dst, mine['id'])
    return keep


def create_volume_from(step, dst, spec, image_id):
    """A destination volume from the transferred image (adopted if made)."""
    found = _adoptable(dst, spec, image_id)
    outcome = 'adopted'
    if found is None:
        step.record('creating')
        body = dict(spec['volume'], imageRef=image_id)
        found = api.send_json(dst.block_storage, 'POST', '/volumes',
                              'create volume', {'volume': body})['volume']
        outcome = 'copied'
    step.record('created' if outcome == 'copied' else 'adopted',
                dst_id=found['id'], type='volume',
                source_id=spec['source_id'])
    cinder.wait_volume(dst, found['id'], f'volume {spec["name"]}',
                       _timeout(spec['volume'].get('size')))
    kept = _oldest_twin(dst, spec, image_id, found)
    if kept['id'] != found['id']:
        found, outcome = kept, 'adopted'
        step.record('adopted', dst_id=kept['id'], type='volume',
                    source_id=spec['source_id'])
    cinder.set_bootable(dst, found['id'], spec.get('bootable'))
    return found['id'], outcome


def snapshot_volume(step, dst, spec, volume_id):
    """A snapshot of a copied volume (adopted if it exists)."""
    for found in api.list_json(dst.block_storage, '/snapshots/detail',
                               'snapshots', 'list snapshots',
                               {'volume_id': volume_id}):
        if found.get('name') == spec['snapshot'].get('name'):
            return found['id'], 'adopted'
    body = dict(spec['snapshot'], volume_id=volume_id, force=True)
    made = api.send_json(dst.block_storage, 'POST', '/snapshots',
                         'create snapshot', {'snapshot': body})['snapshot']
    step.record('created', dst_id=made['id'], type='volume_snapshot',
                source_id=spec['source_id'])
    waits.wait_status(lambda: api.get_json(
        dst.block_storage, f'/snapshots/{made["id"]}',
        'read snapshot')['snapshot'], ('available',), ('error',),
        f'snapshot {spec["name"]}')
    return made['id'], 'copied'
