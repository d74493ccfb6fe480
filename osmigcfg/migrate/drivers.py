"""Cold and live migration drivers: snapshot, start, wait, finish, verify.

A driver is stateless between calls: everything it needs comes from the
*facts* taken before the migration
(:func:`~osmigcfg.migrate.facts.snapshot`, journaled by the preflight step)
and the *start* record, so any call can be repeated after a crash.
Starting is careful never to issue a second migration: after a lost
answer, a 5xx or a 409, and on resume, it first asks Nova whether a new
migration action exists since the facts were taken
(:func:`~osmigcfg.migrate.facts.find_started`).

Success is verified, not assumed: the server is on another host (``host``
when visible, else the per-project ``hostId``), in its original state, and,
when the caller may read migration records, the record reached its final
state.  A live migration that rolled back is a :class:`MigrationFailed`.
"""

import itertools
import logging
import time

from osmigcfg import exceptions
from osmigcfg.cloud import http
from osmigcfg.cloud import retry
from osmigcfg.migrate import facts as facts_mod
from osmigcfg.migrate import stall as stall_mod
from osmigcfg.migrate import waits
from osmigcfg.migrate import watch as watch_mod

LOG = logging.getLogger(__name__)


LOOK_EVERY = 15.0
#: at most this many seconds between looks at a migration still queued
LOOK_QUEUED_MAX = 60.0


def _worth_another_start(error):
    """A 5xx or lost answer, or 409 (Nova busy with the server, or our
    own earlier call that did arrive): the look before the next call
    decides which."""
    return http.is_transient(error) or getattr(error, 'status', None) == 409


class Driver(waits.Waits):
    """What cold and live migrations share; see :class:`LiveDriver`."""

    method: str | None = None
    operation: str | None = None

    def __init__(self, compute, preflight, sleep=time.sleep, clock=time.time,
                 poll=(0.5, 1.5, 3.0), watch=None):
        self.compute = compute
        self.preflight = preflight
        self.sleep = sleep
        self.clock = clock
        self.poll = poll
        self.watch = watch  # a ServerWatch shared by a run, or None

    # -- start -------------------------------------------------------
    def start(self, facts, host=None, resumed=False, record=facts_mod.noop,
              **options):
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
        attempts = itertools.count(1)

        def call():
            record('calling', attempt=next(attempts), host=host)
            # the cloud's clock before the call: the server and its record
            # change after it (the shared watch reaches back to it)
            before = self.compute.session.last_date
            try:
                response = self._call(facts, host, **options)
            except exceptions.TransientError:
                raise
            except exceptions.CloudRequestError as e:
                self._refused(facts, host, e)  # raises unless 409 (busy)
                raise
            started = {'request_id': response.request_id,
                       'started': self.clock(), 'reconciled': False}
            if before is not None:
                started['since'] = before.isoformat()
            return started

        def retrying(error, attempt):
            LOG.info('%s of %s not started (%s); attempt %d, looking in '
                     'Nova before the next', self.method, facts['id'], error,
                     attempt)

        # the one "look before sending a non-idempotent POST again" loop
        try:
            return retry.again(call, look=lambda: self._started(facts),
                               transient=_worth_another_start,
                               on_retry=retrying, sleep=self.sleep)
        except exceptions.CloudRequestError as e:
            raise exceptions.MigrationFailed(
                f'{self.method} migration of {facts["name"]} could not '
                f'start: {e}') from None

    def _started(self, facts):
        found = facts_mod.find_started(self.compute, facts)
        if found is None:
            server = self.compute.server_or_gone(facts['id'])
            if not (server and server['status'] in facts_mod.STARTED_STATUSES):
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
            f'(server {server["status"]} on {facts_mod.where(server)}'
            f'{detail})')


