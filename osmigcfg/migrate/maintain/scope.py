"""Which compute hosts a maintenance covers (--hosts, --aggregate,
--availability-zone, --all-computes)."""

from osmigcfg import exceptions


def aggregates(compute):
    """Every host aggregate (``name``, ``hosts``, ``availability_zone``)."""
    return compute.session.get('/os-aggregates',
                               'list host aggregates')['aggregates']


def resolve_hosts(compute, services, *, hosts=None, aggregate=None,
                  availability_zone=None, all_computes=False):
    """The hosts in scope, in the order given (sorted otherwise).

    :param services: the nova-compute services (``compute_services()``).
    :raises InputError: when no or several scopes are given, or the scope
        is empty.
    :raises NotFoundError: for an unknown host or aggregate.
    """
    given = [n for n, v in (('--hosts', hosts), ('--aggregate', aggregate),
                            ('--availability-zone', availability_zone),
                            ('--all-computes', all_computes)) if v]
    if len(given) != 1:
        raise exceptions.InputError(
            'give exactly one scope: --hosts, --aggregate, '
            '--availability-zone or --all-computes'
            + (f' (got {", ".join(given)})' if given else ''))
    known = sorted({s['host'] for s in services})
    if hosts:
        chosen = list(dict.fromkeys(hosts))
        for host in chosen:
            if host not in known:
                raise exceptions.NotFoundError(
                    'compute host', host, hint=f'known hosts: '
                    f'{", ".join(known)}')
        return chosen
    if all_computes:
        return known
    if aggregate:
        found = [a for a in aggregates(compute) if a['name'] == aggregate
                 or str(a.get('id')) == aggregate]
        if not found:
            raise exceptions.NotFoundError('host aggregate', aggregate)
        chosen = [h for h in sorted(found[0].get('hosts') or [])
                  if h in known]
        what = f'aggregate {aggregate}'
    else:
        chosen = sorted({s['host'] for s in services
                         if s.get('zone') == availability_zone})
        what = f'availability zone {availability_zone}'
    if not chosen:
        raise exceptions.InputError(f'{what} holds no compute host',
                                    hint='check the name, or use --hosts')
    return chosen
