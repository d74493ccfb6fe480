"""The sandbox's front door: fake Keystone tokens and the ``/_sandbox/`` API.

Child-process side.  :class:`SandboxApp` sits in front of nova's compute API
app and does two things only the sandbox needs:

Tokens
    There is no Keystone.  In its place (the only change to nova's paste
    pipeline is that ``authtoken`` is gone) a token names the caller::

        X-Auth-Token: user:project:role1,role2

    and becomes the headers keystonemiddleware would have set (X-User-Id,
    X-Project-Id, X-Roles, ...).  Nova's own ``keystonecontext`` builds the
    request context from them; ``is_admin`` comes from the real
    ``context_is_admin`` rule.  Identity headers sent by the client are
    dropped first, as keystonemiddleware does.  Roles are used as given:
    implied roles are expanded by the client side (``osmigcfg.sandbox.nova``).

Control API (JSON in and out, 127.0.0.1 only, no auth)::

    GET    /_sandbox/status
    PUT    /_sandbox/policy                 {"text": "<yaml>"}  ("": defaults)
    PUT    /_sandbox/policy-dirs            {"dirs": ["/abs/dir", ...]}
    PUT    /_sandbox/enforce-new-defaults   {"value": true}
    PUT    /_sandbox/faults/durations       {"live": 2.0, "cold": 0.5}
    PUT    /_sandbox/faults/live-failures/<server-id>   {"times": null}
    PUT    /_sandbox/faults/hold-server-lists  {"hold": true}
    DELETE /_sandbox/faults                 (durations 0, no failures,
                                             held lists released)
    POST   /_sandbox/computes/<host>/stop
    POST   /_sandbox/computes/<host>/start

``hold-server-lists`` makes a client see the past: each server list
(``GET .../servers/detail``) is answered by Nova at once but its answer is
held back until ``{"hold": false}`` (or ``DELETE faults``); ``status``
counts the answers held.  A poller whose list was computed before a
migration started then reads it after the start: the view of a server
before Nova's first state change, delivered late.

Policy changes are written to the policy file (mtime bumped); Nova reloads
it on its next request, through oslo.policy's normal file-change path.
"""

import json
import re
import threading

from osmigcfg.sandbox.nova import fake_driver
from osmigcfg.sandbox.nova import identity


PREFIX = '/_sandbox/'
_IDENTITY_HEADER = re.compile(
    r'^HTTP_X_(USER|PROJECT|TENANT|ROLE|DOMAIN|IDENTITY|SERVICE|SYSTEM|'
    r'IS_ADMIN|AUTH_USER|AUTH_PROJECT)')


class _HttpError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class _ListHold:
    """Server-list answers held back while ``hold`` is on."""

    def __init__(self):
        self._cond = threading.Condition()
        self.on = False
        self.held = 0

    def set(self, on):
        with self._cond:
            self.on = bool(on)
            self._cond.notify_all()

    def applies(self, environ):
        return self.on and environ.get('REQUEST_METHOD') == 'GET' and \
            environ.get('PATH_INFO', '').endswith('/servers/detail')

    def keep(self, chunks):
        """Wait while the hold is on (at most an hour), then the answer."""
        with self._cond:
            self.held += 1
            try:
                self._cond.wait_for(lambda: not self.on, timeout=3600)
            finally:
                self.held -= 1
        return chunks


