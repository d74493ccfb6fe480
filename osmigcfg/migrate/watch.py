"""One poller for every server a run is waiting on.

Polling each migrating server on its own costs one request per server per
interval; a drain of a hundred servers would spend most of Nova's API on
"are you done yet?".  :class:`ServerWatch` asks once per interval for every
server changed since the last look (``GET /servers/detail?changes-since=``,
on the cloud's own clock read from the ``Date`` header) and wakes the steps
waiting on those servers.  It runs only while someone waits.

A look is a snapshot taken when Nova answered it, and its answer may
arrive much later.  Each look is numbered when it is sent; a waiter takes
only views from looks sent after it registered, so a list Nova computed
before a migration started can never be taken for its outcome.

A waiter that knows when its server last changed for certain (``since``:
the cloud's clock before it sent the migration) does not read the server
on its own: the next look reaches back to that time, so it holds the
server.  For admins (2.59+) the same look lists the migration records
changed since (``GET /os-migrations?changes-since=``): a live migration's
wait then learns that Nova's record ended, and how it is going, without a
request of its own.  A record's final status is final, so a record from
any look may be believed once it has ended.
"""

import datetime
import logging
import threading
import time

from osmigcfg import exceptions
from osmigcfg.cloud import http

LOG = logging.getLogger(__name__)

#: how far back each look reaches beyond the previous one (clock slack)
MARGIN = datetime.timedelta(seconds=2)
#: a waiter without news is handed its last view again this often
TICK = 5.0
#: a poller that stopped this recently carries on from its last look
KEEP_SINCE = 60.0
#: :meth:`ServerWatch.record` when the watch does not list records
UNTRACKED = object()


