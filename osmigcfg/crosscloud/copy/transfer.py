"""Stream an image's bytes from one glance to another, verified.

The source's ``GET /v2/images/{id}/file`` is read in 1 MiB chunks
(``stream=True``) and handed, as a generator, to the destination's
``PUT /v2/images/{id}/file`` (chunked transfer encoding): no temporary
file, and the process holds one chunk at a time whatever the image size.
On the way the bytes are counted and hashed with the source's
``os_hash_algo`` (``os_hash_value``, SHA-512 by default).  :func:`verify`
then requires source, streamed bytes and destination to agree on size and
``os_hash_value``, and the two glances on ``checksum`` (MD5): the
destination glance computed its values from what it received, so equal
values mean equal bytes end to end.  (MD5 is not computed a third time
here: on a 2-core box the copy is CPU-bound and it cost ~10% of the
throughput; the streamed SHA-512 already locates a corruption.)

Glance takes an upload in a single PUT: an interrupted transfer cannot be
continued from its last byte.  The caller deletes the partial destination
image and streams again (see :mod:`~osmigcfg.crosscloud.copy.steps`).
"""

import hashlib
import logging
import time

from osmigcfg import exceptions
from osmigcfg.cloud import http

LOG = logging.getLogger(__name__)
CHUNK = 1024 * 1024
OCTETS = {'Content-Type': 'application/octet-stream'}
VERIFIED = ('size', 'checksum', 'os_hash_value')


class HashingReader:
    """Iterates a response's chunks, hashing and counting them."""

    def __init__(self, response, algo, progress=None, every=64 * CHUNK):
        self.response = response
        self.algo = algo or 'sha512'
        self.hash = hashlib.new(self.algo)
        self.size = 0
        self.progress = progress
        self.every = every
        self.started = time.monotonic()

    def __iter__(self):
        reported = 0
        for chunk in self.response.iter_content(CHUNK):
            self.hash.update(chunk)
            self.size += len(chunk)
            if self.progress and self.size - reported >= self.every:
                reported = self.size
                self.progress(self.size)
            yield chunk

    def digest(self):
        """``{size, os_hash_algo, os_hash_value}`` of the stream."""
        return {'size': self.size, 'os_hash_algo': self.algo,
                'os_hash_value': self.hash.hexdigest()}


def _download(conn, image_id):
    return http.send(conn.image, 'GET', f'/images/{image_id}/file',
                     what=f'download image {image_id}',
                     where='source image service', stream=True).raw


def stream_image(src_conn, src_id, dst_conn, dst_id, algo=None,
                 progress=None):
    """Stream ``src_id``'s bytes into the (queued) ``dst_id``.

    :param algo: the hash algorithm (the source's ``os_hash_algo``).
    :param progress: called with the bytes sent so far, every 64 MiB.
    :returns: the streamed bytes' digest (see :meth:`HashingReader.digest`).
    :raises CloudError: either side refused or went away.
    """
    response = _download(src_conn, src_id)
    reader = HashingReader(response, algo, progress)
    try:
        # a stream cannot be sent twice: no retry (the step looks again)
        http.send(dst_conn.image, 'PUT', f'/images/{dst_id}/file',
                  what=f'upload image {dst_id}', data=iter(reader),
                  headers=OCTETS, retry=False)
    finally:
        response.close()
    digest = reader.digest()
    seconds = max(time.monotonic() - reader.started, 1e-6)
    LOG.info('streamed %d bytes to image %s at %.0f MB/s', digest['size'],
             dst_id, digest['size'] / seconds / 1e6)
    return dict(digest, seconds=round(seconds, 3))


def verify(what, source, streamed, destination):
    """Raise ChecksumMismatch unless source, stream and destination agree
    (a field the stream did not compute, MD5, is compared glance to
    glance)."""
    for field in VERIFIED:
        values = {source.get(field), destination.get(field)}
        if field in streamed:
            values.add(streamed[field])
        if len(values) != 1:
            raise exceptions.ChecksumMismatch(
                what, field, source.get(field), destination.get(field)
                if destination.get(field) != source.get(field)
                else streamed.get(field))


def same_data(source, destination):
    """Whether a destination image already holds the source's bytes."""
    return destination.get('status') == 'active' and all(
        source.get(f) == destination.get(f) for f in VERIFIED)
