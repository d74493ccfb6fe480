"""Waiting for Nova, always with a deadline, decided from Nova's records.

:class:`Waits` is what the migration drivers share to wait: for the
server to reach a state (through the run's shared
:class:`~osmigcfg.migrate.watch.ServerWatch`, or polling on its own), and
for a move to have *begun and ended* in Nova's own records, the migration
record (callers who may read it) or the instance action (everyone else),
before a server's status is believed.  A status is a snapshot: one taken
before Nova's first change looks just like the end of a move that failed.

Every wait has a deadline (:data:`DEFAULT_TIMEOUTS` when the caller gives
no time); at the deadline it raises
:class:`~osmigcfg.exceptions.MigrationTimeout` naming what it saw last.
"""


from osmigcfg import exceptions
from osmigcfg.migrate import facts as facts_mod
from osmigcfg.migrate import watch as watch_mod

#: seconds each kind of wait lasts when the run gives no ``--timeout``
DEFAULT_TIMEOUTS = {'live': 3600.0, 'cold': 3600.0, 'confirm': 900.0,
                    'revert': 1800.0, 'start': 900.0}
#: migration record states of a move Nova is still working on
IN_PROGRESS = ('accepted', 'queued', 'preparing', 'running', 'post-migrating',
               'pre-migrating', 'migrating', 'confirming', 'reverting')
BUSY_STATUSES = ('MIGRATING', 'RESIZE', 'REVERT_RESIZE')
RUNNING, ENDED, UNSEEN = 'running', 'ended', 'unseen'
#: seconds a record may lag behind its server before we read it ourselves
RECORD_LAG = 30.0
HIDDEN = object()  # an instance action the caller cannot read


def idle(server):
    """Nova is doing nothing to the server."""
    return server['task_state'] is None and \
        server['status'] not in BUSY_STATUSES


def deleted(facts):
    return exceptions.MigrationFailed(
        f'server {facts["name"]} was deleted during its migration')


