"""Serve a WSGI application on 127.0.0.1 without gunicorn.

Usage: ``python -m wsgi_serve PORT THREADS``; the application is the one
``wsgi_shim`` loads (``OSMIGCFG_WSGI_APP`` ...).  Nova and placement run
from the project's virtualenv, which has no gunicorn; the standard
library's server is enough for a test cloud.  ``THREADS`` 1 serves one
request at a time: placement needs that on sqlite, where concurrent
allocation writes wait on each other's locks until they time out.
SIGTERM ends the process.
"""

import signal
import socketserver
import sys
import threading
from wsgiref import simple_server


class _Handler(simple_server.WSGIRequestHandler):
    def log_message(self, format, *args):  # the services log requests
        pass


class _Server(simple_server.WSGIServer):
    allow_reuse_address = True


class _ThreadingServer(socketserver.ThreadingMixIn, _Server):
    daemon_threads = True


def main(port, threads):
    import wsgi_shim
    server_class = _ThreadingServer if threads > 1 else _Server
    server = server_class(('127.0.0.1', port), _Handler)
    server.set_app(wsgi_shim.application)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(
        target=server.shutdown, daemon=True).start())
    server.serve_forever(poll_interval=0.5)
    return 0


if __name__ == '__main__':
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
