"""Single-server operations: migrate, confirm, revert, abort, force-complete.

Each checks the policy preflight first (nothing is sent when it refuses),
then talks to Nova through the drivers and waits for the result it can
verify.  ``migrate_server(..., wait=True)`` runs a one-server plan on the
engine, journaled like a drain; without ``wait`` it only starts the move.
"""

from __future__ import annotations

import dataclasses
import typing

from osmigcfg import exceptions
from osmigcfg.migrate import drivers
from osmigcfg.migrate import facts as facts_mod
from osmigcfg.migrate import options as options_mod
from osmigcfg.migrate import planner
from osmigcfg.migrate import run as run_mod

if typing.TYPE_CHECKING:  # annotations only
    from collections.abc import Iterable

    from osmigcfg.engine.events import EventCallback
    from osmigcfg.engine.runner import RunResult
    from osmigcfg.migrate.outcomes import Outcome
    from osmigcfg.migrate.compute import Compute
    from osmigcfg.migrate.preflight import Preflight

BLOCK = {'auto': 'auto', 'true': True, 'false': False}


@dataclasses.dataclass
class Done:
    """The answer of a single-server operation."""

    server: dict
    message: str


def find_server(compute, ref):
    """A server by id or name: own project first, then all (admins)."""
    try:
        return compute.server(ref)
    except exceptions.NotFoundError:
        try:
            return compute.server(ref, all_projects=True)
        except exceptions.CloudRequestError as e:
            if e.status == 403:
                raise exceptions.NotFoundError('server', ref) from None
            raise


def migrate_server(compute: Compute, preflight: Preflight, *, ref: str,
                   method: str, host: str | None = None,
                   block_migration: str | bool = 'auto', wait: bool = False,
                   confirm: bool = False, journal_path: str | None = None,
                   options: options_mod.RunOptions | None = None,
                   callbacks: Iterable[EventCallback] = ()
                   ) -> Done | tuple[list[Outcome], RunResult]:
    """Migrate one server.

    :param ref: the server's name or id.
    :param method: ``'cold'`` or ``'live'``.
    :param wait: run it journaled (at ``journal_path``) and wait for the
        verified outcome, with ``options``.

    :returns: ``Done`` when not waiting; else ``(outcomes, run result)``.
    :raises PolicyDeniedError: before anything is sent, when refused.
    """
    server = find_server(compute, ref)
    preflight.require(method, host=host, project_id=server['project_id'])
    item = planner.plan_item(server, method, host=host, confirm=confirm,
                             block_migration=BLOCK[str(block_migration)])
    if item['skip']:
        raise exceptions.InputError(
            f'{server["name"]} cannot be {method}-migrated now: '
            f'{item["skip"]}')
    if wait:
        plan = planner.Plan('migrate', None, [item])
        return run_mod.execute(
            compute, preflight, plan=plan, journal_path=journal_path,
            options=options or options_mod.RunOptions(), callbacks=callbacks)
    driver = drivers.DRIVERS[method](compute, preflight)
    facts = facts_mod.snapshot(compute, server['id'])
    extra = {'block_migration': item['block_migration']} \
        if method == 'live' else {}
    start = driver.start(facts, host=host, **extra)
    return Done(server, f'{method} migration of {server["name"]} started '
                f'(request {start["request_id"]}); watch it with `server '
                f'migrate --wait` next time, or `report`')


def _server_in(compute, preflight, *, ref, operation, status, refusal):
    """The server, once the policy allows ``operation`` and it is in
    ``status`` (else InputError: its name, its status and ``refusal``)."""
    server = find_server(compute, ref)
    preflight.require(operation, project_id=server['project_id'])
    if server['status'] != status:
        raise exceptions.InputError(
            f'{server["name"]} is {server["status"]}{refusal}')
    return server


def _done(verb, server):
    return Done(server, f'{verb}: {server["name"]} is {server["status"]} '
                f'on {facts_mod.where(server)}')