class ServerWatch:
    """Batch polling of servers for many waiting steps.

    :param compute: the run's :class:`~osmigcfg.migrate.compute.Compute`.
    :param all_projects: look at every project's servers (admins).
    :param interval: seconds between looks.
    :param migrations: list migration records too (admins; the cloud must
        offer 2.59, else it is ignored).
    """

    def __init__(self, compute, all_projects=False, interval=0.5,
                 clock=time.time, migrations=False):
        self.compute = compute
        self.all_projects = all_projects
        self.interval = interval
        self.clock = clock
        self.migrations = migrations and compute.session.supports((2, 59))
        self._cond = threading.Condition()
        self._views = {}        # server id -> (look number, newest view)
        self._records = {}      # server id -> its newest migration record
        self._sent = 0          # number of the last look sent
        self._waiters = 0
        self._thread = None
        self._since = None      # the cloud's clock at the last look
        self._stopped = None    # clock() when the poller last stopped
        self._reach = None      # the oldest ``since`` a waiter asked for
        self._healthy = True  # False: waiters read their server themselves

    def wait(self, server_id, done, *, deadline, on_view=None, since=None):
        """Block until ``done(view)`` holds for the server; return the view.

        Without ``since`` the server is read once on its own after
        registering, so a change just before is not missed; with it (a
        datetime on the cloud's clock before the server last changed) the
        next look reaches back to that time instead.  After that only
        views from looks sent after registering count.  Returns the last
        view seen when the ``deadline`` (a ``clock()`` value, required)
        passes; None when the server is gone.
        """
        seen = self._register(since)
        try:
            view = None
            if since is not None:
                view, seen = self._next_view(server_id, seen, None, deadline)
            if view is None:  # no reach back, or no news by the tick
                view = self.compute.server_or_gone(server_id)
            while True:
                if view is None or view['status'] == 'DELETED':
                    return None
                if on_view is not None:
                    on_view(view)
                if done(view) or self.clock() >= deadline:
                    return view
                view, newer = self._next_view(server_id, seen, view, deadline)
                if newer == seen and not self._healthy:
                    view = self.compute.server_or_gone(server_id)
                seen = newer
        finally:
            with self._cond:
                self._waiters -= 1

    def _next_view(self, server_id, seen, view, deadline):
        """The first view from a look numbered above ``seen``; ``view``
        again after ``TICK`` seconds without news (callers look at
        progress) or at the deadline."""
        until = min(self.clock() + TICK, deadline)
        with self._cond:
            while self._views.get(server_id, (0, None))[0] <= seen:
                left = until - self.clock()
                if left <= 0:
                    return view, seen
                self._cond.wait(left)
            look, newest = self._views[server_id]
            return newest, look

    def record(self, server_id, after):
        """The server's newest migration record with an id above
        ``after`` seen by any look; None when none was seen yet, and
        :data:`UNTRACKED` when the watch does not list records."""
        with self._cond:
            if not self.migrations:
                return UNTRACKED
            found = self._records.get(server_id)
        return found if found and (found.get('id') or 0) > (after or 0) \
            else None

    def wait_record(self, server_id, after, done, *, deadline):
        """Block until ``done(record)`` holds for the server's newest
        record above ``after``; return it, or the last seen (None if
        none) at the ``deadline``, or :data:`UNTRACKED`."""
        self._register(None)
        try:
            with self._cond:
                while True:
                    found = self.record(server_id, after)
                    left = deadline - self.clock()
                    if found is UNTRACKED or (found and done(found)) or \
                            left <= 0:
                        return found
                    self._cond.wait(min(left, TICK))
        finally:
            with self._cond:
                self._waiters -= 1

    def _register(self, since):
        """Count a waiter in; returns the number of the last look sent
        (its answer, and every earlier one, may predate the caller)."""
        with self._cond:
            self._waiters += 1
            if since is not None:
                if isinstance(since, str):  # from the journal
                    since = datetime.datetime.fromisoformat(since)
                since = http.utc(since)
                self._reach = since if self._reach is None else \
                    min(self._reach, since)
            if self._thread is None:
                if self._stopped is None or \
                        self.clock() - self._stopped > KEEP_SINCE:
                    self._since = None
                self._thread = threading.Thread(
                    target=self._run, name='osmigcfg-watch', daemon=True)
                self._thread.start()
            return self._sent

    def _run(self):
        while True:
            with self._cond:
                if not self._waiters:
                    self._thread = None
                    self._stopped = self.clock()
                    return
            try:
                self._look()
                self._healthy = True
            except exceptions.CloudRequestError as e:
                if e.status == 403 and self.all_projects:
                    self.all_projects = False  # not an admin after all
                    continue
                self._unhealthy(e)
            except exceptions.CloudError as e:  # reads were retried already
                self._unhealthy(e)
            except Exception as e:  # noqa: BLE001 - a poller that died
                # silently would leave every waiter without news until its
                # deadline: they read their servers themselves instead
                LOG.exception('the server watch failed')
                self._unhealthy(e)
            time.sleep(self.interval)

    def _unhealthy(self, error):
        LOG.warning('looking at servers failed: %s', error)
        self._healthy = False

    def _look(self):
        with self._cond:
            self._sent += 1
            look = self._sent
            reach, self._reach = self._reach, None
        since = http.utc(self._since or self.compute.session.last_date or
                         datetime.datetime.now(datetime.timezone.utc))
        since_look = min(since, reach) if reach else since
        try:
            views, date = self.compute.changed_servers(
                since_look - MARGIN, self.all_projects)
            records = self._changed_records(since_look - MARGIN)
        except exceptions.CloudError:
            with self._cond:  # the next look reaches back again
                self._reach = reach if self._reach is None or reach is None \
                    else min(reach, self._reach)
            raise
        with self._cond:
            for view in views:
                self._views[view['id']] = (look, view)
            for record in records:
                server = record.get('instance_uuid')
                known = self._records.get(server)
                if known is None or (record.get('id') or 0) >= \
                        (known.get('id') or 0):
                    self._records[server] = record
            self._since = date or since
            self._cond.notify_all()

    def _changed_records(self, since):
        if not self.migrations:
            return ()
        try:
            found, _ = self.compute.changed_migrations(since)
        except exceptions.CloudRequestError as e:
            if e.status not in (403, 400):
                raise
            LOG.info('not listing migration records (%s): waits read '
                     'their own', e)
            with self._cond:
                self.migrations = False
            return ()
        # oldest first: a newer state of one record replaces an older
        return sorted(found, key=lambda r: (r.get('updated_at') or '',
                                            r.get('id') or 0))
