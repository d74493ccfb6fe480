"""What a cloud's facts mean for each kind of migration (RDY4xx).

Pure: :class:`~osmigcfg.readiness.online.CloudFacts` in, reasons out.
Compute services that are up and enabled are where servers can go; hosts
whose hypervisor type or version differs cannot all take each other's live
migrations (Nova's conductor refuses an older destination); the compute
API's microversion range decides what the API offers.
"""

from osmigcfg.findings import make_finding
from osmigcfg.readiness import codes  # noqa: F401 (registers RDY codes)
from osmigcfg.readiness import result as result_mod

ALL = result_mod.ALL_KINDS
LIVE = result_mod.LIVE_KINDS
#: service type -> the call-table service whose calls need it
_TABLE_SERVICE = {'network': 'neutron', 'block-storage': 'cinder',
                  'placement': 'placement', 'compute': 'nova'}
#: the microversion a host-targeted cold migration needs
HOST_TARGETED_COLD = (2, 56)


def _reason(code, message, kinds, *, subject=None, unknown=False):
    return result_mod.Reason(make_finding(code, message, subject=subject),
                             frozenset(kinds), unknown)


def qemu_version(hypervisor):
    """(major, minor) of a QEMU/KVM hypervisor, or None."""
    kind = str(hypervisor.get('hypervisor_type', '')).upper()
    if kind not in ('QEMU', 'KVM'):
        return None
    number = hypervisor.get('hypervisor_version')
    if not isinstance(number, int) or number <= 0:
        return None
    return number // 1_000_000, number // 1_000 % 1_000


def lowest_qemu(facts):
    """The oldest QEMU among the hypervisors, or None."""
    found = [v for v in map(qemu_version, facts.hypervisors or ()) if v]
    return min(found) if found else None


def _service_reasons(services):
    out = []
    usable = [s for s in services
              if s.get('state') == 'up' and s.get('status') == 'enabled']
    for svc in services:
        host = svc.get('host', '?')
        if svc.get('state') != 'up':
            out.append(_reason('RDY403', f'nova-compute on {host} is down '
                               '(its servers can only be evacuated)', ALL,
                               subject=host))
        if svc.get('status') != 'enabled':
            why = svc.get('disabled_reason') or 'no reason given'
            out.append(_reason('RDY404', f'nova-compute on {host} is '
                               f'disabled ({why}): it receives no servers',
                               ALL, subject=host))
    if not usable:
        out.append(_reason('RDY401', f'none of {len(services)} compute '
                           'services is up and enabled', ALL))
    elif len(usable) == 1:
        out.append(_reason(
            'RDY402', f'only {usable[0].get("host")} is up and enabled',
            ALL - {'evacuate'}))
    return out


def _hypervisor_reasons(hypervisors):
    out = []
    types = {}
    for hv in hypervisors:
        types.setdefault(hv.get('hypervisor_type'), []).append(
            hv.get('hypervisor_hostname', '?'))
    if len(types) > 1:
        listing = '; '.join(f'{t}: {", ".join(sorted(h))}'
                            for t, h in sorted(types.items(), key=str))
        out.append(_reason('RDY405', f'hypervisor types differ ({listing})',
                           LIVE))
    versions = {}
    for hv in hypervisors:
        versions.setdefault(hv.get('hypervisor_version'), []).append(
            hv.get('hypervisor_hostname', '?'))
    if len(types) == 1 and len(versions) > 1:
        oldest = min(versions, key=lambda v: v or 0)
        hosts = ', '.join(sorted(versions[oldest]))
        out.append(_reason(
            'RDY406', f'hypervisor versions differ: {hosts} '
            f'run the oldest ({oldest}) and cannot receive live migrations '
            'from the others', LIVE, subject='hypervisors'))
    return out


def _version(text):
    major, _, minor = str(text).partition('.')
    return int(major), int(minor or 0)


def _api_reasons(facts):
    if not facts.microversion:
        return []
    low, high = facts.microversion
    out = [_reason('RDY410', f'compute API microversions {low} to {high}',
                   (), subject='compute API')]
    if _version(high) < HOST_TARGETED_COLD:
        out.append(_reason(
            'RDY408', f'the compute API stops at {high}: a cold migration '
            'to a named host needs 2.56', {'host_targeted'},
            subject='compute API'))
    return out


def _catalog_reasons(facts, table):
    out = []
    for service_type in facts.missing:
        service = _TABLE_SERVICE.get(service_type)
        kinds = frozenset().union(*(c.kinds for c in table.calls
                                    if c.service == service))
        if service_type == 'compute':
            kinds = ALL
        if kinds:
            out.append(_reason(
                'RDY409', f'no {service_type} endpoint in the catalog: '
                'migrations that call it fail, and its facts were not read',
                kinds, subject=service_type, unknown=True))
    for problem in facts.problems:
        out.append(_reason('RDY409', f'{problem.what}: {problem.why}', ALL,
                           subject=problem.service, unknown=True))
    return out


def fact_reasons(facts, table):
    """Reasons (RDY401-410) from a cloud's facts.

    Args:
        facts: :class:`~osmigcfg.readiness.online.CloudFacts`.
        table: the call table (which kinds call a missing service).
    """
    out = _catalog_reasons(facts, table)
    if facts.services is not None:
        out += _service_reasons(facts.services)
    if facts.hypervisors is not None:
        out += _hypervisor_reasons(facts.hypervisors)
    out += _api_reasons(facts)
    return out