class Waits:
    """Waiting, for a driver with ``compute``, ``watch``, ``clock``,
    ``sleep``, ``poll`` and ``method``."""

    def deadline_after(self, operation, timeout=None):
        """A ``clock()`` value ``timeout`` seconds from now, or the
        operation's default (:data:`DEFAULT_TIMEOUTS`) when none is given:
        a wait never lasts for ever."""
        return self.clock() + (timeout or DEFAULT_TIMEOUTS[operation])

    def _server(self, facts):
        server = self.compute.server_or_gone(facts['id'])
        if server is None:
            raise deleted(facts)
        return server

    def _intervals(self):
        first, factor, top = self.poll
        interval = first
        while True:
            yield interval
            interval = min(interval * factor, top)

    def _await(self, facts, done, deadline, on_view=facts_mod.noop,
               start=None):
        """The server once ``done(server)``; MigrationTimeout (with what
        was seen last) at the ``deadline``.

        With a ``start`` record, a view is believed only once Nova's own
        records agree: the migration record has ended (callers who may
        read it) or the instance action exists (everyone else), and then
        the server is read again.  A status seen before Nova's first
        change (a late answer, a cache) is never taken for the end.
        """
        if deadline is None:
            raise ValueError('a wait needs a deadline')
        record = None
        since = (start or {}).get('since')  # the watch reaches back once
        for interval in self._intervals():
            server = self._view(facts, done, deadline, on_view, since)
            since = None
            if done(server):
                if start is None:
                    return server
                record = self._watched_end(facts, start, deadline)
                if record is not None:
                    return dict(server, migration_record=record)
                phase, record = self._phase(facts, start)
                if phase == ENDED:
                    server = self._server(facts)  # read after the record
                    if done(server):
                        # the ended record goes with it: verifying the
                        # move need not ask for it again
                        return dict(server, migration_record=record) \
                            if record else server
            if self.clock() >= deadline:
                raise self._timeout(facts, server, self.migration_record(
                    facts) if start is not None else record)
            self.sleep(min(interval, max(0.0, deadline - self.clock())))

    def _view(self, facts, done, deadline, on_view, since=None):
        """The server once ``done(server)`` or at the deadline (the run's
        shared watch, reaching back to ``since`` when given, else a poll
        of its own)."""
        if self.watch is not None:
            server = self.watch.wait(facts['id'], done, deadline=deadline,
                                     on_view=on_view, since=since)
            if server is None:
                raise deleted(facts)
            return server
        for interval in self._intervals():
            server = self._server(facts)
            on_view(server)
            if done(server) or self.clock() >= deadline:
                return server
            self.sleep(min(interval, max(0.0, deadline - self.clock())))

    def watched_record(self, facts, start):
        """This move's migration record as the shared watch last saw it:
        None (not seen yet) or :data:`~osmigcfg.migrate.watch.UNTRACKED`
        (no watch lists records for this wait: read it yourself)."""
        if self.watch is None or 'last_migration' not in facts or \
                not (start or {}).get('since'):
            return watch_mod.UNTRACKED
        return self.watch.record(facts['id'], facts['last_migration'])

    def _watched_end(self, facts, start, deadline):
        """The ended record of this move from the shared watch (no request
        of our own), or None: the caller then reads Nova itself.

        The server leaves MIGRATING a moment before Nova marks the record
        final; the watch's next looks bring it (:data:`RECORD_LAG` at
        most).
        """
        if self.watched_record(facts, start) is watch_mod.UNTRACKED:
            return None
        record = self.watch.wait_record(
            facts['id'], facts['last_migration'],
            lambda r: r.get('status') not in IN_PROGRESS,
            deadline=min(deadline, self.clock() + RECORD_LAG))
        if record is watch_mod.UNTRACKED or record is None or \
                record.get('status') in IN_PROGRESS:
            return None
        return record

    def _phase(self, facts, start):
        """``(ENDED or UNSEEN or RUNNING, migration record or None)``.

        ENDED: the migration record reached a final state; for callers
        who cannot read records, the instance action of the move exists
        (Nova sets the task state before it records the action, so any
        server read from now on shows the move or its outcome), or one
        of its events failed.  UNSEEN: no sign in Nova yet.
        """
        if 'last_migration' in facts:
            record = self.migration_record(facts)
            if record is not None:
                return (RUNNING if record.get('status') in IN_PROGRESS
                        else ENDED), record
        elif 'last_action' not in facts:
            return ENDED, None  # no baseline: the view is all there is
        action = self._action(facts, start)
        if action is HIDDEN:  # the policy shows no record of any kind
            return (UNSEEN if 'last_migration' in facts else ENDED), None
        if action is None:
            return UNSEEN, None
        failed = any(str(e.get('result', '')).lower() == 'error'
                     for e in action.get('events') or ())
        if failed or 'last_migration' not in facts:
            return ENDED, None
        return UNSEEN, None  # admins: the record is still to come

    def _action(self, facts, start):
        """The instance action of this move; None (not yet) or HIDDEN
        (the caller may not read it, or the start has no request id)."""
        request_id = (start or {}).get('request_id')
        if request_id is None:
            request_id = (facts_mod.find_started(self.compute, facts) or
                          {}).get('request_id')
        if request_id is None:
            return HIDDEN
        try:
            return self.compute.action(facts['id'], request_id)
        except exceptions.CloudRequestError as e:
            if e.status == 404:
                return None
            if e.status == 403:
                return HIDDEN
            raise

    def _timeout(self, facts, server, record=None):
        detail = (f'; migration record {record.get("id")} is '
                  f'{record.get("status")}' if record else '')
        return exceptions.MigrationTimeout(
            f'{self.method} migration of {facts["name"]} still '
            f'{server["status"]} (task {server["task_state"]}) on '
            f'{facts_mod.where(server)}{detail} when we stopped waiting',
            hint='run `resume` to carry on waiting')

    def settled_record(self, facts, timeout=60.0):
        """The migration record once Nova has finished with it, or None.

        The server leaves MIGRATING (and shows its new host) a moment
        before Nova marks the record ``completed``: wait for the record.
        """
        deadline = self.clock() + timeout
        for interval in self._intervals():
            record = self.migration_record(facts)
            if record is None or record.get('status') not in IN_PROGRESS \
                    or self.clock() >= deadline:
                return record
            self.sleep(interval)

    def migration_record(self, facts):
        """The migration record Nova made for this move (admins), or None."""
        if 'last_migration' not in facts:
            return None
        records = facts_mod.optional(self.compute.migrations,
                                     facts['id']) or []
        last = facts.get('last_migration') or 0
        fresh = [m for m in records if (m.get('id') or 0) > last]
        return fresh[0] if fresh else None
