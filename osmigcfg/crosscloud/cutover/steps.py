"""The steps of one server's cutover, in order, reverted newest first.

``stop`` (stop the source, or require SHUTOFF), one volume copy per disk
(:func:`~osmigcfg.crosscloud.copy.steps.volume_steps`, steps named
``vol<N>-...``: the final copy, taken while the source is stopped); for
an image-booted server (``boot: snapshot | volume``) ``snapshot`` (Nova
snapshots the stopped source), ``snapshot-transfer`` (streamed to the
destination glance, as images are) and ``bootdisk`` (with ``boot:
volume``, a bootable volume made from it; :mod:`.snapshot_ops`); then
``boot`` (the destination server from the copied boot volume or the
image, every data volume and port in the one create request) and
``verify`` (ACTIVE, volumes attached, ports bound, floating IPs on
them, source still there; then the source is started again if the
cutover stopped it, unless ``leave_source_stopped``).

When a step fails, TaskFlow reverts the server's steps: ``boot`` deletes
the destination server it created (the copied volumes stay), ``stop``
starts the source again if the cutover stopped it: a server is never
left stopped by osmigcfg.  A source is never deleted.  A resumed cutover
learns from the journal whether it stopped the source and which
destination server it booted, so it neither boots twice nor forgets to
restart.
"""

import logging
import time

from osmigcfg import exceptions
from osmigcfg.crosscloud import idmap
from osmigcfg.crosscloud.copy import steps as copy_steps
from osmigcfg.crosscloud.copy import storage_ops
from osmigcfg.crosscloud.cutover import batch
from osmigcfg.crosscloud.cutover import nova_ops
from osmigcfg.crosscloud.cutover import snapshot_ops

LOG = logging.getLogger(__name__)
#: seconds for Nova to snapshot a server, or cinder to build a volume
DISK_TIMEOUT = 900.0


class Stop(copy_steps.PortableStep):
    step = 'stop'

    def execute(self, spec):
        src, _ = self.conns(spec)
        server = nova_ops.server(src, spec['src_id'])
        if server is None:
            raise exceptions.CrossCloudFailed(
                f'source server {spec["name"]} is gone')
        earlier = self.earlier(spec)
        batch.take_turn(self)  # a batch stops `parallel` sources at once
        if server['status'] == 'SHUTOFF':
            return {'stopped_by_us': bool(earlier.get('stopping')),
                    'status': 'SHUTOFF',
                    'stopped_at': earlier.get('stopped_at') or time.time()}
        if spec['source_state'] == 'require_shutoff':
            raise exceptions.CrossCloudFailed(
                f'source server {spec["name"]} is {server["status"]}; '
                'source_state: require_shutoff')
        self.record('stopping', stopping=True, was=server['status'])
        self.stopped = True  # for a revert in this run
        nova_ops.stop(src, spec['src_id'])
        stopped_at = time.time()
        self.record('stopped', stopping=True, stopped_at=stopped_at)
        return {'stopped_by_us': True, 'status': 'SHUTOFF',
                'stopped_at': stopped_at}

    def revert(self, spec, result=None, **kwargs):
        super().revert(spec, result=result, **kwargs)
        batch.give_turn(self)
        stopped = getattr(self, 'stopped', False) or (
            isinstance(result, dict) and result.get('stopped_by_us')) or \
            self.earlier(spec).get('stopping')
        if not stopped or spec.get('leave_source_stopped'):
            return
        src, _ = self.conns(spec)
        self.record('restarting', stopping=False)
        nova_ops.start(src, spec['src_id'])
        self.emit('item.source-restarted', server=spec['src_id'])


class Boot(copy_steps.PortableStep):
    step = 'boot'

    def execute(self, spec, stop, **volumes):
        _, dst = self.conns(spec)
        disk = volumes.pop('bootdisk', None) or {}
        dst_id = self.earlier(spec).get('dst_id')
        if dst_id and nova_ops.server(dst, dst_id) is None:
            dst_id = None
        if not dst_id:
            dst_id = nova_ops.find_booted(dst, spec)
        if not dst_id:
            body = nova_ops.boot_body(spec, {k: v['dst_id'] for k, v in
                                             volumes.items()}, disk)
            self.record('booting')
            dst_id = nova_ops.create_server(dst, body)
            self.record('created', dst_id=dst_id, type='server',
                        source_id=spec['source_id'])
        self.booted = dst_id  # for a revert in this run
        nova_ops.wait_active(dst, dst_id, spec['name'])
        attached = {k: v['dst_id'] for k, v in volumes.items()}
        if disk.get('volume'):
            attached['boot'] = disk['volume']
        return {'dst_id': dst_id, 'volumes': attached,
                'image': disk.get('image') if not disk.get('volume')
                else None, 'active_at': time.time()}

    def revert(self, spec, result=None, **kwargs):
        super().revert(spec, result=result, **kwargs)
        _, dst = self.conns(spec)
        dst_id = getattr(self, 'booted', None) or self.earlier(spec).get(
            'dst_id') or nova_ops.find_booted(dst, spec)
        if dst_id:
            self.record('deleting-destination', dst_id=None)
            nova_ops.delete_server(dst, dst_id)