def _finish_resize(compute, preflight, *, ref, timeout, operation):
    server = _server_in(
        compute, preflight, ref=ref, operation=operation,
        status='VERIFY_RESIZE',
        refusal=', not waiting for a confirm or revert (VERIFY_RESIZE)')
    facts = facts_mod.snapshot(compute, server['id'])
    cold = drivers.ColdDriver(compute, preflight)
    finish = cold.confirm if operation == 'confirm' else cold.rollback
    return finish(facts, deadline=_deadline(cold, timeout, operation))


def confirm_server(compute: Compute, preflight: Preflight, *, ref: str,
                   timeout: float | None = None) -> Done:
    """Confirm a cold migration and wait until the server settles.

    :param timeout: seconds to wait (None: the confirm default,
        :data:`~osmigcfg.migrate.waits.DEFAULT_TIMEOUTS`).
    """
    return _done('confirmed', _finish_resize(
        compute, preflight, ref=ref, timeout=timeout, operation='confirm'))


def revert_server(compute: Compute, preflight: Preflight, *, ref: str,
                  timeout: float | None = None) -> Done:
    """Revert a cold migration: the server goes back to its source host.

    :param timeout: seconds to wait (None: the revert default).
    """
    return _done('reverted', _finish_resize(
        compute, preflight, ref=ref, timeout=timeout, operation='revert'))


def _running_migration(compute, preflight, *, ref, operation, migration_id):
    server = _server_in(compute, preflight, ref=ref, operation=operation,
                        status='MIGRATING',
                        refusal=': no live migration in progress')
    try:
        records = compute.live_migrations(server['id'])
    except exceptions.CloudRequestError as e:
        if e.status == 403:
            raise preflight.explain_forbidden(
                'server-migrations', e.reason,
                project_id=server['project_id']) from None
        raise
    if migration_id is not None:
        records = [r for r in records if str(r['id']) == str(migration_id)
                   or r.get('uuid') == migration_id]
    if not records:
        raise exceptions.NotFoundError(
            'in-progress live migration',
            migration_id or f'of {server["name"]}')
    return server, records[0]


def abort_server(compute: Compute, preflight: Preflight, *, ref: str,
                 migration_id: str | None = None,
                 timeout: float | None = None) -> Done:
    """Abort a live migration; the server stays on its source host.

    :param timeout: seconds to wait (None: the live migration default).
    """
    server, record = _running_migration(compute, preflight, ref=ref,
                                        operation='abort',
                                        migration_id=migration_id)
    _call_or_explain(preflight, server, operation='abort',
                     call=lambda: compute.abort(server['id'], record['id'],
                                                record.get('status')))
    return _done('aborted', _wait_live(compute, preflight, server, timeout))


def force_complete_server(compute: Compute, preflight: Preflight, *,
                          ref: str, migration_id: str | None = None,
                          timeout: float | None = None) -> Done:
    """Force a running live migration to finish now.

    :param timeout: seconds to wait (None: the live migration default).
    """
    server, record = _running_migration(compute, preflight, ref=ref,
                                        operation='force-complete',
                                        migration_id=migration_id)
    if record.get('status') != 'running':
        raise exceptions.InputError(
            f'migration {record["id"]} is {record.get("status")}: only a '
            f'running live migration can be forced to complete')
    _call_or_explain(preflight, server, operation='force-complete',
                     call=lambda: compute.force_complete(server['id'],
                                                         record['id']))
    return _done('force-completed',
                 _wait_live(compute, preflight, server, timeout))


def _call_or_explain(preflight, server, *, operation, call):
    try:
        return call()
    except exceptions.CloudRequestError as e:
        if e.status == 403:
            raise preflight.explain_forbidden(
                operation, e.reason, project_id=server['project_id']) \
                from None
        raise


def _wait_live(compute, preflight, server, timeout):
    live = drivers.LiveDriver(compute, preflight)
    return live.wait(server, {}, deadline=_deadline(live, timeout, 'live'))


def _deadline(driver, timeout, operation):
    return driver.deadline_after(operation, timeout)
