"""Cold and live migration drivers: snapshot, start, wait, finish, verify.

A driver is stateless between calls: everything it needs comes from the
*facts* taken before the migration (:func:`snapshot`, journaled by the
preflight step) and the *start* record, so any call can be repeated after a
crash.  Starting is careful never to issue a second migration: after a lost
answer, a 5xx or a 409, and on resume, it first asks Nova whether a new
migration action exists since the facts were taken (:func:`find_started`).

Success is verified, not assumed: the server is on another host (``host``
when visible, else the per-project ``hostId``), in its original state, and,
when the caller may read migration records, the record reached its final
state.  A live migration that rolled back is a :class:`MigrationFailed`.
"""

import logging
import time

from osmigcfg import exceptions
from osmigcfg.migrate import facts as facts_mod
from osmigcfg.migrate import session as session_mod
from osmigcfg.migrate import stall as stall_mod

LOG = logging.getLogger(__name__)

START_ATTEMPTS = 3
LOOK_EVERY = 15.0
IN_PROGRESS = ('accepted', 'queued', 'preparing', 'running', 'post-migrating',
               'pre-migrating', 'migrating', 'confirming', 'reverting')
BUSY_STATUSES = ('MIGRATING', 'RESIZE', 'REVERT_RESIZE')
STARTED_STATUSES = facts_mod.STARTED_STATUSES
snapshot = facts_mod.snapshot
moved = facts_mod.moved
where = facts_mod.where
noop = facts_mod.noop
_optional = facts_mod.optional


def _deleted(facts):
    return exceptions.MigrationFailed(
        f'server {facts["name"]} was deleted during its migration')