class SandboxApp:
    """WSGI app: control API under ``/_sandbox/``, nova for the rest."""

    def __init__(self, nova_app, stack):
        self.nova_app = nova_app
        self.stack = stack
        self._control_lock = threading.Lock()
        self.list_hold = _ListHold()
        self._routes = [
            ('GET', r'status', self._status),
            ('PUT', r'policy', self._put_policy),
            ('PUT', r'policy-dirs', self._put_policy_dirs),
            ('PUT', r'enforce-new-defaults', self._put_enforce),
            ('PUT', r'faults/durations', self._put_durations),
            ('PUT', r'faults/live-failures/(?P<server>[^/]+)',
             self._put_live_failure),
            ('PUT', r'faults/hold-server-lists', self._put_hold_lists),
            ('DELETE', r'faults', self._clear_faults),
            ('POST', r'computes/(?P<host>[^/]+)/(?P<action>stop|start)',
             self._compute_action),
        ]

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '')
        if path.startswith(PREFIX):
            return self._control(environ, start_response, path[len(PREFIX):])
        for key in [k for k in environ if _IDENTITY_HEADER.match(k)]:
            del environ[key]
        token = environ.get('HTTP_X_AUTH_TOKEN')
        if token:
            try:
                user, project, roles = identity.parse_token(token)
            except ValueError as e:
                return _json(start_response, 401, {'error': str(e)})
            environ.update({
                'HTTP_X_IDENTITY_STATUS': 'Confirmed',
                'HTTP_X_USER_ID': user,
                'HTTP_X_USER_NAME': user,
                'HTTP_X_USER_DOMAIN_ID': 'default',
                'HTTP_X_PROJECT_ID': project,
                'HTTP_X_PROJECT_NAME': project,
                'HTTP_X_PROJECT_DOMAIN_ID': 'default',
                'HTTP_X_ROLES': ','.join(roles),
            })
        if self.list_hold.applies(environ):
            # Nova answers now; the answer leaves later
            return self.list_hold.keep(
                list(self.nova_app(environ, start_response)))
        return self.nova_app(environ, start_response)

    # -- control API -------------------------------------------------------

    def _control(self, environ, start_response, subpath):
        method = environ['REQUEST_METHOD']
        try:
            for verb, pattern, handler in self._routes:
                match = re.fullmatch(pattern, subpath.rstrip('/'))
                if match and verb == method:
                    body = _read_json(environ)
                    with self._control_lock:
                        result = handler(body, **match.groupdict())
                    return _json(start_response, 200, result)
            raise _HttpError(404,
                             f'no control call {method} {PREFIX}{subpath}')
        except _HttpError as e:
            return _json(start_response, e.status, {'error': e.message})
        except (ValueError, LookupError, TypeError) as e:
            return _json(start_response, 400, {'error': str(e)})

    def _status(self, body):
        stack = self.stack
        return {
            'computes': stack.compute_states(),
            'policy_file': stack.policy_file,
            'policy_dirs': stack.policy_dirs,
            'enforce_new_defaults': stack.enforce_new_defaults,
            'faults': dict(fake_driver.FAULTS.as_dict(),
                           hold_server_lists=self.list_hold.on,
                           held_server_lists=self.list_hold.held),
            'threads': threading.active_count(),
            'rss_kb': _rss_kb(),
        }

    def _put_policy(self, body):
        self.stack.set_policy(body.get('text') or '')
        return {'policy_file': self.stack.policy_file}

    def _put_policy_dirs(self, body):
        dirs = body.get('dirs') or []
        if not isinstance(dirs, list):
            raise ValueError('"dirs" must be a list of directory paths')
        self.stack.set_policy_dirs(dirs)
        return {'policy_dirs': self.stack.policy_dirs}

    def _put_enforce(self, body):
        self.stack.set_enforce_new_defaults(_required(body, 'value'))
        return {'enforce_new_defaults': self.stack.enforce_new_defaults}

    def _put_durations(self, body):
        fake_driver.FAULTS.set_durations(live=body.get('live'),
                                         cold=body.get('cold'))
        return fake_driver.FAULTS.as_dict()

    def _put_live_failure(self, body, server):
        times = body.get('times')
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError('"times" must be a positive integer or null')
        fake_driver.FAULTS.fail_live_migration(server, times)
        return fake_driver.FAULTS.as_dict()

    def _put_hold_lists(self, body):
        self.list_hold.set(_required(body, 'hold'))
        return {'hold_server_lists': self.list_hold.on}

    def _clear_faults(self, body):
        self.list_hold.set(False)
        fake_driver.FAULTS.clear()
        return fake_driver.FAULTS.as_dict()

    def _compute_action(self, body, host, action):
        if action == 'stop':
            self.stack.stop_compute(host)
        else:
            self.stack.start_compute(host)
        return {'computes': self.stack.compute_states()}


def _required(body, key):
    if key not in body:
        raise ValueError(f'missing "{key}" in the request body')
    return body[key]


def _read_json(environ):
    try:
        length = int(environ.get('CONTENT_LENGTH') or 0)
    except ValueError:
        length = 0
    raw = environ['wsgi.input'].read(length) if length else b''
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise _HttpError(400, 'request body is not JSON') from None
    if not isinstance(body, dict):
        raise _HttpError(400, 'request body must be a JSON object')
    return body


def _json(start_response, status, data):
    reasons = {200: 'OK', 400: 'Bad Request', 401: 'Unauthorized',
               404: 'Not Found'}
    payload = json.dumps(data).encode()
    start_response(f'{status} {reasons.get(status, "Error")}', [
        ('Content-Type', 'application/json'),
        ('Content-Length', str(len(payload)))])
    return [payload]


def _rss_kb():
    try:
        with open('/proc/self/status', encoding='ascii') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None
