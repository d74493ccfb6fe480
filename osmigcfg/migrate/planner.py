"""Plans: which servers move, how, and what stands in the way.

A plan is a JSON-friendly dict kept in the journal (the flows are rebuilt
from it on resume)::

    {'kind': 'drain' | 'migrate', 'host': 'host1' | None,
     'items': [{'id', 'name', 'project_id', 'status', 'source', 'flavor',
                'method': 'live' | 'cold' | None, 'host': target or None,
                'block_migration': 'auto', 'confirm': bool,
                'skip': reason or None}, ...]}

plus, beside it, a :class:`~osmigcfg.findings.Report` of what the
preflight found (policy denials, skipped servers, capacity).  ACTIVE and
PAUSED servers move live, SHUTOFF ones cold (then confirm); every other
state is skipped with its reason.
"""

from __future__ import annotations

import dataclasses
import re
import typing

from osmigcfg import exceptions
from osmigcfg import findings
from osmigcfg.migrate import capacity
from osmigcfg.migrate import codes

if typing.TYPE_CHECKING:  # annotations only
    from osmigcfg.migrate.compute import Compute
    from osmigcfg.migrate.preflight import Preflight

LIVE_STATES = ('ACTIVE', 'PAUSED')
COLD_STATES = ('ACTIVE', 'SHUTOFF')
WHY_NOT = {
    'SUSPENDED': 'suspended: resume it first',
    'SHELVED_OFFLOADED': 'shelved and offloaded: it is on no host',
    'SHELVED': 'shelved: unshelve or offload it first',
    'RESCUE': 'in rescue mode: unrescue it first',
    'ERROR': 'in ERROR: repair it first',
    'VERIFY_RESIZE': 'waiting for a resize confirm or revert',
}


@dataclasses.dataclass
class Plan:
    """Servers to move and the findings about them."""

    kind: str
    host: str | None
    items: list[dict[str, typing.Any]]
    report: findings.Report = dataclasses.field(
        default_factory=findings.Report)

    def to_dict(self) -> dict[str, typing.Any]:
        return {'kind': self.kind, 'host': self.host, 'items': self.items}

    @classmethod
    def from_dict(cls, data: typing.Mapping[str, typing.Any]) -> Plan:
        return cls(data['kind'], data.get('host'), list(data['items']))

    @property
    def movers(self) -> list[dict[str, typing.Any]]:
        return [i for i in self.items if i['method'] and not i['skip']]


def choose_method(server, wanted='auto'):
    """``(method, skip reason)`` for a server ('auto', 'live' or 'cold')."""
    status = server['status']
    if server.get('task_state'):
        return None, f'busy: task {server["task_state"]} in progress'
    if wanted == 'live' or (wanted == 'auto' and status in LIVE_STATES):
        if status in LIVE_STATES:
            return 'live', None
        return None, f'{status}: only ACTIVE or PAUSED servers move live'
    if status in COLD_STATES:
        return 'cold', None
    return None, WHY_NOT.get(status, f'{status}: Nova cannot migrate it')


def plan_item(server, method='auto', host=None, confirm=True,
              block_migration='auto'):
    """One plan item for ``server`` (a server view)."""
    chosen, skip = choose_method(server, method)
    if not server.get('host') and not server.get('host_id'):
        chosen, skip = None, 'on no host'
    return {'id': server['id'], 'name': server['name'],
            'project_id': server['project_id'], 'status': server['status'],
            'source': server.get('host'), 'flavor': server.get('flavor'),
            'method': chosen, 'host': host if chosen else None,
            'block_migration': block_migration, 'confirm': confirm,
            'skip': skip}


def _skip_findings(items):
    for item in items:
        if item['skip']:
            code = (codes.SKIPPED_BUSY if item['skip'].startswith('busy')
                    else codes.SKIPPED_STATE)
            yield findings.make_finding(
                code, f'{item["name"]} ({item["id"]}) not moved: '
                f'{item["skip"]}', subject=item['id'])


def _policy_findings(preflight, items):
    seen = set()
    for item in items:
        if not item['method']:
            continue
        key = (item['method'], bool(item['host']), item['project_id'])
        if key in seen:
            continue
        seen.add(key)
        verdict = preflight.check(item['method'], host=item['host'],
                                  project_id=item['project_id'])
        if verdict.finding is not None:
            finding = verdict.finding
            if verdict.allowed is False and not preflight.authoritative:
                finding = dataclasses.replace(
                    finding, severity='warning', message=finding.message +
                    ' (Nova defaults assumed: give --policy-file or --profile)')
            yield finding


def _microversion_findings(compute, items):
    """MIG005 for moves the cloud's microversion cannot express."""
    for method, feature in (('cold', 'cold migration to a chosen host'),
                            ('live', 'live migration to a host checked by '
                                     'the scheduler')):
        if any(i['method'] == method and i['host'] for i in items):
            try:
                compute.session.require(feature)
            except exceptions.MicroversionError as e:
                yield findings.make_finding(codes.MICROVERSION, e.message)


