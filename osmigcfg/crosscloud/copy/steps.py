"""The TaskFlow steps that copy data from the source to the destination.

Images: ``transfer`` streams the bytes into the destination's image
record (:mod:`~osmigcfg.crosscloud.copy.transfer`).  Volumes, through the
image services (cinder has no byte-level API between clouds):
``clone`` (an in-use volume is cloned first: cinder uploads only detached
volumes without ``force``), ``upload`` (upload-to-image in the source),
``transfer`` (stream that image to the destination), ``create`` (a new
destination volume from it, type and zone mapped) and ``cleanup`` (the
temporary images and clone are deleted; a source volume never is).

Every step first looks at the clouds, so a run resumed after a kill does
not redo what is done: an image already ``active`` with the source's
checksums is kept, a temporary image cinder is still uploading is waited
for, a volume created from our temporary image is adopted.  What cannot
be continued is a half-sent image: glance takes an upload in one PUT, so
a partial destination image (ours) is deleted and streamed again.

Steps are *portable* (:mod:`~osmigcfg.crosscloud.runtime`): a TaskFlow
worker rebuilds them from their name alone.
"""

import contextlib
import os

from taskflow import task

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.cloud import http
from osmigcfg.cloud import retry
from osmigcfg.crosscloud import idmap
from osmigcfg.crosscloud import runtime as runtime_mod
from osmigcfg.crosscloud.copy import storage_ops as ops


def _worth_again(error):
    return http.is_transient(error) or isinstance(
        error, exceptions.CrossCloudTimeout)


class PortableStep(engine.Step):
    """A Step a worker can rebuild from its name (inputs are JSON)."""

    def __init__(self, item=None, context=None, requires=(), spec=None,
                 deps=None, name=None, prefix=''):
        if item is None:  # a TaskFlow worker: only the name is known
            task.Task.__init__(self, name=name)
            self.item, self.step = engine.split_atom_name(name)
            self.context = runtime_mod.current()
            return
        self.step = prefix + type(self).step
        rebind = {r: engine.atom_name(item, prefix + r) for r in requires}
        rebind.update(deps or {})
        super().__init__(item, context, rebind=rebind, inject={'spec': spec})

    def record(self, phase, progress=0.5, **details):
        """Journal progress, saying which process did the work."""
        if details.get('dst_id'):
            self.made = details['dst_id']
        super().record(phase, progress, pid=os.getpid(), **details)

    def dst_id(self, spec):
        """The destination id: one this step made, else the spec's."""
        return getattr(self, 'made', None) or spec.get('dst_id')

    @contextlib.contextmanager
    def slot(self):
        """Hold a copy slot (the ``global`` window) while inside."""
        self.context.windows.acquire(
            self.item, [], on_wait=lambda: self.emit('item.queued'))
        try:
            yield
        finally:
            self.context.windows.release(self.item)

    def again(self, func):
        """``func()``, called again after a 5xx, a dropped connection or a
        timeout (:func:`osmigcfg.cloud.retry.again`).

        Every operation behind a step looks at the clouds before it acts
        (module doc), so calling it again continues rather than repeats.
        """
        return retry.again(func, transient=_worth_again, on_retry=lambda e, n:
                           self.record('retrying', reason=e.message,
                                       attempt=n))

    def earlier(self, spec):
        """What this step journaled in a run that did not finish it."""
        return (spec.get('earlier') or {}).get(self.name) or {}

    def conns(self, spec):
        """``(source, destination)`` connections from the runtime."""
        return (self.context.conn(spec['src_cloud']),
                self.context.conn(spec['dst_cloud']))

    def revert(self, *args, **kwargs):
        failures = kwargs.get('flow_failures') or {}
        reasons = [f.exception_str for f in failures.values()]
        if reasons:
            self.emit('item.failed', reason='; '.join(reasons))


