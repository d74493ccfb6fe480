"""A loopback HTTP proxy that injects faults in front of the Nova sandbox.

For each request a rule picks an action: ``pass`` (forward), ``drop``
(close the connection without forwarding), ``drop-after`` (forward, let
Nova act, then close without answering: the answer is lost), or an HTTP
status answered by the proxy itself without forwarding (503, 409...).
The ``Host`` header is forwarded unchanged, so the links Nova builds point
back at the proxy.
"""

import http.client
import http.server
import json
import threading

HOP_BY_HOP = ('connection', 'keep-alive', 'transfer-encoding', 'te',
              'trailer', 'upgrade', 'proxy-authorization')


class FaultProxy:
    """``rule(method, path) -> action``; ``log`` lists (method, path, action)."""

    def __init__(self, upstream_port, rule):
        self.upstream_port = upstream_port
        self.rule = rule
        self.log = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def _handle(self):
                proxy.handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                      Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        daemon=True)

    @property
    def endpoint(self):
        return f'http://127.0.0.1:{self.port}/v2.1'

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def count(self, action):
        with self._lock:
            return sum(1 for _, _, a in self.log if a == action)

    def handle(self, request):
        length = int(request.headers.get('Content-Length') or 0)
        body = request.rfile.read(length) if length else None
        action = self.rule(request.command, request.path)
        with self._lock:
            self.log.append((request.command, request.path, action))
        if action == 'drop':
            request.close_connection = True
            return
        if isinstance(action, int):
            return self._answer(request, action)
        status, headers, payload = self._forward(request, body)
        if action == 'drop-after':
            request.close_connection = True
            return
        request.send_response(status)
        for key, value in headers:
            if key.lower() not in HOP_BY_HOP + ('content-length',):
                request.send_header(key, value)
        request.send_header('Content-Length', str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    def _forward(self, request, body):
        conn = http.client.HTTPConnection('127.0.0.1', self.upstream_port,
                                          timeout=120)
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in HOP_BY_HOP}
        conn.request(request.command, request.path, body=body,
                     headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        conn.close()
        return resp.status, resp.getheaders(), payload

    @staticmethod
    def _answer(request, status):
        key = {409: 'conflictingRequest', 503: 'serviceUnavailable'}.get(
            status, 'computeFault')
        payload = json.dumps({key: {'message': f'injected {status}',
                                    'code': status}}).encode()
        request.send_response(status)
        request.send_header('Content-Type', 'application/json')
        request.send_header('Content-Length', str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)
