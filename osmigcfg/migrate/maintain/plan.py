"""Plan a rolling maintenance: waves, capacity, server groups, specials.

The plan is a JSON-friendly dict kept in the maintenance journal::

    {'kind': 'maintain', 'scope': [hosts], 'at_once': N,
     'waves': [{'number': 1, 'hosts': [...], 'movers': [ids],
                'opened': [later hosts left enabled], 'twice': [ids]}],
     'initial': {host: {'status', 'state', 'reason'}},
     'outside': [usable hosts outside the scope],
     'groups': {server id: anti-affinity group id},
     'special': [{'id', 'name', 'host', 'what'}],
     'short_wave': the first wave that does not fit (None: all fit),
     'servers': {id: {'name', 'host', 'status'}},
     'method': 'auto', 'confirm': True}

Each wave's servers are listed again when the wave starts (servers come
and go); the prediction here decides whether to start at all.
"""

from __future__ import annotations

import dataclasses

from osmigcfg import exceptions
from osmigcfg import findings
from osmigcfg.migrate import capacity
from osmigcfg.migrate import codes
from osmigcfg.migrate.maintain import predict
from osmigcfg.migrate.maintain import scope as scope_mod
from osmigcfg.migrate.maintain import waves as waves_mod
from osmigcfg.migrate import planner

#: flavor extra specs that keep a server where it is, and why
DEVICE_SPECS = (('pci_passthrough:alias', 'PCI passthrough devices'),
                ('resources:VGPU', 'a vGPU'),
                ('resources:CUSTOM_', 'custom devices'))


@dataclasses.dataclass
class MaintainPlan:
    """The plan dict and the findings about it."""

    data: dict
    report: findings.Report = dataclasses.field(
        default_factory=findings.Report)

    @property
    def waves(self):
        return self.data['waves']

    @property
    def movers(self):
        return [sid for w in self.waves for sid in w['movers']]


def special_reason(server):
    """Why a server in a movable state still stays put (or None)."""
    specs = (server.get('flavor') or {}).get('extra_specs') or {}
    for prefix, what in DEVICE_SPECS:
        if any(k.startswith(prefix) for k in specs):
            return (f'{what}: Nova cannot live-migrate it; it stays on its '
                    f'host during the maintenance (move it by hand)')
    return None


def _groups(compute):
    """Server groups of every project: (id, policy, members)."""
    try:
        body = compute.session.get('/os-server-groups', 'list server groups',
                                   params={'all_projects': 'True'})
    except exceptions.CloudRequestError:
        return []
    found = []
    for g in body.get('server_groups', []):
        policy = g.get('policy') or (g.get('policies') or [None])[0]
        found.append((g['id'], g.get('name'), policy, g.get('members') or []))
    return found


