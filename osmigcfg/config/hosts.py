"""Host inventory checks (CFG3xx): one migration network, no collisions.

Live migration connects the source to the destination's inbound address
(``[libvirt] live_migration_inbound_addr``, read on the destination), so
every host needs its own address on the migration network, and deploy tools
that take one interface name for all hosts (MOSK, kolla, helm) need the
same NIC name everywhere or per-host overrides.
"""

import collections
import ipaddress
import logging
from typing import TYPE_CHECKING

from osmigcfg.config import codes  # noqa: F401 (registers the CFG codes)
from osmigcfg.findings import Report
from osmigcfg.findings import make_finding

if TYPE_CHECKING:
    from osmigcfg.config.inventory import Inventory

LOG = logging.getLogger(__name__)


def _at(inventory, host, code, message, **kw):
    return make_finding(code, message, file=inventory.path, line=host.line,
                        subject=host.name, **kw)


def _duplicate_names(inventory):
    seen = {}
    for host in inventory.hosts:
        if host.name in seen:
            yield _at(inventory, host, 'CFG306', f'host {host.name} is '
                      f'listed again (first at line {seen[host.name]})')
        else:
            seen[host.name] = host.line


def _incomplete(inventory):
    for host in inventory.hosts:
        missing = [k for k in ('interface', 'address')
                   if getattr(host, k) is None]
        if missing:
            yield _at(inventory, host, 'CFG307', f'host {host.name} has no '
                      f'{" and no ".join(missing)}')


def _interfaces(inventory):
    common = inventory.common_interface()
    odd = [h for h in inventory.hosts if h.interface and
           h.interface != common]
    for host in odd:
        yield _at(inventory, host, 'CFG301', f'host {host.name} migrates '
                  f'over {host.interface}, most hosts over {common}',
                  hint=f'rename the NIC to {common}, or set a per-host '
                       'override (MOSK spec.nodes, kolla host_vars)')


def _owners(inventory, attr):
    owners = collections.defaultdict(list)
    for host in inventory.hosts:
        if getattr(host, attr):
            owners[getattr(host, attr)].append(host)
    return owners


def _address_collisions(inventory):
    for value, hosts in _owners(inventory, 'address').items():
        for host in hosts[1:]:
            yield _at(inventory, host, 'CFG302', f'address {value} of host '
                      f'{host.name} is also used by {hosts[0].name}')


def _inbound_collisions(inventory):
    """Peers connect to inbound_addr, else address: those must be unique.

    Two hosts without an inbound address are already CFG302.
    """
    for value, hosts in _owners(inventory, 'peer_address').items():
        first = hosts[0]
        for host in hosts[1:]:
            if host.inbound_addr or first.inbound_addr:
                yield _at(inventory, host, 'CFG303', f'host {host.name} '
                          f'receives migrations on {value}, as does '
                          f'{first.name}')


def _outside_network(inventory):
    if not inventory.migration_network:
        return
    network = ipaddress.ip_network(inventory.migration_network)
    for host in inventory.hosts:
        for what, value in (('address', host.address),
                            ('inbound address', host.inbound_addr)):
            try:
                addr = ipaddress.ip_address(value) if value else None
            except ValueError:
                continue  # a host name: DNS decides
            if addr is not None and addr not in network:
                yield _at(inventory, host, 'CFG304', f'{what} {value} of '
                          f'host {host.name} is outside {network}')


def _inbound_mismatch(inventory):
    for host in inventory.hosts:
        if not (host.inbound_addr and host.address):
            continue
        try:
            ipaddress.ip_address(host.inbound_addr)
        except ValueError:
            continue  # a host name: the certificate check covers it
        if host.inbound_addr != host.address:
            yield _at(inventory, host, 'CFG305', f'host {host.name} receives '
                      f'migrations on {host.inbound_addr}, but its '
                      f'{host.interface or "migration"} address is '
                      f'{host.address}')


def check_hosts(inventory: 'Inventory') -> Report:
    """Check an :class:`~osmigcfg.config.inventory.Inventory`.

    Returns a Report of CFG3xx findings: values that break their syntax
    (the inventory's ``problems``, read with ``strict=False``; those hosts
    are not in the other checks), duplicate or incomplete hosts, interface
    names that differ, shared addresses, addresses outside the migration
    network, inbound addresses off the migration NIC.
    """
    report = Report(inventory.problems)
    for check in (_duplicate_names, _incomplete, _interfaces):
        report.extend(check(inventory))
    report.extend(_address_collisions(inventory))
    report.extend(_inbound_collisions(inventory))
    report.extend(_outside_network(inventory))
    report.extend(_inbound_mismatch(inventory))
    LOG.debug('checked %d hosts: %d findings', len(inventory.hosts),
              len(report))
    return report
