"""The drain's readiness gate: are these migrations bound to fail everywhere?

Before a drain starts, :func:`check_readiness` runs the readiness checks
that need no configuration file (:func:`osmigcfg.readiness.assess` over
the caller's connection: the service users' roles from keystone, each
service's policy for them, the cloud's facts).  A kind of migration that
readiness finds *blocked* fails whichever host the scheduler picks, so
each reason blocking a kind the plan uses becomes an error finding of the
plan (its RDY code, message and fix): the drain is refused before
anything changes.  With ``ignore`` (``--ignore-readiness``) they are
warnings and a warning is logged.  What readiness cannot decide (keystone
unreadable, a service missing) is a warning; checks the preflight and the
planner already make (the caller's Nova rules, the compute services) are
left to them.
"""

import dataclasses
import logging

from osmigcfg import exceptions

LOG = logging.getLogger(__name__)

#: Reasons the migrator judges itself: the caller's Nova rules (MIG001,
#: MIG002) and the compute services (MIG112, MIG113).
LEFT_TO_PLANNER = frozenset({'RDY401', 'RDY402', 'RDY403', 'RDY404'})
IGNORED = ' (--ignore-readiness: starting anyway)'


def plan_kinds(plan):
    """The readiness kinds of migration the plan's movers make."""
    kinds = set()
    for item in plan.movers:
        if item['host']:
            kinds.add('host_targeted')
        else:
            kinds.add('live' if item['method'] == 'live' else 'cold')
    return kinds


def _judged_elsewhere(finding):
    if finding.code in LEFT_TO_PLANNER:
        return True
    subject = finding.location.subject or ''
    return finding.code == 'RDY102' and subject.startswith('nova:')


def gate_findings(result, kinds, *, ignore=False):
    """The plan findings of a :class:`~osmigcfg.readiness.ReadinessResult`
    for the ``kinds`` of migration a plan makes (each reason once)."""
    concerned = {}   # id(reason) -> (reason, [kind, ...])
    for verdict in result.kinds:
        if verdict.kind not in kinds:
            continue
        for reason in verdict.reasons:
            if (reason.blocks or reason.unknown) and \
                    not _judged_elsewhere(reason.finding):
                concerned.setdefault(id(reason), (reason, []))[1].append(
                    verdict.kind)
    out, unknown = [], []
    for reason, mine in concerned.values():
        if not reason.blocks:
            unknown.append((reason, mine))
            continue
        f = reason.finding
        message = (f'readiness predicts every {", ".join(mine)} migration '
                   f'of this plan fails, whatever the host: {f.message}')
        if ignore:
            out.append(dataclasses.replace(
                f, message=message + IGNORED, severity='warning'))
        else:
            out.append(dataclasses.replace(
                f, message=message, severity='error', hint=f'{f.hint}; or '
                '--ignore-readiness to start anyway'))
    if unknown:  # one warning: the first cause (keystone unread) first
        unknown.sort(key=lambda r: r[0].finding.code != 'RDY204')
        f = unknown[0][0].finding
        named = dict.fromkeys(k for _, mine in unknown for k in mine)
        more = f' (and {len(unknown) - 1} more)' if len(unknown) > 1 else ''
        out.append(dataclasses.replace(f, severity='warning', message=(
            f'readiness cannot tell whether migrations ({", ".join(named)}) '
            f'work: {f.message}{more}')))
    return out


def check_readiness(plan, preflight, conn, *, role_assignments=None,
                    ignore=False, timeout=30.0):
    """Add the readiness findings of ``plan`` to its report.

    :param preflight: the plan's :class:`~osmigcfg.migrate.preflight.
        Preflight` (its Nova policy and the caller's roles are used).
    :param conn: the caller's openstacksdk connection (an admin's, to read
        keystone's role assignments and the compute services).
    :param role_assignments: a file of the service users' roles, for a
        cloud whose keystone the caller cannot read.
    :param ignore: report blocked kinds as warnings, do not refuse.
    :returns: the :class:`~osmigcfg.readiness.ReadinessResult`, or None
        when nothing moves or readiness could not run.
    """
    kinds = plan_kinds(plan)
    if not kinds:
        return None
    from osmigcfg import readiness  # oslo.policy and friends: slow import
    policy = preflight.policy
    inputs = readiness.Inputs(
        role_assignments=role_assignments,
        release=policy.release if policy is not None else None,
        enforce_new_defaults=(policy.enforce_new_defaults
                              if policy is not None else True),
        caller_roles=tuple(preflight.caller.roles or ('admin',)),
        timeout=timeout)
    try:
        result = readiness.assess(
            inputs, conn=conn,
            policies={'nova': policy} if policy is not None else None)
    except exceptions.UnknownReleaseError as e:
        # another service has no catalog of this release
        LOG.warning('readiness not checked: %s', e.message)
        return None
    found = gate_findings(result, kinds, ignore=ignore)
    if ignore and any(f.message.endswith(IGNORED) for f in found):
        LOG.warning('readiness predicts this plan fails; starting anyway '
                    '(--ignore-readiness)')
    plan.report.extend(found)
    return result