def plan_maintenance(compute, preflight, *, conn=None, hosts=None,
                     aggregate=None, availability_zone=None,
                     all_computes=False, at_once=1, order='emptiest',
                     method='auto', confirm=True) -> MaintainPlan:
    """Plan maintaining the hosts of one scope ``at_once`` at a time.

    :param conn: the openstacksdk connection (placement capacity).
    :raises InputError, NotFoundError: for a bad or empty scope.
    """
    if at_once < 1:
        raise exceptions.InputError('--hosts-at-once must be 1 or more')
    services = compute.compute_services()
    scope = scope_mod.resolve_hosts(
        compute, services, hosts=hosts, aggregate=aggregate,
        availability_zone=availability_zone, all_computes=all_computes)
    initial = {s['host']: {'status': s['status'], 'state': s['state'],
                           'reason': s.get('disabled_reason')}
               for s in services}
    usable = [h for h in sorted(initial) if initial[h]['status'] ==
              'enabled' and initial[h]['state'] == 'up']
    report = findings.Report()
    for host in scope:
        if host not in usable:
            report.add(findings.make_finding(
                codes.SCOPE_HOST_UNUSABLE, f'{host} is '
                f'{initial[host]["status"]} and {initial[host]["state"]}: '
                f'maintained, but it receives no servers (left '
                f'{initial[host]["status"]} at the end)', subject=host))
    servers = [s for s in compute.servers({'all_tenants': '1'})
               if s.get('host') in scope]
    items = {s['id']: planner.plan_item(s, method, confirm=confirm)
             for s in servers}
    report.extend(planner._skip_findings(items.values()))
    report.extend(planner._policy_findings(preflight, items.values()))
    groups = _groups(compute)
    hard_anti, stays = {}, {}
    for gid, name, policy, members in groups:
        inside = [m for m in members if m in items]
        if not inside:
            continue
        label = f'{name or gid} ({policy})'
        if policy == 'anti-affinity':
            for m in members:
                hard_anti[m] = gid
        elif policy == 'affinity':
            for m in inside:
                stays[m] = f'member of hard affinity group {label}'
            report.add(findings.make_finding(
                codes.AFFINITY_STAYS, f'group {label}: {len(inside)} '
                f'member(s) stay on their host', subject=gid))
        else:
            report.add(findings.make_finding(
                codes.SOFT_GROUP, f'group {label}: {len(inside)} member(s) '
                f'move; the scheduler keeps the policy if it can',
                subject=gid))
    special = []
    for server in servers:
        item = items[server['id']]
        why = stays.get(server['id']) or (
            special_reason(server) if item['method'] else None)
        if why:
            item['method'], item['skip'] = None, why
        if item['skip']:
            special.append({'id': server['id'], 'name': server['name'],
                            'host': server['host'], 'what': item['skip']})
            if why:
                report.add(findings.make_finding(
                    codes.SPECIAL_SERVER, f'{server["name"]} '
                    f'({server["id"]}) on {server["host"]}: {why}',
                    subject=server['id']))
    load = {}
    for server in servers:
        load[server['host']] = load.get(server['host'], 0) + \
            capacity.flavor_needs(server['flavor'])['MEMORY_MB'] + 1
    waves = waves_mod.make_waves(scope, at_once, load, order)
    free = {}
    if conn is not None:
        free = capacity.free_from_placement(conn, usable + scope) or {}
    if not free:
        try:
            free = capacity.free_from_hypervisors(compute, usable + scope)
        except exceptions.CloudError:
            free = {}
    if not free:
        report.add(findings.make_finding(
            codes.CAPACITY_UNKNOWN, 'neither placement nor the hypervisor '
            'statistics could be read: waves not checked for room'))
    sims = [predict.Server(s['id'], s['name'], s['host'],
                           capacity.flavor_needs(s['flavor']),
                           movable=bool(items[s['id']]['method']),
                           group=hard_anti.get(s['id']))
            for s in servers]
    others = [predict.Server(m, m, '?', {}, movable=False, group=gid)
              for m, gid in hard_anti.items() if m not in items]
    predictions, short = predict.simulate(waves, sims + others, free,
                                          usable)
    _anti_affinity_sizes(report, groups, usable, at_once)
    if short is not None:
        report.add(_shortage_finding(short))
    twice = [sid for p in predictions for sid in p.twice]
    if twice:
        names = ', '.join(items[s]['name'] or s for s in twice[:10])
        report.add(findings.make_finding(
            codes.MOVES_TWICE, f'{len(twice)} server(s) will move twice '
            f'(no room on hosts already maintained or outside the scope; '
            f'they land on hosts of later waves): {names}'
            + (' ...' if len(twice) > 10 else '')))
    if not any(p.movers for p in predictions) and short is None:
        report.add(findings.make_finding(
            codes.EMPTY_PLAN, f'no server to move off {", ".join(scope)}'))
    data = {
        'kind': 'maintain', 'scope': scope, 'at_once': at_once,
        'order': order, 'method': method, 'confirm': confirm,
        'waves': [{'number': n + 1, 'hosts': w,
                   'movers': predictions[n].movers if n < len(predictions)
                   else [],
                   'opened': predictions[n].opened if n < len(predictions)
                   else [],
                   'twice': predictions[n].twice if n < len(predictions)
                   else []} for n, w in enumerate(waves)],
        'short_wave': short.wave if short is not None else None,
        'initial': {h: initial[h] for h in sorted(initial)},
        'outside': [h for h in usable if h not in scope],
        'groups': {m: g for m, g in hard_anti.items() if m in items},
        'special': special,
        'servers': {s['id']: {'name': s['name'], 'host': s['host'],
                              'status': s['status']} for s in servers},
    }
    return MaintainPlan(data, report)


def _anti_affinity_sizes(report, groups, usable, at_once):
    """A hard anti-affinity group larger than the hosts left in a wave."""
    room = len(usable) - at_once
    for gid, name, policy, members in groups:
        if policy == 'anti-affinity' and len(members) > room:
            report.add(findings.make_finding(
                codes.GROUP_BLOCKS, f'hard anti-affinity group {name or gid}'
                f' has {len(members)} members but only {room} host(s) stay '
                f'available while {at_once} are maintained', subject=gid))


def _shortage_finding(short):
    hosts = ', '.join(short.hosts)
    if short.group:
        return findings.make_finding(
            codes.GROUP_BLOCKS, f'wave {short.wave} ({hosts}): '
            f'{short.server} of hard anti-affinity group {short.group} '
            f'fits only on hosts holding another member', subject=short.group)
    if short.resource in capacity.RESOURCES:
        detail = (f'{short.resource}: it needs {short.need:g}, the most '
                  f'free on an available host is {short.best:g}')
    else:
        detail = f'{short.resource} together on no host'
    return findings.make_finding(
        codes.WAVE_SHORT, f'wave {short.wave} ({hosts}) does not fit: '
        f'{short.unplaced} server(s) without room, first {short.server}; '
        f'short of {detail}', subject=f'wave {short.wave}')
