"""Batches: which servers a cutover moves, their turns and downtimes.

A batch cutover (``--all``, ``--name N...``, ``--regex R``) runs every
selected server's steps in one journal, ``parallel`` servers at a time.
A server takes its *turn* (the ``cutover`` window) just before its
source is stopped and gives it back once it is verified or reverted, so
a server waiting for its turn keeps running: each server's downtime is
one server's, however long the batch.

Downtime is measured from the source reaching SHUTOFF (the ``stop``
step's ``stopped_at``) to the destination server ACTIVE (the ``boot``
step's ``active_at``); both are journaled, so ``status`` reads them back.
"""

import hashlib
import json
import re

from osmigcfg import engine
from osmigcfg import exceptions

#: the window of the servers whose source may be down at once
WINDOW = 'cutover'


def select(documents, names=(), regex=None, every=False):
    """The server entries a batch moves, in document order.

    :param names: source (or destination) names; each must name one
        server.
    :param regex: a Python regular expression searched in the names.
    :param every: every server of the documents.
    :raises InputError: an unknown name, a bad expression, or no server.
    """
    servers = [e for d in documents for e in d.entries if e.type == 'server']
    known = ', '.join(sorted(e.name for e in servers)) or 'none'
    if every:
        chosen = servers
    elif regex is not None:
        try:
            pattern = re.compile(regex)
        except re.error as e:
            raise exceptions.InputError(
                f'--regex {regex!r} is not a regular expression: {e}',
                hint='a Python regular expression, e.g. "^web-"') from None
        chosen = [e for e in servers if pattern.search(e.name)
                  or pattern.search(e.dst_name or '')]
    else:
        chosen = []
        for name in names:
            found = [e for e in servers if name in (e.name, e.dst_name)]
            if len(found) != 1:
                raise exceptions.InputError(
                    f'{"no" if not found else "several"} server {name!r} '
                    'in the documents', hint=f'servers: {known}')
            if found[0] not in chosen:
                chosen.append(found[0])
    if not chosen:
        raise exceptions.InputError('no server of the documents is selected',
                                    hint=f'servers: {known}')
    return chosen


def label(entries, single, selection):
    """The journal label of a selection: the server's name for one
    server named alone (as ``--server`` always had), else ``batch-`` and
    a digest of the selection (another selection is another run)."""
    if single:
        return entries[0].dst_name or entries[0].name
    text = json.dumps(selection, sort_keys=True)
    return 'batch-' + hashlib.sha256(text.encode()).hexdigest()[:8]


def take_turn(step):
    """Wait for a cutover turn of ``step``'s item (before its stop)."""
    step.context.windows.acquire(
        turn_holder(step.item), [(WINDOW, None)],
        on_wait=lambda: step.emit('item.queued'))


def give_turn(step):
    """Give the item's turn back (idempotent)."""
    step.context.windows.release(turn_holder(step.item))


def turn_holder(item):
    return engine.atom_name(item, 'turn')


def _steps(atoms, item):
    return {engine.split_atom_name(n)[1]: a for n, a in atoms.items()
            if engine.split_atom_name(n)[0] == item}


def in_turn(atoms, items):
    """Items of a killed run whose source was stopped and which are not
    verified yet: on resume they hold their turn again before any other
    server stops."""
    found = []
    for item in items:
        steps = _steps(atoms, item)
        stop, verify = steps.get('stop'), steps.get('verify')
        if stop is not None and stop.state == 'SUCCESS' and (
                verify is None or verify.state != 'SUCCESS'):
            found.append(item)
    return found


def started(atoms, item):
    """Whether a run did some of the item's work and did not finish it."""
    states = [a.state for n, a in _steps(atoms, item).items()
              if n != 'retry']
    return bool(states) and any(s != 'PENDING' for s in states) and \
        not all(s == 'SUCCESS' for s in states)


def downtime(atoms, item):
    """Seconds from the item's source SHUTOFF to its destination ACTIVE
    (None until both are journaled)."""
    steps = _steps(atoms, item)
    stop = steps.get('stop')
    boot = steps.get('boot')
    stopped = (stop.result or {}).get('stopped_at') if stop and isinstance(
        stop.result, dict) else None
    active = (boot.result or {}).get('active_at') if boot and isinstance(
        boot.result, dict) else None
    if stopped is None or active is None:
        return None
    return round(max(0.0, active - stopped), 1)
