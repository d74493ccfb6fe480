"""The compute API calls of a rehearsal, and how Nova's answers are read.

Nova checks the policy before anything else an action depends on (the
server's state, the migration, the host being down), so an answer is read
as follows:

* 403 "Policy doesn't allow RULE to be performed." -> denied, by RULE;
* 404 "Instance ... could not be found." -> denied: Nova does not show
  another project's server to a non-admin, before any policy check;
* 2xx -> allowed; 400 / 404 (migration) / 409 -> allowed too: the policy
  let the call through and Nova refused it afterwards for a state reason
  (a server that is not migrating, a host that is up);
* anything else -> unobserved.

Where a rule only decides what a listing shows (``:host`` rules are checked
non-fatally; Nova then blanks the host fields) the answer is read from the
listed records.
"""

import dataclasses
import re
import urllib.parse

from osmigcfg.cloud import http

_POLICY = re.compile(r"Policy doesn't allow (\S+) to be performed")
_HIDDEN = re.compile(r'Instance \S+ could not be found')
HOST_FIELDS = ('source_compute', 'dest_compute')


@dataclasses.dataclass(frozen=True)
class Answer:
    """What Nova answered to one call."""

    verdict: str            # allowed | denied | unobserved
    status: int | None
    detail: str
    rule: str | None = None  # the rule Nova named when it refused

    @property
    def allowed(self):
        return self.verdict == 'allowed'


def _message(response):
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300]
    if isinstance(body, dict) and len(body) == 1:
        inner = next(iter(body.values()))
        if isinstance(inner, dict) and 'message' in inner:
            return str(inner['message'])
    return response.text.strip()[:300]


def read_answer(response):
    """Classify a compute API response (see the module docstring)."""
    status = response.status_code
    if 200 <= status < 300:
        return Answer('allowed', status, f'HTTP {status}')
    text = _message(response)
    if status == 403:
        match = _POLICY.search(text)
        if match:
            return Answer('denied', status, text, match.group(1))
        return Answer('unobserved', status, f'403 not from policy: {text}')
    if status == 404 and _HIDDEN.search(text):
        return Answer('denied', status, f'server not found: {text}')
    if status in (400, 404, 409):
        return Answer('allowed', status, f'policy passed, then HTTP '
                      f'{status}: {text}')
    return Answer('unobserved', status, f'HTTP {status}: {text}')


class Caller:
    """One persona's raw compute API access, at a fixed microversion.

    Every answer is data here (a 403 is the verdict, not an error), so
    calls go through :func:`osmigcfg.cloud.http.request`: sent once, the
    status read above; only a missing answer raises.
    """

    def __init__(self, conn, microversion):
        self.conn = conn
        self.microversion = microversion

    def call(self, method, path, body=None):
        kwargs = {'microversion': self.microversion}
        if body is not None:
            kwargs['json'] = body
        return http.request(self.conn.compute, method, path,
                            what=f'{method} {path}', where='the sandbox Nova',
                            **kwargs)

    def action(self, server_id, body):
        """POST /servers/{id}/action and read the answer."""
        return read_answer(self.call('POST', f'/servers/{server_id}/action',
                                     body))


def cold_migrate(caller, server_id, host=None):
    """POST migrate (to ``host`` when given: microversion >= 2.56)."""
    body = {'migrate': {'host': host} if host else None}
    return caller.action(server_id, body)


def live_migrate(caller, server_id, host=None):
    """POST os-migrateLive (block_migration auto; ``host`` optional)."""
    return caller.action(server_id, {'os-migrateLive': {
        'host': host, 'block_migration': 'auto'}})


def confirm_resize(caller, server_id):
    """POST confirmResize."""
    return caller.action(server_id, {'confirmResize': None})


def revert_resize(caller, server_id):
    """POST revertResize."""
    return caller.action(server_id, {'revertResize': None})


def evacuate(caller, server_id):
    """Evacuate without a host: refused with 400 while the host is up."""
    return caller.action(server_id, {'evacuate': {}})


def abort_migration(caller, server_id, migration_id):
    """DELETE /servers/{id}/migrations/{mid} (abort a live migration)."""
    return read_answer(caller.call(
        'DELETE', f'/servers/{server_id}/migrations/{migration_id}'))


def force_complete(caller, server_id, migration_id):
    """POST force_complete on a live migration."""
    return read_answer(caller.call(
        'POST', f'/servers/{server_id}/migrations/{migration_id}/action',
        {'force_complete': None}))


def show_migration(caller, server_id, migration_id):
    """GET /servers/{id}/migrations/{mid}."""
    return read_answer(caller.call(
        'GET', f'/servers/{server_id}/migrations/{migration_id}'))


def _listing(response, want_host, host_rule):
    answer = read_answer(response)
    if not want_host or not answer.allowed:
        return answer
    records = response.json().get('migrations') or []
    if not records:
        return Answer('unobserved', answer.status,
                      'no migration listed: host fields cannot be seen')
    if any(r.get(f) for r in records for f in HOST_FIELDS):
        return Answer('allowed', answer.status, 'host fields shown')
    return Answer('denied', answer.status, 'Nova blanked the host fields',
                  host_rule)


def list_server_migrations(caller, server_id, want_host=False):
    """GET /servers/{id}/migrations (in-progress live migrations)."""
    return _listing(caller.call('GET', f'/servers/{server_id}/migrations'),
                    want_host, 'os_compute_api:servers:migrations:index:host')


def list_migrations(caller, project_id=None, want_host=False):
    """GET /os-migrations, filtered to ``project_id`` when given."""
    path = '/os-migrations'
    if project_id:
        path += '?' + urllib.parse.urlencode({'project_id': project_id})
    return _listing(caller.call('GET', path), want_host,
                    'os_compute_api:os-migrations:index:host')
