"""The final report of a run: per server source -> destination, method,
duration, outcome and reason, read from the journal and its events file.

The journal says *what* happened (TaskFlow's atom states and results); the
events file says *when* (first ``item.started`` and the last finishing
event), which also times failed servers.  :func:`timeline` turns the rows
into the bars of a Gantt chart (:mod:`~osmigcfg.migrate.timeline`), cut
into phases (:mod:`~osmigcfg.migrate.phases`).
"""

import dataclasses
import os

from osmigcfg import engine
from osmigcfg.migrate import outcomes as outcomes_mod
from osmigcfg.migrate import phases as phases_mod

COLUMNS = ('Server', 'Name', 'Method', 'Source', 'Destination', 'Started',
           'Duration (s)', 'Outcome', 'Reason')
ENDS = ('item.migrated', 'item.failed', 'item.timeout', 'item.skipped')


@dataclasses.dataclass
class Report:
    """A run's rows plus its header facts."""

    kind: str
    host: str | None
    rows: list
    events: int
    timings: dict = dataclasses.field(default_factory=dict)
    plan: dict = dataclasses.field(default_factory=dict)

    @property
    def counts(self):
        return outcomes_mod.counts(self.rows)

    @property
    def makespan(self):
        """Seconds from the first start to the last end (None if unknown)."""
        starts = [r.started for r in self.rows if r.started is not None]
        ends = [r.ended for r in self.rows if r.ended is not None]
        if not starts or not ends:
            return None
        return max(ends) - min(starts)


def _event_times(events):
    started, ended = {}, {}
    for event in events:
        item = event.get('item')
        if item is None:
            continue
        if event['kind'] == 'item.started':
            started.setdefault(item, event['ts'])
        elif event['kind'] in ENDS:
            ended[item] = event['ts']
    return started, ended


def build_report(journal_path: str) -> 'Report':
    """Read a journal (and its events, when present) into a Report.

    A maintenance journal reports the servers of all its drains.

    :raises JournalError: for a missing or corrupt journal.
    """
    journal = engine.Journal.open(journal_path)
    try:
        kind, plan = journal.kind, journal.plan
        progress = journal.book.meta.get('progress') or {}
    finally:
        journal.close()
    if kind == 'maintain':
        return _maintain_report(plan, progress)
    rows, events = _rows_and_events(journal_path)
    return Report(kind, plan.get('host'), rows, len(events),
                  phases_mod.timings(events), plan)


def _rows_and_events(journal_path):
    journal = engine.Journal.open(journal_path)
    try:
        rows = outcomes_mod.outcomes(journal)
        events = []
        if os.path.exists(journal.events_path):
            events = engine.read_events(journal.events_path)
    finally:
        journal.close()
    started, ended = _event_times(events)
    for row in rows:
        if row.id in started:
            row.started = row.started or started[row.id]
        if row.id in ended and (row.ended is None or
                                row.outcome in ('failed', 'timeout')):
            row.ended = ended[row.id]
    return rows, events


def _maintain_report(plan, progress):
    """The rows of every drain journal of a maintenance, in run order."""
    rows, events = [], []
    for step in (progress.get('steps') or {}).values():
        for sub in step.get('journals') or []:
            if os.path.exists(sub):
                found, sub_events = _rows_and_events(sub)
                rows += found
                events += sub_events
    summary = {'scope': ', '.join(plan.get('scope') or []),
               'hosts at once': plan.get('at_once'),
               'waves': ' | '.join(', '.join(w['hosts'])
                                   for w in plan.get('waves') or []),
               'state': progress.get('state')}
    return Report('maintain', summary['scope'], rows, len(events),
                  phases_mod.timings(events), summary)


def table(report):
    """``(columns, rows)`` for a cliff Lister, in start order."""
    first = min((r.started for r in report.rows if r.started), default=0)

    def key(row):
        return (row.started is None, row.started or 0, row.name or '')
    data = []
    for r in sorted(report.rows, key=key):
        data.append((r.id, r.name or '', r.method or '-', r.source or '-',
                     r.dest or '-',
                     f'+{r.started - first:.1f}' if r.started else '-',
                     f'{r.duration:.1f}' if r.duration is not None else '-',
                     r.outcome, r.reason or ''))
    return COLUMNS, data


@dataclasses.dataclass
class Bar:
    """One server in the timeline; times are seconds from the first start.

    ``phases``: ``(phase, start, end)``; ``downtime``: ``(start, end)`` or
    None (see :mod:`~osmigcfg.migrate.phases`).
    """

    label: str
    lane: str | None
    start: float
    end: float
    outcome: str
    phases: list
    downtime: tuple | None = None


def timeline(report):
    """The Gantt chart's :class:`Bar` list, in start order."""
    timed = [r for r in report.rows if r.started is not None]
    if not timed:
        return []
    first = min([r.started for r in timed] + [
        s for t in report.timings.values() for _, s, _ in t.phases])
    last = max((r.ended for r in timed if r.ended), default=first)
    bars = []
    for r in sorted(timed, key=lambda r: r.started):
        end = r.ended if r.ended is not None else last
        found = report.timings.get(r.id, phases_mod.Timing())
        bars.append(Bar(
            r.name or r.id[:8], r.source, r.started - first, end - first,
            r.outcome, [(p, s - first, e - first) for p, s, e in found.phases],
            tuple(t - first for t in found.downtime) if found.downtime
            else None))
    return bars
