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
"""

import datetime
import logging
import threading
import time

from osmigcfg import exceptions

LOG = logging.getLogger(__name__)

#: how far back each look reaches beyond the previous one (clock slack)
MARGIN = datetime.timedelta(seconds=2)
#: a waiter without news is handed its last view again this often
TICK = 5.0


class ServerWatch:
    """Batch polling of servers for many waiting steps.

    :param compute: the run's :class:`~osmigcfg.migrate.compute.Compute`.
    :param all_projects: look at every project's servers (admins).
    :param interval: seconds between looks.
    """

    def __init__(self, compute, all_projects=False, interval=0.5,
                 clock=time.time):
        self.compute = compute
        self.all_projects = all_projects
        self.interval = interval
        self.clock = clock
        self._cond = threading.Condition()
        self._views = {}        # server id -> (look number, newest view)
        self._sent = 0          # number of the last look sent
        self._waiters = 0
        self._thread = None
        self._since = None
        self._healthy = True  # False: waiters read their server themselves

    def wait(self, server_id, done, *, deadline, on_view=None):
        """Block until ``done(view)`` holds for the server; return the view.

        The server is read once on its own after registering, so a change
        just before is not missed; after that only views from looks sent
        after registering count.  Returns the last view seen when the
        ``deadline`` (a ``clock()`` value, required) passes; None when the
        server is gone.
        """
        seen = self._register()
        try:
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

    def _register(self):
        """Count a waiter in; returns the number of the last look sent
        (its answer, and every earlier one, may predate the caller)."""
        with self._cond:
            self._waiters += 1
            if self._thread is None:
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
            time.sleep(self.interval)

    def _unhealthy(self, error):
        LOG.warning('looking at servers failed: %s', error)
        self._healthy = False

    def _look(self):
        with self._cond:
            self._sent += 1
            look = self._sent
        since = self._since or (self.compute.session.last_date or
                                datetime.datetime.now(datetime.timezone.utc))
        views, date = self.compute.changed_servers(since - MARGIN,
                                                   self.all_projects)
        with self._cond:
            for view in views:
                self._views[view['id']] = (look, view)
            self._since = date or since
            self._cond.notify_all()
