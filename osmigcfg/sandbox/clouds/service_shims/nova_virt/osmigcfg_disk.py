"""A fake virt driver whose servers have a disk: ``nova.virt.osmigcfg_disk``.

:class:`DiskFakeDriver` is Nova's ``FakeDriverWithoutFakeNodes`` (its node
uuid survives a restart of the compute) plus one raw disk file per server,
``<OSMIGCFG_DISKS>/<instance uuid>``:

* created on a real boot or rebuild only, seeded with the bytes of the
  image the server boots from, or of the volume it boots from (cinder's
  file driver names the volume's file in the connection info); a server
  with neither gets an empty disk.  The fake driver calls ``spawn()``
  again on every cold/live migration and hard reboot; the disk is left
  alone then;
* all the computes of a cloud share the directory, which models shared
  instance storage: a migrated server finds its disk on the new host;
* uploaded on snapshot through Nova's image API, with the task-state steps
  of the libvirt driver, so the snapshot in glance holds the disk's bytes;
* deleted when the server is deleted.

Tests read and write the disks through the files (see
``osmigcfg.sandbox.clouds.LocalClouds.read_disk``/``write_disk``).

VIFs: like the libvirt driver, ``spawn`` waits for ``network-vif-plugged``
for every VIF Neutron reports as not yet active, up to
``vif_plugging_timeout``, and fails the boot on a timeout when
``vif_plugging_is_fatal``.  The sandbox's ML2 driver binds ports ACTIVE
at once, so on a boot there is usually nothing to wait for.
"""

import os
import shutil

from oslo_log import log as logging

import nova.conf
from nova.compute import task_states
from nova import exception
from nova.image import glance
from nova.virt import driver
from nova.virt import fake

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)
DISKS_ENV = 'OSMIGCFG_DISKS'


def disk_path(instance_uuid):
    """The disk file of a server."""
    return os.path.join(os.environ[DISKS_ENV], instance_uuid)


def _boot_volume_path(instance, block_device_info):
    """The local file of the volume the server boots from, if any."""
    for bdm in driver.block_device_info_get_mapping(block_device_info):
        if bdm.get('boot_index') == 0 or (
                bdm.get('mount_device') == instance.root_device_name):
            data = (bdm.get('connection_info') or {}).get('data') or {}
            return data.get('device_path')
    return None


class DiskFakeDriver(fake.FakeDriverWithoutFakeNodes):
    """The fake driver with a disk per server (see the module doc)."""

    vcpus = 32
    memory_mb = 65536
    local_gb = 2000

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None, power_on=True, accel_info=None):
        path = disk_path(instance.uuid)
        rebuilding = instance.task_state == task_states.REBUILD_SPAWNING
        if rebuilding or not os.path.exists(path):
            self._create_disk(context, instance, block_device_info, path)
        events = [('network-vif-plugged', vif['id'])
                  for vif in network_info or ()
                  if vif.get('active', True) is False]
        timeout = CONF.vif_plugging_timeout if power_on else 0
        try:
            with self.virtapi.wait_for_instance_event(
                    instance, events if timeout else [], timeout=timeout,
                    error_callback=self._vif_failed):
                self.plug_vifs(instance, network_info)
        except exception.InstanceEventTimeout:
            if CONF.vif_plugging_is_fatal:
                raise exception.VirtualInterfaceCreateException()
            LOG.warning('VIFs of %s not plugged in time, going on',
                        instance.uuid)
        super().spawn(context, instance, image_meta, injected_files,
                      admin_password, allocations, network_info=network_info,
                      block_device_info=block_device_info, power_on=power_on,
                      accel_info=accel_info)

    @staticmethod
    def _vif_failed(event_name, instance):
        LOG.error('Neutron reported failure on %s for %s', event_name,
                  instance.uuid)
        if CONF.vif_plugging_is_fatal:
            raise exception.VirtualInterfaceCreateException()

    def _create_disk(self, context, instance, block_device_info, path):
        tmp = f'{path}.part'
        volume = _boot_volume_path(instance, block_device_info)
        if volume and os.path.exists(volume):
            shutil.copyfile(volume, tmp)
        elif instance.image_ref:
            glance.API().download(context, instance.image_ref,
                                  dest_path=tmp)
        else:
            open(tmp, 'wb').close()
        os.replace(tmp, path)
        LOG.info('disk of %s: %d bytes', instance.uuid, os.path.getsize(path))

    def snapshot(self, context, instance, image_id, update_task_state):
        if instance.uuid not in self.instances:
            raise exception.InstanceNotRunning(instance_id=instance.uuid)
        update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
        metadata = {'disk_format': 'raw', 'container_format': 'bare'}
        update_task_state(task_state=task_states.IMAGE_UPLOADING,
                          expected_state=task_states.IMAGE_PENDING_UPLOAD)
        with open(disk_path(instance.uuid), 'rb') as data:
            glance.API().update(context, image_id, metadata, data,
                                purge_props=False)
        LOG.info('snapshot %s of %s uploaded', image_id, instance.uuid)

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True, destroy_secrets=True):
        super().destroy(context, instance, network_info, block_device_info,
                        destroy_disks, destroy_secrets)
        if instance.task_state == task_states.DELETING:
            try:
                os.unlink(disk_path(instance.uuid))
            except FileNotFoundError:
                pass

    def get_host_uptime(self):
        return 'up, sandbox'
