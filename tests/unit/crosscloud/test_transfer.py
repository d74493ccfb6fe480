"""Streaming an image between two (local, plain HTTP) image services:
no temporary file, bounded memory, hashes checked end to end."""

import hashlib
import http.server
import threading
import tracemalloc
import types

import pytest
from keystoneauth1 import adapter
from keystoneauth1 import session

from osmigcfg import exceptions
from osmigcfg.crosscloud.copy import transfer

SIZE = 24 * 1024 * 1024
BLOCK = bytes(range(256)) * 4096  # 1 MiB of a fixed pattern


class _Glance(http.server.BaseHTTPRequestHandler):
    """Serves SIZE bytes on GET; hashes a chunked PUT body."""

    protocol_version = 'HTTP/1.1'
    received = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header('Content-Length', str(SIZE))
        self.end_headers()
        for _ in range(SIZE // len(BLOCK)):
            self.wfile.write(BLOCK)

    def do_PUT(self):
        digest, size = hashlib.sha512(), 0
        while True:
            length = int(self.rfile.readline().split(b';')[0], 16)
            if not length:
                self.rfile.readline()
                break
            chunk = self.rfile.read(length)
            self.rfile.readline()
            digest.update(chunk)
            size += len(chunk)
        type(self).received.update(size=size, hash=digest.hexdigest())
        self.send_response(204)
        self.send_header('Content-Length', '0')
        self.end_headers()


@pytest.fixture
def glance():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Glance)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    proxy = adapter.Adapter(session.Session(), endpoint_override=(
        f'http://127.0.0.1:{server.server_address[1]}/v2'))
    yield types.SimpleNamespace(image=proxy)
    server.shutdown()


def _expected():
    md5, sha = hashlib.md5(), hashlib.sha512()
    for _ in range(SIZE // len(BLOCK)):
        md5.update(BLOCK)
        sha.update(BLOCK)
    return md5.hexdigest(), sha.hexdigest()


def test_streams_24_mib_with_one_chunk_in_memory_and_right_hashes(glance):
    tracemalloc.start()
    try:
        digest = transfer.stream_image(glance, 'src', glance, 'dst',
                                       'sha512')
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    _, hash_value = _expected()
    assert (digest['size'], digest['os_hash_value']) == (SIZE, hash_value)
    assert _Glance.received == {'size': SIZE, 'hash': hash_value}
    assert peak < 8 * 1024 * 1024, peak  # a few chunks, not the image


def test_verify_names_the_field_that_differs():
    good = {'size': 3, 'checksum': 'a', 'os_hash_value': 'h'}
    streamed = {'size': 3, 'os_hash_value': 'h'}
    transfer.verify('image x', good, streamed, dict(good))
    with pytest.raises(exceptions.ChecksumMismatch):
        transfer.verify('image x', good, streamed, dict(good, checksum='b'))
    with pytest.raises(exceptions.ChecksumMismatch):
        transfer.verify('image x', good, dict(streamed, os_hash_value='x'),
                        dict(good))
    with pytest.raises(exceptions.ChecksumMismatch) as caught:
        transfer.verify('image x', good, dict(good),
                        dict(good, os_hash_value='other'))
    assert str(caught.value) == ('image x: os_hash_value differs (source h, '
                                 'destination other)')


def test_same_data_needs_active_and_every_hash():
    src = {'size': 3, 'checksum': 'a', 'os_hash_value': 'h'}
    assert transfer.same_data(src, dict(src, status='active'))
    assert not transfer.same_data(src, dict(src, status='saving'))
    assert not transfer.same_data(src, dict(src, status='active',
                                            checksum='b'))
