"""Host drains and server lists: plan, refuse early, disable, run, enable.

:func:`drain_host` plans the drain (:mod:`~osmigcfg.migrate.planner`),
refuses to start when the plan holds an error finding (policy denial,
no capacity, no target host), optionally disables the host's compute
service with a reason, runs the plan on the engine and, on request,
enables the service again once every server has left.
"""

import logging

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.migrate import run as run_mod

LOG = logging.getLogger(__name__)

DISABLED_REASON = 'osmigcfg drain'


def refuse_on_errors(plan):
    """Raise when the plan has error findings (nothing is changed)."""
    errors = plan.report.at_least('error')
    if not errors:
        return
    first = errors[0]
    more = f' (and {len(errors) - 1} more)' if len(errors) > 1 else ''
    cls = (exceptions.PolicyDeniedError if first.code in
           ('MIG001', 'MIG002', 'MIG006') else exceptions.InputError)
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


def drain_host(compute, preflight, plan, journal_path, windows,
               disable_service=False, enable_after=False, options=None,
               callbacks=()):
    """Run a drain plan (see :func:`~osmigcfg.migrate.planner.plan_drain`).

    :returns: ``(outcomes, run result)``.
    :raises PolicyDeniedError, InputError: when the plan has errors.
    """
    refuse_on_errors(plan)
    options = dict(options or {}, windows=windows.limits,
                   nova_limit=windows.nova_limit,
                   service={'host': plan.host, 'disable': disable_service,
                            'enable_after': enable_after})
    if disable_service:
        set_service(compute, preflight, plan.host, True)
    found, result = run_mod.execute(compute, plan, journal_path, preflight,
                                    options=options, callbacks=callbacks)
    finish(compute, preflight, options, found)
    return found, result


def run_servers(compute, preflight, plan, journal_path, windows,
                options=None, callbacks=()):
    """Run a plan of explicit servers (``migrate --servers ...``)."""
    refuse_on_errors(plan)
    options = dict(options or {}, windows=windows.limits,
                   nova_limit=windows.nova_limit)
    return run_mod.execute(compute, plan, journal_path, preflight,
                           options=options, callbacks=callbacks)


def resume_run(compute, preflight, journal_path, callbacks=(),
               timeout=None):
    """Resume any migration journal, then finish a drain (re-enable).

    :param timeout: per-migration wait from now on (None: the journal's,
        0: each operation's default).
    """
    found, result = run_mod.resume(compute, journal_path, preflight,
                                   callbacks=callbacks, timeout=timeout)
    options = engine.Journal.open(journal_path).options
    finish(compute, preflight, options, found)
    return found, result


def finish(compute, preflight, options, found):
    """Enable the drained host again when asked and everything left it."""
    service = options.get('service') or {}
    if not service.get('enable_after'):
        return
    if all(o.outcome in ('migrated', 'skipped') for o in found):
        set_service(compute, preflight, service['host'], False)
    else:
        LOG.warning('not enabling %s again: some servers did not leave it',
                    service['host'])