class Driver:
    """What cold and live migrations share; see :class:`LiveDriver`."""

    method = None
    operation = None

    def __init__(self, compute, preflight, sleep=time.sleep, clock=time.time,
                 poll=(0.5, 1.5, 3.0), watch=None):
        self.compute = compute
        self.preflight = preflight
        self.sleep = sleep
        self.clock = clock
        self.poll = poll
        self.watch = watch  # a ServerWatch shared by a run, or None

    # -- start -------------------------------------------------------
    def start(self, facts, host=None, resumed=False, record=noop, **options):
        """Start the migration once; returns the start record (a dict).

        :param resumed: the journal says a start may already have been
            sent: look in Nova before sending anything.
        :param record: called as ``record(phase, **details)`` before and
            after the call (the journal).
        """
        if resumed:
            found = self._started(facts)
            if found:
                return found
        last = None
        for attempt in range(1, START_ATTEMPTS + 1):
            record('calling', attempt=attempt, host=host)
            try:
                response = self._call(facts, host, **options)
                return {'request_id': response.request_id,
                        'started': self.clock(), 'reconciled': False}
            except session_mod.TransientError as e:
                last = e
            except exceptions.CloudRequestError as e:
                self._refused(facts, host, e)
                last = e
            found = self._started(facts)
            if found:
                return found
            LOG.info('%s of %s not started (%s); attempt %d of %d',
                     self.method, facts['id'], last, attempt, START_ATTEMPTS)
            self.sleep(attempt * 0.5)
        raise exceptions.MigrationFailed(
            f'{self.method} migration of {facts["name"]} could not start: '
            f'{last}')

    def _started(self, facts):
        found = facts_mod.find_started(self.compute, facts)
        if found is None:
            server = self.compute.server_or_gone(facts['id'])
            if not (server and server['status'] in STARTED_STATUSES):
                return None
            found = {'request_id': None}
        LOG.info('%s migration of %s already started in Nova (%s)',
                 self.method, facts['id'], found)
        return dict(found, started=self.clock(), reconciled=True)

    def _refused(self, facts, host, error):
        if error.status == 403:
            raise self.preflight.explain_forbidden(
                self.operation, error.reason, host=host,
                project_id=facts.get('project_id'))
        if error.status == 409:
            return  # busy, or our own earlier attempt: look, then retry
        if error.status == 400 and host:
            raise exceptions.InputError(
                f'cannot {self.method}-migrate {facts["name"]} to {host}: '
                f'{error.reason}')
        raise exceptions.MigrationFailed(
            f'Nova refused to {self.method}-migrate {facts["name"]}: '
            f'{error.reason}')

    # -- wait --------------------------------------------------------
    def _server(self, facts):
        server = self.compute.server_or_gone(facts['id'])
        if server is None:
            raise _deleted(facts)
        return server

    def _intervals(self):
        first, factor, top = self.poll
        interval = first
        while True:
            yield interval
            interval = min(interval * factor, top)

    def _await(self, facts, done, deadline, on_view=noop):
        """The server once ``done(server)``; MigrationTimeout at the
        deadline.  Uses the run's shared watch, else polls on its own."""
        if self.watch is not None:
            server = self.watch.wait(facts['id'], done, deadline=deadline,
                                     on_view=on_view)
            if server is None:
                raise _deleted(facts)
            if not done(server):
                self._deadline_passed(facts, 0, server)
            return server
        for interval in self._intervals():
            server = self._server(facts)
            on_view(server)
            if done(server):
                return server
            self._deadline_passed(facts, deadline, server)
            self.sleep(interval)

    def _deadline_passed(self, facts, deadline, server):
        if deadline is not None and self.clock() >= deadline:
            raise exceptions.MigrationTimeout(
                f'{self.method} migration of {facts["name"]} still '
                f'{server["status"]} when we stopped waiting',
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
        records = _optional(self.compute.migrations, facts['id']) or []
        last = facts.get('last_migration') or 0
        fresh = [m for m in records if (m.get('id') or 0) > last]
        return fresh[0] if fresh else None

    def result(self, facts, start, server, record):
        """The success record of a verified migration."""
        return {'source': facts.get('host') or facts.get('host_id'),
                'dest': server.get('host') or server.get('host_id'),
                'status': server['status'],
                'migration_status': record.get('status') if record else None,
                'started': start.get('started'), 'ended': self.clock()}

    def _fail(self, facts, server, record, what):
        detail = (f'; migration record {record.get("id")} is '
                  f'{record.get("status")}' if record else '')
        raise exceptions.MigrationFailed(
            f'{self.method} migration of {facts["name"]} {what} '
            f'(server {server["status"]} on {where(server)}{detail})')


class LiveDriver(Driver):
    """Live migration: start, wait (with stall policy), verify."""

    method = 'live'
    operation = 'live'

    def _call(self, facts, host, block_migration='auto'):
        return self.compute.live_migrate(facts['id'], host=host,
                                         block_migration=block_migration)

    def wait(self, facts, start, deadline=None, stall=None, progress=noop,
             record=noop):
        """Wait until the server leaves MIGRATING; returns the server.

        Callers who may read the migration record get its progress (and
        the stall policy, journaled through ``record``) every
        ``LOOK_EVERY`` seconds after the first.
        """
        stall_watch = stall_mod.StallWatch(stall or stall_mod.StallPolicy())
        next_look = [self.clock() + LOOK_EVERY]

        def on_view(server):
            if 'last_migration' in facts and self.clock() >= next_look[0]:
                next_look[0] = self.clock() + LOOK_EVERY
                self._look(facts, stall_watch, progress, record)

        return self._await(facts, lambda s: (
            s['task_state'] != 'migrating' and s['status'] != 'MIGRATING'),
            deadline, on_view)

    def _look(self, facts, watch, progress, record_phase):
        records = _optional(self.compute.live_migrations, facts['id']) or []
        if not records:
            return
        record = records[0]
        progress(status=record.get('status'), dest=record.get('dest_compute'),
                 memory_remaining=record.get('memory_remaining_bytes'))
        if watch.observe(record, self.clock()):
            action = watch.policy.action
            progress(status='stalled', action=action)
            if action == 'wait':
                return
            record_phase('stalled', action=action, migration=record['id'])
            if action == 'force-complete':
                self.compute.force_complete(facts['id'], record['id'])
            else:
                self.compute.abort(facts['id'], record['id'],
                                   record.get('status'))
            record_phase(f'stall-{action}-sent', migration=record['id'])

    def verify(self, facts, start, server):
        """Check the move really happened; returns the result record."""
        record = self.settled_record(facts)
        if not moved(facts, server):
            self._fail(facts, server, record, 'rolled back: the server is '
                       'still on its source host')
        if server['status'] != facts['status']:
            self._fail(facts, server, record,
                       f'left the server {server["status"]} '
                       f'(was {facts["status"]})')
        if record is not None and record.get('status') != 'completed':
            self._fail(facts, server, record, 'did not complete')
        return self.result(facts, start, server, record)


class ColdDriver(Driver):
    """Cold migration: start, wait for VERIFY_RESIZE, confirm or revert."""

    method = 'cold'
    operation = 'cold'

    def _call(self, facts, host, **options):
        return self.compute.migrate(facts['id'], host=host)

    def _settle(self, facts, deadline, done):
        return self._await(facts, done, deadline)

    def wait(self, facts, start, deadline=None, **unused):
        """Wait until VERIFY_RESIZE (or a failure); returns the server."""
        server = self._settle(facts, deadline, lambda s: (
            s['status'] not in BUSY_STATUSES and s['task_state'] is None))
        if server['status'] != 'VERIFY_RESIZE':
            self._fail(facts, server, self.migration_record(facts),
                       'failed before VERIFY_RESIZE')
        return server

    def confirm(self, facts, deadline=None, record=noop):
        """Confirm (if still VERIFY_RESIZE) and wait; returns the server."""
        return self._finish(facts, deadline, record, 'confirm')

    def rollback(self, facts, deadline=None, record=noop):
        """Revert (if VERIFY_RESIZE) and wait; restart a stopped server."""
        server = self._finish(facts, deadline, record, 'revert')
        if facts['status'] == 'ACTIVE' and server['status'] == 'SHUTOFF':
            record('starting')
            self.compute.session.write(
                'POST', f'/servers/{facts["id"]}/action',
                f'start {facts["id"]}', {'os-start': None})
            server = self._settle(facts, deadline, lambda s: (
                s['task_state'] is None and s['status'] != 'SHUTOFF'))
        return server

    def _finish(self, facts, deadline, record, verb):
        for attempt in range(1, START_ATTEMPTS + 1):
            server = self._server(facts)
            if not (server['status'] == 'VERIFY_RESIZE'
                    and server['task_state'] is None):
                break
            record(f'{verb}ing', attempt=attempt)
            try:
                getattr(self.compute, verb)(facts['id'])
                break
            except session_mod.TransientError as e:
                LOG.info('%s of %s: %s; looking again', verb, facts['id'], e)
                self.sleep(attempt * 0.5)
            except exceptions.CloudRequestError as e:
                if e.status == 403:
                    raise self.preflight.explain_forbidden(
                        verb, e.reason,
                        project_id=facts.get('project_id')) from None
                if e.status not in (400, 409):  # 400: already confirmed
                    raise exceptions.MigrationFailed(
                        f'cannot {verb} the migration of {facts["name"]}: '
                        f'{e.reason}') from None
                break
        else:
            raise exceptions.MigrationFailed(
                f'cannot {verb} the migration of {facts["name"]}: the API '
                f'kept failing')
        server = self._settle(facts, deadline, lambda s: (
            s['task_state'] is None and s['status'] not in
            BUSY_STATUSES + ('VERIFY_RESIZE',)))
        record(f'{verb}ed', status=server['status'])
        return server

    def verify(self, facts, start, server, confirmed=True):
        """Check the move really happened; returns the result record."""
        record = self.settled_record(facts)
        if not moved(facts, server):
            self._fail(facts, server, record, 'left the server on its '
                       'source host')
        wanted = facts['status'] if confirmed else 'VERIFY_RESIZE'
        if server['status'] != wanted:
            self._fail(facts, server, record,
                       f'left the server {server["status"]} (wanted {wanted})')
        final = ('confirmed',) if confirmed else ('finished',)
        if record is not None and record.get('status') not in final:
            self._fail(facts, server, record, 'did not reach its final state')
        return self.result(facts, start, server, record)


DRIVERS = {'live': LiveDriver, 'cold': ColdDriver}