def filter_servers(servers, name_regex=None, flavor=None, project=None):
    """Servers matching a name regex, a flavor name and a project id."""
    pattern = re.compile(name_regex) if name_regex else None
    return [s for s in servers
            if (pattern is None or pattern.search(s['name'] or ''))
            and (flavor is None or s['flavor'].get('original_name') == flavor)
            and (project is None or s['project_id'] == project)]


def plan_drain(compute: Compute, preflight: Preflight, *, host: str,
               method: str = 'auto', confirm: bool = True,
               filters: dict[str, typing.Any] | None = None,
               conn: typing.Any = None) -> Plan:
    """Plan moving every server off ``host`` (admin: lists by host).

    :param method: ``'auto'`` (ACTIVE/PAUSED live, SHUTOFF cold), ``'live'``
        or ``'cold'``.
    :param filters: ``project``, ``flavor``, ``name_regex`` (see
        :func:`filter_servers`).
    :param conn: the openstacksdk connection, for the placement capacity
        check (``None``: no capacity check).

    :raises NotFoundError: when no compute service runs on ``host``.
    :raises PolicyDeniedError: when the caller cannot list by host.
    """
    try:
        services = compute.compute_services()
        servers = compute.servers({'all_tenants': '1', 'host': host})
    except exceptions.CloudRequestError as e:
        if e.status != 403:
            raise
        raise exceptions.PolicyDeniedError(
            f'cannot list the servers of host {host}: {e.reason}',
            hint=findings.CODES[codes.CANNOT_LIST_HOST].hint) from None
    if not any(s['host'] == host for s in services):
        known = ', '.join(sorted(s['host'] for s in services))
        raise exceptions.NotFoundError('compute host', host,
                                       hint=f'known hosts: {known}')
    servers = filter_servers(servers, **(filters or {}))
    items = [plan_item(s, method, confirm=confirm) for s in servers]
    plan = Plan('drain', host, items)
    plan.report.extend(_skip_findings(items))
    plan.report.extend(_policy_findings(preflight, items))
    targets = [s['host'] for s in services if s['host'] != host
               and s['status'] == 'enabled' and s['state'] == 'up']
    plan.report.extend(_host_findings(services, host, targets))
    plan.report.extend(_capacity_findings(conn, compute, plan, targets))
    if not plan.movers:
        plan.report.add(findings.make_finding(
            codes.EMPTY_PLAN, f'no server to move off {host}', subject=host))
    return plan


def plan_servers(compute: Compute, preflight: Preflight, *,
                 refs: typing.Iterable[str] = (), method: str = 'auto',
                 host: str | None = None, confirm: bool = True,
                 filters: dict[str, typing.Any] | None = None,
                 all_projects: bool = False) -> Plan:
    """Plan moving the servers named in ``refs`` and/or matching ``filters``."""
    if refs:
        servers = [compute.server(r, all_projects=all_projects) for r in refs]
    else:
        params = {'all_tenants': '1'} if all_projects else {}
        servers = compute.servers(params)
    servers = filter_servers(servers, **(filters or {}))
    unique = {s['id']: s for s in servers}
    items = [plan_item(s, method, host=host, confirm=confirm)
             for s in unique.values()]
    plan = Plan('migrate', None, items)
    plan.report.extend(_skip_findings(items))
    plan.report.extend(_policy_findings(preflight, items))
    plan.report.extend(_microversion_findings(compute, items))
    if not plan.movers:
        plan.report.add(findings.make_finding(
            codes.EMPTY_PLAN, 'no server to move'))
    return plan


def _host_findings(services, host, targets):
    for service in services:
        if service['host'] != host and service['state'] != 'up':
            yield findings.make_finding(
                codes.SERVICE_DOWN, f'compute service on {service["host"]} '
                f'is down', subject=service['host'])
    if not targets:
        yield findings.make_finding(
            codes.NO_TARGET_HOST, f'no enabled, up compute host other than '
            f'{host}', subject=host)


def _capacity_findings(conn, compute, plan, targets):
    if not targets or not plan.movers:
        return
    source, unplaced = capacity.check_capacity(conn, compute, plan.movers,
                                               targets)
    if source is None:
        yield findings.make_finding(
            codes.CAPACITY_UNKNOWN, 'neither placement nor the hypervisor '
            'statistics could be read', subject=plan.host)
    elif unplaced:
        yield findings.make_finding(
            codes.CAPACITY_SHORT, f'{len(unplaced)} server(s) fit on no '
            f'remaining host ({source}): {", ".join(sorted(unplaced))}',
            subject=plan.host)
