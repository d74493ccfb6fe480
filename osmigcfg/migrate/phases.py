"""Where each server's time went, read from a run's events.

A server's run is cut into phases by the events its steps emit
(:mod:`~osmigcfg.migrate.steps`, :mod:`~osmigcfg.engine.runner`):

``queued``
    waiting for a slot of our windows (``item.queued`` until its ``start``
    step runs);
``in Nova``
    from the ``start`` step (the request) until the ``wait`` step ended;
``confirming``
    the ``confirm`` step of a cold migration (its ``confirm.*`` records);
``verifying``
    the ``verify`` step;
``rolling back``
    from a step's failure until ``item.failed`` (the revert).

Downtime is told only where Nova's server status shows it: a cold
migration of a running server stops it, from the request until the server
runs again on the destination (``VERIFY_RESIZE``: the end of ``wait``).  A
live migration's pause is not reported by Nova's API, so none is shown.
Pure: events in, spans out.
"""

import dataclasses

QUEUED, IN_NOVA, CONFIRMING, VERIFYING, ROLLING_BACK = (
    'queued', 'in Nova', 'confirming', 'verifying', 'rolling back')
PHASES = (QUEUED, IN_NOVA, CONFIRMING, VERIFYING, ROLLING_BACK)
_ENDS = ('atom.success', 'atom.failure', 'atom.reverting', 'atom.reverted')


@dataclasses.dataclass
class Timing:
    """One server's phases (``(phase, start, end)``, Unix times) and
    downtime (``(start, end)`` or None)."""

    phases: list = dataclasses.field(default_factory=list)
    downtime: tuple | None = None
    method: str | None = None


def _item_events(events):
    by_item = {}
    for event in events:
        item, ts = event.get('item'), event.get('ts')
        if isinstance(item, str) and isinstance(ts, (int, float)):
            by_item.setdefault(item, []).append(event)
    for listed in by_item.values():
        listed.sort(key=lambda e: e['ts'])
    return by_item


def _step_span(events, step):
    """(first running, first end) of ``step``'s atom, either may be None;
    a revert after the end does not move it."""
    began = ended = None
    for event in events:
        if event.get('step') != step:
            continue
        if event['kind'] == 'atom.running' and began is None:
            began = event['ts']
        elif event['kind'] in _ENDS and ended is None:
            ended = event['ts']
    return began, ended


def _first(events, *kinds, prefix=None):
    for event in events:
        if event['kind'] in kinds or (prefix and
                                      event['kind'].startswith(prefix)):
            return event
    return None


def timing(events):
    """The :class:`Timing` of one server from its own events."""
    found = Timing()
    started = _first(events, 'item.started')
    found.method = started.get('method') if started else None
    start_began, _ = _step_span(events, 'start')
    queued = _first(events, 'item.queued')
    spans = []
    if queued and start_began is not None:
        spans.append((QUEUED, queued['ts'], start_began))
    wait_began, wait_ended = _step_span(events, 'wait')
    if start_began is not None:
        spans.append((IN_NOVA, start_began, wait_ended or wait_began or
                      start_began))
    if _first(events, prefix='confirm.'):
        spans.append((CONFIRMING, *_step_span(events, 'confirm')))
    verify = _step_span(events, 'verify')
    if verify[0] is not None:
        done = _first(events, 'item.migrated')
        spans.append((VERIFYING, verify[0],
                      done['ts'] if done else verify[1]))
    failed = _first(events, 'item.failed')
    if failed:
        broke = _first(events, 'atom.failure', 'atom.reverting')
        began = broke['ts'] if broke else max(
            (end for _, _, end in spans if end is not None), default=None)
        spans = [(p, s, min(e, began) if None not in (e, began) else e)
                 for p, s, e in spans]
        spans.append((ROLLING_BACK, began, failed['ts']))
    found.phases = [(p, s, e) for p, s, e in spans
                    if s is not None and e is not None and e >= s]
    migrated = _first(events, 'item.migrated')
    if (found.method == 'cold' and migrated and wait_ended is not None
            and migrated.get('status') == 'ACTIVE'
            and start_began is not None):
        found.downtime = (start_began, wait_ended)
    return found


def timings(events):
    """item id -> :class:`Timing`, for every item with events."""
    return {item: timing(listed)
            for item, listed in _item_events(events).items()}
