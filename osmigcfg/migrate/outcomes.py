"""Per-server outcomes, read back from a journal.

``migrated`` (verified), ``verify_resize`` (cold, left for the user to
confirm), ``failed`` (with the reason; the server was rolled back, or the
reason says why not),
``timeout`` (still running when we stopped waiting: ``resume``),
``skipped`` (with the reason), ``in-flight`` / ``pending`` (the run was
stopped or killed before this server finished).
"""

import collections
import dataclasses
from typing import Any

from taskflow import states

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.migrate import steps

STEPS = ('preflight', 'start', 'wait', 'confirm', 'verify')
DONE = ('migrated', 'verify_resize', 'failed', 'skipped')


@dataclasses.dataclass
class Outcome:
    id: str
    name: str | None
    method: str | None
    outcome: str
    source: str | None = None
    dest: str | None = None
    reason: str | None = None
    started: float | None = None
    ended: float | None = None

    @property
    def duration(self) -> float | None:
        if self.started is None or self.ended is None:
            return None
        return max(0.0, self.ended - self.started)

    def to_dict(self) -> dict[str, Any]:
        return dict(dataclasses.asdict(self), duration=self.duration)


def _failure(atoms, sid):
    for step in STEPS:
        record = atoms.get(engine.atom_name(sid, step))
        if record and record.failure:
            return record.failure
    return None


def item_outcome(item, atoms):
    """The :class:`Outcome` of one plan item given the journal's atoms."""
    sid = item['id']
    base = Outcome(sid, item.get('name'), item['method'], 'pending',
                   source=item.get('source'))
    if not item['method'] or item['skip']:
        base.outcome, base.reason = 'skipped', item['skip']
        return base
    start = atoms.get(engine.atom_name(sid, 'start'))
    if start and isinstance(start.result, dict):
        base.started = start.result.get('started')
    failure = _failure(atoms, sid)
    retry = atoms.get(engine.atom_name(sid, 'retry'))
    if failure and retry and retry.state in (states.REVERTED,
                                             states.REVERTING,
                                             states.FAILURE):
        base.outcome, base.reason = 'failed', failure
        wait = atoms.get(engine.atom_name(sid, 'wait'))
        if wait and wait.details.get('phase') == steps.ROLLBACK_UNFINISHED:
            base.reason += f'; not rolled back: {wait.details.get("message")}'
        return base
    verify = atoms.get(engine.atom_name(sid, 'verify'))
    if verify and verify.state == states.SUCCESS and verify.result:
        result = verify.result
        base.outcome = result.get('outcome', 'migrated')
        base.reason = result.get('reason')
        base.source = result.get('source') or base.source
        base.dest = result.get('dest')
        base.ended = result.get('ended')
        return base
    if start and start.state in (states.RUNNING, states.SUCCESS):
        base.outcome = 'in-flight'
    return base


def _item_ok(item):
    return (isinstance(item, dict) and isinstance(item.get('id'), str)
            and isinstance(item.get('method'), (str, type(None)))
            and 'skip' in item)


def plan_items(journal):
    """The plan's server items; JournalError when they are not there
    (another kind of run's journal, or a damaged one)."""
    items = journal.plan.get('items')
    if not isinstance(items, list) or not all(map(_item_ok, items)):
        raise exceptions.JournalError(
            journal.path, f'not a migration run\'s journal (a '
            f'{journal.kind} run, or its plan is damaged)')
    return items


def outcomes(journal):
    """Every plan item's :class:`Outcome`, in plan order.

    :raises JournalError: when the journal holds no migration plan
    """
    atoms = journal.atoms()
    return [item_outcome(item, atoms) for item in plan_items(journal)]


def counts(found):
    """outcome -> number of servers."""
    return dict(collections.Counter(o.outcome for o in found))
