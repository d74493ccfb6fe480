"""Cut the hosts of a maintenance into waves of ``--hosts-at-once``."""

ORDERS = ('emptiest', 'given')


def make_waves(hosts, at_once, load=None, order='emptiest'):
    """Lists of at most ``at_once`` hosts, in the order they are maintained.

    ``emptiest`` (the default) puts the hosts holding the least first (by
    ``load``: host -> a sortable amount, e.g. memory in use): an empty host
    done first becomes a target for the next waves, so fewer servers have
    to land on hosts still to be maintained (and move twice).  ``given``
    keeps the order of ``hosts``.
    """
    if at_once < 1:
        raise ValueError('at least one host at once')
    if order not in ORDERS:
        raise ValueError(f'unknown order {order!r}')
    ordered = list(hosts)
    if order == 'emptiest':
        load = load or {}
        ordered.sort(key=lambda h: load.get(h, 0))  # stable: ties keep order
    return [ordered[i:i + at_once] for i in range(0, len(ordered), at_once)]
