"""What a migration is judged against: facts taken before it starts.

:func:`snapshot` reads the server (host, or the per-project ``hostId``
for callers who cannot see hosts, status) and the baseline that later
tells *our* migration apart from earlier ones: the newest migration record
id (callers who may list migrations) or the newest migration instance
action (everyone else).  :func:`find_started` uses that baseline to answer
"did Nova start a migration since?" after a lost answer or a crash.
"""

import threading
import time

from osmigcfg import exceptions

STARTED_STATUSES = ('MIGRATING', 'RESIZE', 'REVERT_RESIZE', 'VERIFY_RESIZE')


def noop(*args, **kwargs):
    return None


def optional(call, *args):
    """``call(*args)``, or None when the policy hides it (403/404)."""
    try:
        return call(*args)
    except exceptions.CloudRequestError as e:
        if e.status in (403, 404):
            return None
        raise


def snapshot(compute, server_id):
    """The facts a migration is judged against (two reads)."""
    server = compute.server_or_gone(server_id)
    if server is None:
        raise exceptions.NotFoundError('server', server_id)
    facts = dict(server, taken=time.time())
    records = optional(compute.migrations, server_id) \
        if server['host'] else None
    if records is not None:
        facts['last_migration'] = records[0]['id'] if records else 0
    else:
        actions = optional(compute.actions, server_id) or []
        facts['last_action'] = actions[0]['request_id'] if actions else None
    return facts


def find_started(compute, facts):
    """``{'request_id': ...}`` of a migration started since ``facts`` were
    taken, or None."""
    if 'last_migration' in facts:
        records = optional(compute.migrations, facts['id']) or []
        fresh = [m for m in records
                 if (m.get('id') or 0) > facts['last_migration']]
        if fresh:
            return {'request_id': None, 'migration': fresh[0]['id']}
        return None
    actions = optional(compute.actions, facts['id']) or []
    if actions and actions[0]['request_id'] != facts.get('last_action'):
        return {'request_id': actions[0]['request_id']}
    return None


def moved(facts, server):
    """True when ``server`` is on another host than in ``facts``."""
    if facts.get('host') and server.get('host'):
        return server['host'] != facts['host']
    return bool(server.get('host_id')) and server['host_id'] != facts['host_id']


def where(server):
    """The server's host, or a short hostId when hosts are hidden."""
    return server.get('host') or f'hostId {str(server.get("host_id"))[:12]}'


class FactCache:
    """Facts for the servers of one host from two list calls, shared by a
    drain's steps and refreshed when older than ``fresh`` seconds.

    The migration baseline is the newest migration id of the whole cloud
    at refresh time: ids only grow, so any record of a server with a larger
    id is newer than the facts.  Clouds older than 2.59 (no ``limit`` on
    migration lists) make :meth:`facts` return None: steps then take their
    own :func:`snapshot`.
    """

    def __init__(self, compute, host, fresh=10.0, clock=time.time):
        self.compute = compute
        self.host = host
        self.fresh = fresh
        self.clock = clock
        self._lock = threading.Lock()
        self._taken = None
        self._servers = {}
        self._baseline = None

    def facts(self, server_id):
        """Fresh facts of a server still on the host, or None."""
        if not self.compute.session.supports((2, 59)):
            return None
        with self._lock:
            if self._taken is None or self.clock() - self._taken > self.fresh:
                self._refresh()
            view = self._servers.get(server_id)
            if view is None:
                return None
            return dict(view, taken=self._taken,
                        last_migration=self._baseline)

    def _refresh(self):
        self._baseline = self.compute.newest_migration_id()
        self._servers = {s['id']: s for s in self.compute.servers(
            {'all_tenants': '1', 'host': self.host})}
        self._taken = self.clock()