class LiveDriver(Driver):
    """Live migration: start, wait (with stall policy), verify."""

    method = 'live'
    operation = 'live'

    def _call(self, facts, host, block_migration='auto'):
        return self.compute.live_migrate(facts['id'], host=host,
                                         block_migration=block_migration)

    def wait(self, facts, start, *, deadline, stall=None,
             progress=facts_mod.noop, record=facts_mod.noop):
        """Wait until the live migration has ended; returns the server.

        Ended: the server left MIGRATING and Nova's records agree
        (:meth:`_await`).  Callers who may read the migration record get
        its progress (and the stall policy, journaled through ``record``)
        every ``LOOK_EVERY`` seconds after the first.

        :param deadline: a ``clock()`` value (None: the default for live
            migrations, :data:`~osmigcfg.migrate.waits.DEFAULT_TIMEOUTS`).
        :raises MigrationTimeout: at the deadline, with what was seen last.
        """
        stall_watch = stall_mod.StallWatch(stall or stall_mod.StallPolicy())
        next_look = [self.clock() + LOOK_EVERY, LOOK_EVERY]
        running = {'status': None, 'since': None}

        def on_view(server):
            if 'last_migration' not in facts:
                return
            if not self._worth_a_look(facts, start, running, progress):
                return
            if self.clock() >= next_look[0]:
                status = self._look(facts, stall_watch, progress, record)
                # queued behind Nova's k slots: nothing to watch yet, look
                # less often (a drain queues many; each look is a request)
                next_look[1] = LOOK_EVERY if status == 'running' else \
                    min(next_look[1] * 2, LOOK_QUEUED_MAX)
                next_look[0] = self.clock() + next_look[1]

        return self._await(facts, lambda s: (
            s['task_state'] != 'migrating' and s['status'] != 'MIGRATING'),
            deadline or self.deadline_after('live'), on_view, start=start)

    def _worth_a_look(self, facts, start, running, progress):
        """Whether to read the migration's bytes now.

        With the run's watch listing records, the record's status comes
        without a request (reported when it changes), and the bytes are
        read only once Nova has been *running* the migration for
        ``LOOK_EVERY`` seconds: most migrations end before that, and only
        a running one can stall.  Without it, always (on the schedule).
        """
        found = self.watched_record(facts, start)
        if found is watch_mod.UNTRACKED:
            return True
        status = found.get('status') if found else None
        if status != running['status']:
            running['status'] = status
            running['since'] = self.clock()
            if found:
                progress(status=status, dest=found.get('dest_compute'))
        return status == 'running' and \
            self.clock() - running['since'] >= LOOK_EVERY

    def _look(self, facts, watch, progress, record_phase):
        records = facts_mod.optional(self.compute.live_migrations,
                                     facts['id']) or []
        if not records:
            return None
        record = records[0]
        progress(status=record.get('status'), dest=record.get('dest_compute'),
                 memory_remaining=record.get('memory_remaining_bytes'),
                 memory_total=record.get('memory_total_bytes'))
        if watch.observe(record, self.clock()):
            action = watch.policy.action
            progress(status='stalled', action=action)
            if action == 'wait':
                return record.get('status')
            record_phase('stalled', action=action, migration=record['id'])
            if action == 'force-complete':
                self.compute.force_complete(facts['id'], record['id'])
            else:
                self.compute.abort(facts['id'], record['id'],
                                   record.get('status'))
            record_phase(f'stall-{action}-sent', migration=record['id'])
        return record.get('status')

    def verify(self, facts, start, server):
        """Check the move really happened; returns the result record."""
        record = server.get('migration_record')  # seen ended by the wait
        if record is None or record.get('status') in waits.IN_PROGRESS:
            record = self.settled_record(facts)
        if not facts_mod.moved(facts, server):
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

    def wait(self, facts, start, *, deadline, **unused):
        """Wait until VERIFY_RESIZE (or a failure); returns the server.

        Decided once the migration record ended (or the instance action
        exists, for callers who cannot read records), never from a status
        that may precede Nova's first change (:meth:`_await`).

        :raises MigrationFailed: the move ended anywhere but VERIFY_RESIZE.
        :raises MigrationTimeout: at the deadline, with what was seen last.
        """
        server = self._await(facts, waits.idle, deadline or
                             self.deadline_after('cold'), start=start)
        if server['status'] == 'VERIFY_RESIZE':
            return server
        record = self.migration_record(facts)
        if record and record.get('status') in ('confirming', 'confirmed') \
                and facts_mod.moved(facts, server):
            return server  # confirmed already (a resumed run)
        self._fail(facts, server, record, 'failed before VERIFY_RESIZE')

    def confirm(self, facts, *, deadline, record=facts_mod.noop):
        """Confirm (if still VERIFY_RESIZE) and wait; returns the server.

        :param deadline: a ``clock()`` value (None: the confirm default,
            :data:`~osmigcfg.migrate.waits.DEFAULT_TIMEOUTS`).
        """
        return self._finish(facts, deadline or self.deadline_after(
            'confirm'), record, 'confirm')

    def rollback(self, facts, *, deadline, record=facts_mod.noop):
        """Revert and wait; restart a server that was running.

        A server still resizing is waited for (VERIFY_RESIZE), then
        reverted; the server is read again and the revert retried until
        it is back or the ``deadline`` (None: the revert default) passes.

        :raises MigrationTimeout: at the deadline, with what was seen last.
        """
        deadline = deadline or self.deadline_after('revert')
        server = self._finish(facts, deadline, record, 'revert')
        if facts['status'] == 'ACTIVE' and server['status'] == 'SHUTOFF':
            record('starting')
            self.compute.session.write(
                'POST', f'/servers/{facts["id"]}/action',
                f'start {facts["id"]}', {'os-start': None})
            server = self._await(facts, lambda s: (
                s['task_state'] is None and s['status'] != 'SHUTOFF'),
                deadline)
        return server

    def _finish(self, facts, deadline, record, verb):
        """Send ``verb`` whenever the server is VERIFY_RESIZE and idle,
        until it settles elsewhere; bounded by ``deadline``."""
        for attempt in itertools.count(1):
            server = self._await(facts, waits.idle, deadline)
            if server['status'] != 'VERIFY_RESIZE':
                record(f'{verb}ed', status=server['status'])
                return server
            record(f'{verb}ing', attempt=attempt)
            if self._send(facts, verb):
                self._await(facts, lambda s: waits.idle(s) and
                            s['status'] != 'VERIFY_RESIZE', deadline)
            elif self.clock() < deadline:
                self.sleep(min(attempt * 0.5, self.poll[-1]))

    def _send(self, facts, verb):
        """Confirm or revert once; False when Nova did not take it."""
        try:
            getattr(self.compute, verb)(facts['id'])
            return True
        except exceptions.TransientError as e:
            LOG.info('%s of %s: %s; looking again', verb, facts['id'], e)
        except exceptions.CloudRequestError as e:
            if e.status == 403:
                raise self.preflight.explain_forbidden(
                    verb, e.reason,
                    project_id=facts.get('project_id')) from None
            if e.status not in (400, 409):  # busy, or done already: look
                raise exceptions.MigrationFailed(
                    f'cannot {verb} the migration of {facts["name"]}: '
                    f'{e.reason}') from None
            LOG.info('%s of %s refused (%s); looking again', verb,
                     facts['id'], e.reason)
        return False

    def verify(self, facts, start, server, confirmed=True):
        """Check the move really happened; returns the result record."""
        record = self.settled_record(facts)
        if not facts_mod.moved(facts, server):
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