class CopyImage(PortableStep):
    """Stream an image's bytes into its destination record."""

    step = 'transfer'

    def execute(self, spec):
        src, dst = self.conns(spec)
        source = ops.image(src, spec['src_id'])
        if source['status'] != 'active':
            raise exceptions.CrossCloudFailed(
                f'source image {spec["name"]} is {source["status"]}')
        with self.slot():
            dst_id, outcome, digest = self.again(lambda: ops.copy_image_bytes(
                self, src, dst, source, self.dst_id(spec), spec['owned'],
                spec['create'], mapping=('image', spec['source_id'])))
        self.emit('item.copied', outcome=outcome, bytes=digest.get('size'))
        return idmap.mapping_record('image', spec['source_id'], dst_id,
                                    action=outcome, copied=True,
                                    **ops.digest_fields(digest))


class CloneVolume(PortableStep):
    step = 'clone'

    def execute(self, spec):
        src, _ = self.conns(spec)
        return self.again(lambda: ops.clone_if_attached(self, src, spec))


class UploadVolume(PortableStep):
    step = 'upload'

    def execute(self, spec, clone):
        src, _ = self.conns(spec)
        with self.slot():
            return self.again(lambda: ops.upload_volume(
                self, src, spec, clone['volume_id']))


class TransferVolume(PortableStep):
    step = 'transfer'

    def execute(self, spec, upload):
        src, dst = self.conns(spec)
        source = ops.image(src, upload['image_id'])
        with self.slot():
            dst_id, outcome, digest = self.again(lambda: ops.copy_image_bytes(
                self, src, dst, source, ops.find_temp_image(
                    dst, spec['temp_name'], source), True,
                ops.temp_image_body(spec['temp_name'])))
        return dict(ops.digest_fields(digest), image_id=dst_id,
                    action=outcome)


class CreateVolume(PortableStep):
    step = 'create'

    def execute(self, spec, transfer):
        _, dst = self.conns(spec)
        with self.slot():
            volume_id, outcome = self.again(lambda: ops.create_volume_from(
                self, dst, spec, transfer['image_id']))
        self.emit('item.copied', outcome=outcome, volume=volume_id)
        return idmap.mapping_record('volume', spec['source_id'], volume_id,
                                    action=outcome, copied=True,
                                    size=transfer.get('size'),
                                    checksum=transfer.get('checksum'))


class CleanupVolume(PortableStep):
    step = 'cleanup'

    def execute(self, spec, clone, upload, transfer, create):
        src, dst = self.conns(spec)
        for conn in (dst, src):  # every temporary image, however many
            self.again(lambda: ops.delete_images_named(
                conn, spec['temp_name']))
        if clone.get('clone'):
            self.again(lambda: ops.delete_volume(src, clone['clone']))
        return create


class SnapshotVolume(PortableStep):
    """Snapshot a copied volume (its data as copied: see the cross-cloud reference)."""

    step = 'snapshot'

    def execute(self, spec, volume=None):
        _, dst = self.conns(spec)
        volume_id = (volume or {}).get('dst_id') or spec.get('volume_id')
        snap_id, outcome = self.again(lambda: ops.snapshot_volume(
            self, dst, spec, volume_id))
        return idmap.mapping_record('volume_snapshot', spec['source_id'],
                                    snap_id, action=outcome)


def image_flow(context, item, spec):
    """The flow of one image copy."""
    return engine.item_flow(item, [CopyImage(item, context, spec=spec)])


def volume_steps(context, item, spec, prefix=''):
    """The steps of one volume copy (cutover flows name them with a
    ``prefix`` per disk)."""
    def make(cls, requires=()):
        return cls(item, context, requires=requires, spec=spec,
                   prefix=prefix)
    return [
        make(CloneVolume),
        make(UploadVolume, ('clone',)),
        make(TransferVolume, ('upload',)),
        make(CreateVolume, ('transfer',)),
        make(CleanupVolume, ('clone', 'upload', 'transfer', 'create')),
    ]


def volume_flow(context, item, spec):
    """The flow of one volume copy."""
    return engine.item_flow(item, volume_steps(context, item, spec))


def snapshot_flow(context, item, spec, volume_item=None):
    """The flow of one snapshot, after its volume's copy when in the run."""
    deps = ({'volume': engine.atom_name(volume_item, 'cleanup')}
            if volume_item else None)
    return engine.item_flow(item, [SnapshotVolume(item, context, spec=spec,
                                                  deps=deps)])
