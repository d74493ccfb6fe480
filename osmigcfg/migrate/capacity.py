"""Will the other hosts hold the servers we move?  (Before a drain starts.)

Free room per host comes from placement when the cloud's catalog has it
(inventory total x allocation ratio - reserved - used, for VCPU, MEMORY_MB
and DISK_GB), else from Nova's hypervisor statistics (``os-hypervisors``
at microversion 2.87, the last one that shows them; memory and disk only,
since the CPU allocation ratio is not visible there).  The servers' flavors
are then packed first-fit-decreasing onto the hosts: a server that fits
nowhere is reported.  This is a necessary check, not a sufficient one (the
scheduler also applies affinity, aggregates, AZs...).
"""

import logging

from osmigcfg import exceptions

LOG = logging.getLogger(__name__)

RESOURCES = ('VCPU', 'MEMORY_MB', 'DISK_GB')


def flavor_needs(flavor):
    """Resources a server's embedded flavor takes (VCPU, MEMORY_MB, DISK_GB)."""
    return {'VCPU': int(flavor.get('vcpus') or 0),
            'MEMORY_MB': int(flavor.get('ram') or 0),
            'DISK_GB': int(flavor.get('disk') or 0)
            + int(flavor.get('ephemeral') or 0)}


def free_from_placement(conn, hosts):
    """host -> free resources, read from placement (None if unreachable)."""
    try:
        placement = conn.placement
        providers = {p.name: p for p in placement.resource_providers()}
    except Exception as e:  # noqa: BLE001 - no placement endpoint, or 403
        LOG.info('placement not usable for the capacity check: %s', e)
        return None
    free = {}
    for host in hosts:
        provider = providers.get(host)
        if provider is None:
            continue
        usages = placement.get(f'/resource_providers/{provider.id}/usages',
                               microversion='1.9').json()['usages']
        room = {}
        for inv in placement.resource_provider_inventories(provider):
            if inv.resource_class in RESOURCES:
                total = (inv.total - inv.reserved) * inv.allocation_ratio
                room[inv.resource_class] = total - usages.get(
                    inv.resource_class, 0)
        free[host] = room
    return free


def free_from_hypervisors(compute, hosts):
    """host -> free memory and disk from os-hypervisors (2.87 statistics)."""
    body = compute.session.get('/os-hypervisors/detail', 'list hypervisors',
                               version=(2, 87))
    free = {}
    for hyp in body.get('hypervisors', []):
        host = (hyp.get('service') or {}).get('host') or \
            hyp.get('hypervisor_hostname')
        if host in hosts and 'memory_mb' in hyp:
            free[host] = {
                'MEMORY_MB': hyp['memory_mb'] - hyp.get('memory_mb_used', 0),
                'DISK_GB': hyp['local_gb'] - hyp.get('local_gb_used', 0)}
    return free


def pack(needs, free):
    """First-fit-decreasing: returns (placement guess, names that fit nowhere).

    :param needs: list of (name, {resource: amount}).
    :param free: host -> {resource: free amount}; resources a host does not
        list are not limited.
    """
    room = {host: dict(values) for host, values in free.items()}
    order = sorted(needs, key=lambda n: (-n[1].get('MEMORY_MB', 0), n[0]))
    placed, unplaced = {}, []
    for name, need in order:
        for host in sorted(room, key=lambda h: -room[h].get('MEMORY_MB', 0)):
            if all(room[host].get(r, float('inf')) >= need.get(r, 0)
                   for r in RESOURCES):
                for r in RESOURCES:
                    if r in room[host]:
                        room[host][r] -= need.get(r, 0)
                placed[name] = host
                break
        else:
            unplaced.append(name)
    return placed, unplaced


def check_capacity(conn, compute, items, hosts):
    """Pack the items' flavors onto ``hosts``.

    :returns: ``(source, unplaced names)``; source is ``placement``,
        ``hypervisors`` or None when neither could be read.
    """
    free = free_from_placement(conn, hosts) if conn is not None else None
    source = 'placement'
    if not free:
        source = 'hypervisors'
        try:
            free = free_from_hypervisors(compute, hosts)
        except exceptions.CloudError as e:  # e.g. 403 for non-admins
            LOG.info('hypervisor statistics not readable: %s', e)
            return None, []
    if not free:
        return None, []
    needs = [(i['name'] or i['id'], flavor_needs(i.get('flavor') or {}))
             for i in items]
    return source, pack(needs, free)[1]
