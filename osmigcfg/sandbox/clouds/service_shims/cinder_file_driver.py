"""A cinder volume driver that keeps each volume as a sparse local file.

cinder ships ``cinder.tests.fake_driver.FakeLoggingVolumeDriver``, which
accepts every call and stores nothing.  This subclass stores the bytes, so
volume data written from an image, snapshots, clones and volume→image
uploads round-trip for real.  Image data is written as is (no qemu-img
conversion, which needs root through privsep): the local clouds use raw
images.

Configure a backend section with::

    volume_driver = cinder_file_driver.FileVolumeDriver
    file_volume_directory = /some/dir
"""

import os

from oslo_config import cfg
from oslo_log import log as logging

from cinder.tests import fake_driver
from cinder.volume import configuration

LOG = logging.getLogger(__name__)
GiB = 1024 ** 3
CHUNK = 1024 * 1024

FILE_OPTS = [
    cfg.StrOpt('file_volume_directory',
               help='Directory holding one sparse file per volume/snapshot.'),
]
cfg.CONF.register_opts(FILE_OPTS, group=configuration.SHARED_CONF_GROUP)


def _copy_sparse(src, dst, size):
    """Copy the data extents of ``src`` into a new ``dst`` of ``size``."""
    with open(src, 'rb') as fin, open(dst, 'wb') as fout:
        end = os.fstat(fin.fileno()).st_size
        offset = 0
        while offset < end:
            try:
                start = os.lseek(fin.fileno(), offset, os.SEEK_DATA)
            except OSError:  # ENXIO: only a hole remains
                break
            stop = os.lseek(fin.fileno(), start, os.SEEK_HOLE)
            while start < stop:
                chunk = os.pread(fin.fileno(), min(CHUNK, stop - start), start)
                os.pwrite(fout.fileno(), chunk, start)
                start += len(chunk)
            offset = stop
        fout.truncate(size)


class FileVolumeDriver(fake_driver.FakeLoggingVolumeDriver):
    """FakeLoggingVolumeDriver that keeps the data in sparse files."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.configuration.append_config_values(FILE_OPTS)
        self.backend_name = (
            self.configuration.safe_get('volume_backend_name') or 'file')
        self.protocol = 'file'
        self._dir = self.configuration.safe_get('file_volume_directory')

    def do_setup(self, context):
        os.makedirs(self._dir, exist_ok=True)

    def local_path(self, volume, vg=None):
        return os.path.join(self._dir, volume['name'])

    def initialize_connection(self, volume, connector):
        """The fake driver's connection info, naming the volume's file.

        The sandbox's virt driver seeds a boot-from-volume server's disk
        from ``device_path`` (both run on this machine).
        """
        info = super().initialize_connection(volume, connector)
        info['data']['device_path'] = self.local_path(volume)
        return info

    def _snapshot_path(self, snapshot):
        return os.path.join(self._dir, snapshot['name'])

    def create_volume(self, volume):
        with open(self.local_path(volume), 'wb') as f:
            f.truncate(volume['size'] * GiB)

    def delete_volume(self, volume):
        _unlink(self.local_path(volume))

    def extend_volume(self, volume, new_size):
        with open(self.local_path(volume), 'r+b') as f:
            f.truncate(new_size * GiB)

    def create_snapshot(self, snapshot):
        source = os.path.join(self._dir, snapshot['volume_name'])
        _copy_sparse(source, self._snapshot_path(snapshot),
                     snapshot['volume_size'] * GiB)

    def delete_snapshot(self, snapshot):
        _unlink(self._snapshot_path(snapshot))

    def create_volume_from_snapshot(self, volume, snapshot):
        _copy_sparse(self._snapshot_path(snapshot), self.local_path(volume),
                     volume['size'] * GiB)

    def create_cloned_volume(self, volume, src_vref):
        _copy_sparse(self.local_path(src_vref), self.local_path(volume),
                     volume['size'] * GiB)

    def clone_image(self, context, volume, image_location, image_meta,
                    image_service):
        """Write the image bytes into the volume (skips qemu-img)."""
        self.copy_image_to_volume(context, volume, image_service,
                                  image_meta['id'])
        return {}, True

    def copy_image_to_volume(self, context, volume, image_service, image_id,
                             disable_sparse=False):
        """Stream the image's bytes into the volume file, zero-padded."""
        path = self.local_path(volume)
        with open(path, 'wb') as f:
            image_service.download(context, image_id, f)
            if f.tell() > volume['size'] * GiB:
                raise ValueError('image larger than the volume')
            f.truncate(volume['size'] * GiB)
        LOG.info('wrote image %s into %s', image_id, path)

    def copy_volume_to_image(self, context, volume, image_service,
                             image_meta):
        """Upload the whole volume file as the image's data."""
        with open(self.local_path(volume), 'rb') as f:
            image_service.update(context, image_meta['id'], {}, f)


def _unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