class Verify(copy_steps.PortableStep):
    step = 'verify'

    def execute(self, spec, stop, boot):
        src, dst = self.conns(spec)
        problems = nova_ops.verify_server(src, dst, spec, boot)
        if problems:
            raise exceptions.CrossCloudFailed(
                f'server {spec["name"]}: ' + '; '.join(problems))
        nova_ops.unmark(dst, boot['dst_id'])
        for stale in spec.get('stale_volumes') or ():
            if stale not in boot['volumes'].values():
                storage_ops.delete_volume(dst, stale)
        if spec.get('boot') in ('snapshot', 'volume'):
            self.record('cleaning-up')
            snapshot_ops.delete_images(src, spec['src_id'])
            if spec['boot'] == 'volume':
                snapshot_ops.delete_images(dst, spec['src_id'])
        restarted = _restart_source(self, src, spec, stop)
        batch.give_turn(self)
        self.emit('item.cut-over', server=boot['dst_id'],
                  downtime=_downtime(stop, boot))
        return idmap.mapping_record('server', spec['source_id'],
                                    boot['dst_id'], action='cut over',
                                    stopped_by_us=stop['stopped_by_us'],
                                    source_restarted=restarted)


def _restart_source(step, src, spec, stop):
    """Start the source again once its copy is verified, if the cutover
    stopped it: osmigcfg leaves no server stopped by its own doing.  The
    operator keeps it down with ``leave_source_stopped``, as the final
    cutover of a workload that must not run twice wants."""
    if not stop.get('stopped_by_us') or spec.get('leave_source_stopped'):
        return False
    step.record('restarting-source')
    nova_ops.start(src, spec['src_id'])
    step.emit('item.source-restarted', server=spec['src_id'])
    return True


def _downtime(stop, boot):
    if stop.get('stopped_at') and boot.get('active_at'):
        return round(boot['active_at'] - stop['stopped_at'], 1)
    return None


class Snapshot(copy_steps.PortableStep):
    """Nova snapshots the stopped source (a killed run's is waited for)."""

    step = 'snapshot'

    def execute(self, spec, stop):
        src, _ = self.conns(spec)
        found = self.again(lambda: snapshot_ops.snapshot(
            self, src, spec, DISK_TIMEOUT))
        return dict(storage_ops.digest_fields(found), image_id=found['id'])

    def revert(self, spec, result=None, **kwargs):
        super().revert(spec, result=result, **kwargs)
        src, _ = self.conns(spec)
        snapshot_ops.delete_images(src, spec['src_id'])


class TransferSnapshot(copy_steps.PortableStep):
    """Stream the snapshot into the destination glance."""

    step = 'snapshot-transfer'

    def execute(self, spec, snapshot):
        src, dst = self.conns(spec)
        snap = storage_ops.image(src, snapshot['image_id'])
        snapshot_ops.check_fits(dst, spec, snap)
        with self.slot():
            done = self.again(lambda: snapshot_ops.transfer(
                self, src, dst, spec, snap))
        self.emit('item.copied', outcome=done['action'],
                  bytes=done.get('size'))
        return done

    def revert(self, spec, result=None, **kwargs):
        super().revert(spec, result=result, **kwargs)
        _, dst = self.conns(spec)
        snapshot_ops.delete_images(dst, spec['src_id'])


class BootDisk(copy_steps.PortableStep):
    """What the server boots from: the copied snapshot, or (``boot:
    volume``) a bootable volume made from it."""

    step = 'bootdisk'

    def execute(self, spec, transfer):
        if spec['boot'] != 'volume':
            return {'image': transfer['image_id']}
        _, dst = self.conns(spec)
        flavor = nova_ops.flavor(dst, spec['flavor_id'])
        image = storage_ops.image(dst, transfer['image_id'])
        size = snapshot_ops.boot_volume_size(spec, flavor, image)
        volume_id = self.again(lambda: snapshot_ops.boot_volume(
            self, dst, spec, transfer['image_id'], size, DISK_TIMEOUT))
        return {'image': transfer['image_id'], 'volume': volume_id}

    def revert(self, spec, result=None, **kwargs):
        super().revert(spec, result=result, **kwargs)
        if spec['boot'] == 'volume':
            _, dst = self.conns(spec)
            snapshot_ops.delete_boot_volume(dst, spec, DISK_TIMEOUT)


def server_flow(context, item, spec):
    """The flow of one server's cutover (see the module doc)."""
    from osmigcfg import engine
    steps = [Stop(item, context, spec=spec)]
    volume_args = {}
    for index, vol in enumerate(spec['volumes']):
        if not vol.get('copy'):
            continue
        prefix = f'vol{index}-'
        steps += copy_steps.volume_steps(context, item, vol['copy'], prefix)
        volume_args[f'vol{index}'] = engine.atom_name(item,
                                                      f'{prefix}cleanup')
    if spec.get('boot') in ('snapshot', 'volume'):
        steps += [Snapshot(item, context, requires=('stop',), spec=spec),
                  TransferSnapshot(item, context, requires=('snapshot',),
                                   spec=spec),
                  BootDisk(item, context, spec=spec, deps={
                      'transfer': engine.atom_name(item,
                                                   'snapshot-transfer')})]
        volume_args['bootdisk'] = engine.atom_name(item, 'bootdisk')
    steps.append(Boot(item, context, requires=('stop',), spec=spec,
                      deps=volume_args))
    steps.append(Verify(item, context, requires=('stop', 'boot'),
                        spec=spec))
    return engine.item_flow(item, steps)
