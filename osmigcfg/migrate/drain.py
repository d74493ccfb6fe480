"""Host drains and server lists: plan, refuse early, disable, run, enable.

:func:`drain_host` plans the drain (:mod:`~osmigcfg.migrate.planner`),
refuses to start when the plan holds an error finding (policy denial,
no capacity, no target host), optionally disables the host's compute
service with a reason, runs the plan on the engine and, on request,
enables the service again once every server has left.
"""

from __future__ import annotations

import dataclasses
import logging
import typing

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.migrate import options as options_mod
from osmigcfg.migrate import run as run_mod

if typing.TYPE_CHECKING:  # annotations only
    from collections.abc import Iterable

    from osmigcfg.engine.events import EventCallback
    from osmigcfg.migrate.compute import Compute
    from osmigcfg.migrate.outcomes import Outcome
    from osmigcfg.migrate.planner import Plan
    from osmigcfg.migrate.preflight import Preflight

LOG = logging.getLogger(__name__)

DISABLED_REASON = 'osmigcfg drain'


def refuse_on_errors(plan):
    """Raise when the plan has error findings (nothing is changed)."""
    errors = plan.report.at_least('error')
    if not errors:
        return
    first = errors[0]
    more = f' (and {len(errors) - 1} more)' if len(errors) > 1 else ''
    denied = first.code in ('MIG001', 'MIG002', 'MIG006') or \
        first.code.startswith(('RDY1', 'RDY2'))  # readiness: roles, rules
    cls = exceptions.PolicyDeniedError if denied else exceptions.InputError
    raise cls(f'{first.code}: {first.message}{more}', hint=first.hint)


def set_service(compute, preflight, host, disabled, reason=DISABLED_REASON):
    """Disable (with a reason) or enable the compute service on ``host``."""
    preflight.require('services')
    services = compute.compute_services(host)
    if not services:
        raise exceptions.NotFoundError('compute host', host)
    try:
        compute.set_service_disabled(services[0], disabled, reason)
    except exceptions.CloudRequestError as e:
        if e.status == 403:
            raise preflight.explain_forbidden('services', e.reason) from None
        raise


def drain_host(compute: Compute, preflight: Preflight, *,
               plan: Plan, journal_path: str,
               options: options_mod.RunOptions | None = None,
               disable_service: bool = False, enable_after: bool = False,
               callbacks: Iterable[EventCallback] = ()
               ) -> tuple[list[Outcome], engine.RunResult]:
    """Run a drain plan (see :func:`~osmigcfg.migrate.planner.plan_drain`).

    :param options: the run's :class:`~osmigcfg.migrate.options.RunOptions`
        (windows, timeout, stall policy; default: the defaults).
    :param disable_service: disable the host's compute service first.
    :param enable_after: enable it again once every server left.
    :returns: ``(outcomes, run result)``.
    :raises PolicyDeniedError, InputError: when the plan has errors.
    """
    if plan.host is None:
        # a server list has no host: disabling "its" service would pick
        # the first compute service of the cloud
        raise exceptions.InputError(
            f'drain_host runs a drain plan, not a {plan.kind} plan',
            hint='plan it with plan_drain, or run it with run_servers')
    refuse_on_errors(plan)
    service = options_mod.DrainService(
        plan.host, disable=disable_service, enable_after=enable_after)
    options = dataclasses.replace(options or options_mod.RunOptions(),
                                  service=service)
    if disable_service:
        set_service(compute, preflight, plan.host, True)
    found, result = run_mod.execute(
        compute, preflight, plan=plan, journal_path=journal_path,
        options=options, callbacks=callbacks)
    finish(compute, preflight, options, found)
    return found, result


def run_servers(compute: Compute, preflight: Preflight, *,
                plan: Plan, journal_path: str,
                options: options_mod.RunOptions | None = None,
                callbacks: Iterable[EventCallback] = ()
                ) -> tuple[list[Outcome], engine.RunResult]:
    """Run a plan of explicit servers (``migrate --servers ...``).

    :param options: the run's :class:`~osmigcfg.migrate.options.RunOptions`.
    :returns: ``(outcomes, run result)``.
    :raises PolicyDeniedError, InputError: when the plan has errors.
    """
    refuse_on_errors(plan)
    return run_mod.execute(compute, preflight, plan=plan,
                           journal_path=journal_path,
                           options=options or options_mod.RunOptions(),
                           callbacks=callbacks)


def resume_run(compute: Compute, preflight: Preflight, *,
               journal_path: str,
               callbacks: Iterable[EventCallback] = (),
               timeout: float | None = None
               ) -> tuple[list[Outcome], engine.RunResult]:
    """Resume any migration journal, then finish a drain (re-enable).

    :param timeout: per-migration wait from now on (None: the journal's,
        0: each operation's default).
    """
    found, result = run_mod.resume(compute, preflight,
                                   journal_path=journal_path,
                                   callbacks=callbacks, timeout=timeout)
    options = options_mod.RunOptions.from_dict(
        engine.Journal.open(journal_path).options)
    finish(compute, preflight, options, found)
    return found, result


def finish(compute, preflight, options, found):
    """Enable the drained host again when asked and everything left it."""
    service = options.service
    if not service or not service.enable_after:
        return
    if all(o.outcome in ('migrated', 'skipped') for o in found):
        set_service(compute, preflight, service.host, False)
    else:
        LOG.warning('not enabling %s again: some servers did not leave it',
                    service.host)
