"""Simulate a maintenance wave by wave: where do the servers go?

Pure functions over plain data (unit-tested without a cloud).  Each wave's
movable servers are packed (largest memory first, onto the host with the
most free memory) onto the hosts the scheduler may use during that wave:
hosts already maintained and hosts outside the scope.  When they are full,
hosts of the *last* waves are opened one by one (they stay enabled during
this wave); servers packed onto them are predicted to move twice.  A hard
anti-affinity group never gets two members on one host.  The first wave
whose servers fit nowhere stops the simulation (an error naming the wave
and the resource).
"""

import dataclasses

from osmigcfg.migrate import capacity

RESOURCES = capacity.RESOURCES


@dataclasses.dataclass
class Server:
    """What the simulation knows about one server."""

    id: str
    name: str
    host: str
    needs: dict
    movable: bool = True
    group: str | None = None       # a hard anti-affinity group's id


@dataclasses.dataclass
class WavePrediction:
    """One wave: its hosts, who moves, hosts left open, who moves twice."""

    number: int
    hosts: list
    movers: list = dataclasses.field(default_factory=list)
    opened: list = dataclasses.field(default_factory=list)
    twice: list = dataclasses.field(default_factory=list)
    placed: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Shortage:
    """Why a wave does not fit: the first server that fits nowhere."""

    wave: int
    hosts: list
    server: str
    unplaced: int
    resource: str | None         # the short resource (None: a group)
    need: float = 0
    best: float = 0
    group: str | None = None


def _fits(room, need):
    return all(room.get(r, float('inf')) >= need.get(r, 0)
               for r in RESOURCES)


def _take(room, need, sign=-1):
    for r in RESOURCES:
        if r in room:
            room[r] += sign * need.get(r, 0)


def _choose(server, candidates, room, position):
    """The fitting candidate with most free memory (or None).

    A host holding another member of the server's hard anti-affinity
    group is not a candidate.
    """
    taken = set()
    if server.group:
        taken = {h for sid, (h, g) in position.items()
                 if g == server.group and sid != server.id}
    best = None
    for host in candidates:
        if host in taken or not _fits(room[host], server.needs):
            continue
        if best is None or room[host].get('MEMORY_MB', float('inf')) > \
                room[best].get('MEMORY_MB', float('inf')):
            best = host
    return best


def _shortage(number, wave, server, unplaced, candidates, room, position):
    """Name the resource (or the group) that stops ``server``."""
    short = Shortage(number, wave, server.name or server.id, unplaced, None)
    for r in RESOURCES:
        need = server.needs.get(r, 0)
        best = max((room[h].get(r, float('inf')) for h in candidates),
                   default=0)
        if need > best:
            short.resource, short.need, short.best = r, need, best
            return short
    if server.group and any(_fits(room[h], server.needs)
                            for h in candidates):
        short.group = server.group
        return short
    short.resource = '+'.join(RESOURCES)  # each fits somewhere, not together
    return short


def simulate(waves, servers, free, usable):
    """Predict every wave.

    :param waves: lists of hosts, in order.
    :param servers: :class:`Server` objects on (at least) the scope hosts.
    :param free: host -> {resource: free amount} (missing: not limited).
    :param usable: hosts that may receive servers (enabled and up).
    :returns: ``(predictions, shortage or None)``; predictions stop at
        the first wave that does not fit.
    """
    room = {h: dict(free.get(h) or {}) for h in usable}
    for wave in waves:
        for h in wave:
            room.setdefault(h, dict(free.get(h) or {}))
    position = {s.id: (s.host, s.group) for s in servers}
    by_id = {s.id: s for s in servers}
    predictions = []
    for index, wave in enumerate(waves):
        number = index + 1
        later = [h for w in waves[index + 1:] for h in w]
        targets = [h for h in usable if h not in wave and h not in later]
        closed = [h for h in reversed(later) if h in usable]
        pred = WavePrediction(number, list(wave))
        movers = sorted(
            (s for s in by_id.values()
             if position[s.id][0] in wave and s.movable),
            key=lambda s: (-s.needs.get('MEMORY_MB', 0), s.id))
        for n, server in enumerate(movers):
            host = _choose(server, targets, room, position)
            while host is None and closed:
                opened = closed.pop(0)
                pred.opened.append(opened)
                targets.append(opened)
                host = _choose(server, targets, room, position)
            if host is None:
                predictions.append(pred)
                return predictions, _shortage(
                    number, wave, server, len(movers) - n,
                    [h for h in usable if h not in wave], room, position)
            source = position[server.id][0]
            _take(room[source], server.needs, sign=+1)
            _take(room[host], server.needs)
            position[server.id] = (host, server.group)
            pred.movers.append(server.id)
            pred.placed[server.id] = host
            if host in later:
                pred.twice.append(server.id)
        predictions.append(pred)
    return predictions, None
