"""The one skeleton of a journaled run: events, flow, reset, run, close.

Every command that runs a set of items on the engine (cross-cloud import,
copy and cutover, the migrator's migrate and drain) does the same thing
once it holds a journal (new, or opened to resume)::

    events  = EventStream(journal.events_path, callbacks)
    context = <the domain's context>(events)
    flow    = <the domain's flow>(context)
    events.emit('run.plan', ...)
    reset   = <the domain's reset or reconcile>(journal, context)
    result  = Runner(journal, flow, context).run(reset_atoms=reset)
    <the domain's closing summary>(journal, context, result)
    events.close()

:func:`run_journaled` is that skeleton; the domain passes the parts that
differ as small callables.  :class:`JournaledResult` is the result shape
every run returns: ``.journal`` (its path), ``.items`` (also ``.rows``:
one outcome row per planned item, a dict with at least ``item`` and
``outcome``), ``.run`` (the :class:`~osmigcfg.engine.runner.RunResult`,
None when nothing ran), ``.report`` (the planning's findings, if any) and
``.ok``.
"""

from __future__ import annotations

import dataclasses
import time
import typing

from osmigcfg.engine import events as events_mod
from osmigcfg.engine import runner as runner_mod

if typing.TYPE_CHECKING:
    from collections.abc import Callable
    from collections.abc import Iterable

    from osmigcfg.engine import flows
    from osmigcfg.engine import journal as journal_mod

#: item outcomes that make a run not ``ok``
NOT_OK_OUTCOMES = ('failed', 'pending')


@dataclasses.dataclass
class JournaledResult:
    """How a journaled run ended, item by item.

    :ivar report: findings of the planning (with an error, the run did
        not start), or None.
    :ivar journal: the journal's path (None when the run did not start).
    :ivar rows: one outcome row per planned item (dicts with ``item``,
        ``outcome`` and what the domain adds); also :attr:`items`.
    :ivar run: the engine's :class:`~osmigcfg.engine.runner.RunResult`.
    """

    report: typing.Any = None
    journal: str | None = None
    rows: list[dict[str, typing.Any]] = dataclasses.field(default_factory=list)
    run: runner_mod.RunResult | None = None

    @property
    def items(self) -> list[dict[str, typing.Any]]:
        """The per-item outcome rows."""
        return self.rows

    @property
    def ok(self) -> bool:
        """No planning error, and no item failed or was left unfinished."""
        if self.report is not None and self.report.fails('error'):
            return False
        return all(r.get('outcome') not in NOT_OK_OUTCOMES
                   for r in self.rows)


def run_journaled(
        journal: journal_mod.Journal, *,
        make_context: Callable[[events_mod.EventStream], flows.Context],
        make_flow: Callable[[flows.Context], typing.Any],
        callbacks: Iterable[events_mod.EventCallback] = (),
        plan_event: Callable[[typing.Any], dict[str, typing.Any]]
        | None = None,
        reset: Callable[[journal_mod.Journal, flows.Context],
                        Iterable[str]]
        | None = None,
        runner_factory: Callable[..., runner_mod.Runner] | None = None,
        finish: Callable[[journal_mod.Journal, flows.Context,
                          runner_mod.RunResult], None] | None = None,
        clock: Callable[[], float] = time.time,
) -> runner_mod.RunResult:
    """Run ``journal``'s flow once (a new run or a resume); see module doc.

    :param make_context: ``events -> Context`` of the run.
    :param make_flow: ``context -> flow`` (rebuilt from ``journal.plan``
        on resume, with the same atom names).
    :param callbacks: receive each run event.
    :param plan_event: ``flow -> data`` of the ``run.plan`` event (none
        is emitted when None).
    :param reset: ``(journal, context) -> atom names`` to run again
        (failed items, reconciled ones), called after ``run.plan``.
    :param runner_factory: ``(journal, flow, context) -> Runner``
        (default: :class:`~osmigcfg.engine.runner.Runner`).
    :param finish: ``(journal, context, result)``, called after the run
        while the events are still open (a closing summary event).
    :param clock: the events' clock.
    :returns: the :class:`~osmigcfg.engine.runner.RunResult`.
    :raises JournalError: when the journal cannot be written.
    """
    events = events_mod.EventStream(journal.events_path, callbacks,
                                    clock=clock)
    try:
        context = make_context(events)
        flow = make_flow(context)
        if plan_event is not None:
            events.emit('run.plan', **plan_event(flow))
        atoms = reset(journal, context) if reset is not None else []
        factory = runner_factory or runner_mod.Runner
        result = factory(journal, flow, context).run(reset_atoms=atoms)
        if finish is not None:
            finish(journal, context, result)
        return result
    finally:
        events.close()
