"""Cutover: move servers, each source stopped in its turn, to the
destination.

:func:`cutover_servers` finds the selected servers in the documents
(:mod:`.batch`), resolves what each needs in the destination
(:mod:`.specs`), lists every problem and every step the credentials may
not do for the whole batch (:mod:`~osmigcfg.crosscloud.plan.preflight`)
before any source stops, then runs each server's steps (:mod:`.steps`)
on the shared engine, ``parallel`` servers at a time, journaled in
``DIR/.osmigcfg/cutover-NNNN-<name>.journal`` (one server named alone)
or ``cutover-NNNN-batch-<digest>.journal``.  Running the same command
again resumes an unfinished cutover; a finished server is not repeated
(the destination server is in the ID map).  :func:`cutover_server` is
the one-server form.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import typing

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg import findings
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import documents as documents_mod
from osmigcfg.crosscloud import idmap
from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import runs
from osmigcfg.crosscloud import runtime as runtime_mod
from osmigcfg.crosscloud import services
from osmigcfg.crosscloud import state as state_mod
from osmigcfg.crosscloud.cutover import batch
from osmigcfg.crosscloud.cutover import nova_ops
from osmigcfg.crosscloud.cutover import specs as cutover_plan
from osmigcfg.crosscloud.cutover import steps as cutover_steps
from osmigcfg.crosscloud.plan import planner as plan_mod
from osmigcfg.crosscloud.plan import preflight

if typing.TYPE_CHECKING:
    from collections.abc import Callable
    from collections.abc import Iterable

    from openstack import connection

    from osmigcfg.policy import effective

LOG = logging.getLogger(__name__)
KIND = 'cutover'


@dataclasses.dataclass
class CutoverResult(engine.JournaledResult):
    """The report (refused when it has an error), journal and one row
    per server (``outcome``, ``dst_id``, ``downtime`` in seconds);
    ``ok``: no error, no server failed or unfinished."""


@dataclasses.dataclass
class Planned:
    """One selected server: its spec, and its destination id when it
    was cut over already."""

    entry: typing.Any
    spec: dict
    done: str | None


def find_server(documents, name):
    """The server entry named ``name`` (source or destination name)."""
    return batch.select(documents, names=[name])[0]


def _already(plan, entry, known, dst_conn):
    item = next(p for p in plan.items if p.entry is entry)
    if item.dst_id is None:
        return None, []
    found = nova_ops.server(dst_conn, item.dst_id)
    if found is not None and nova_ops.marked(found, entry.source.get('id')):
        return None, []  # booted by a killed cutover: resuming adopts it
    if known.get(('server', entry.source.get('id'))) == item.dst_id:
        return item.dst_id, []
    return None, [findings.make_finding(
        codes.SERVER_EXISTS, f'the destination already has a server named '
        f'{entry.dst_name!r} that osmigcfg did not boot',
        file=entry.file, line=entry.line, subject=entry.label)]


def _selection(selection):
    """A selection as a dict: a bare name is ``{'names': [name]}``."""
    if isinstance(selection, str):
        return {'names': [selection]}
    return {k: v for k, v in selection.items() if v}


def _journal_plan(documents, entries, selection):
    """``(label, plan)`` of the run's journal: one server named alone is
    journaled as ``--server`` always was (its name, no filters)."""
    single = len(selection.get('names') or ()) == 1
    return batch.label(entries, single, selection), {
        'kind': KIND, 'digest': state_mod.documents_digest(documents),
        'filters': {} if single else selection}


def _started(directory, name, plan, dst, src_cloud):
    """Items a killed run of the same selection left half done."""
    journal = runs.resumable(state_mod.StateDir(directory), KIND, name,
                             plan, {'dst': dst, 'src_cloud': src_cloud})
    if journal is None:
        return set()
    try:
        atoms = journal.atoms()
        return {r['item'] for r in journal.plan.get('items', ())
                if batch.started(atoms, r['item'])}
    finally:
        journal.close()


def prepare(directory, selection, src_conn, dst_conn, clouds,
            policies=None):
    """``(report, planned, documents, dst, label, plan)`` of a cutover.

    :param selection: a server's name, or ``{'names': [...]}``,
        ``{'regex': R}`` or ``{'all': True}``.
    """
    selection = _selection(selection)
    documents, report = documents_mod.read_directory(directory)
    entries = batch.select(documents, names=selection.get('names') or (),
                           regex=selection.get('regex'),
                           every=bool(selection.get('all')))
    absent = services.missing_service(dst_conn, resources.get_type('server'))
    if absent:
        what = entries[0].label if len(entries) == 1 else \
            f'{len(entries)} servers'
        raise exceptions.InputError(
            f'cannot cut over {what}: the destination catalog has no '
            f'{absent} service', hint='cut over into a cloud with Nova')
    dst = state_mod.destination_identity(dst_conn, clouds[1])
    known = idmap.known_ids(idmap.read_runs(state_mod.StateDir(directory),
                                            dst))
    plan = plan_mod.plan_documents(documents, dst_conn, None, report, known)
    mine = {None}
    for entry in entries:
        mine |= {entry.label} | {f'{r["ref"]} {r["name"]}' for _, r in
                                 model.walk_refs(entry.params)}
    report = findings.Report([f for f in report if f.severity != 'error'
                              or f.location.subject in mine])
    name, journal_plan = _journal_plan(documents, entries, selection)
    started = _started(directory, name, journal_plan, dst, clouds[0])
    planned = []
    for entry in entries:
        done, errors = _already(plan, entry, known, dst_conn)
        spec, spec_errors = cutover_plan.build_spec(plan, entry, clouds,
                                                    known)
        if spec['item'] in started:
            done, errors = None, []  # a killed run's: resume it
        if not done:
            report.extend(errors)
            report.extend(spec_errors)
            report.extend(preflight.cutover_findings(
                spec, src_conn, dst_conn, policies))
        planned.append(Planned(entry, spec, done))
    return report, planned, documents, dst, name, journal_plan


def _row(spec):
    return {'item': spec['item'], 'type': 'server', 'name': spec['name'],
            'dst_name': spec['dst_name'], 'source_id': spec['source_id']}


def cutover_servers(
        directory: str | os.PathLike, *,
        names: Iterable[str] = (), regex: str | None = None,
        every: bool = False, parallel: int = 1,
        source: connection.Connection, destination: connection.Connection,
        source_name: str, destination_name: str,
        callbacks: Iterable[Callable] = (),
        policies: dict[str, effective.EffectivePolicy] | None = None,
        leave_source_stopped: bool = False,
) -> CutoverResult:
    """Cut the selected servers over, ``parallel`` at a time (see the
    module doc).  Select with one of ``names``, ``regex`` or ``every``.

    :param names: servers' names in the documents.
    :param regex: a regular expression searched in the servers' names.
    :param every: every server of the documents.
    :param parallel: servers whose source may be stopped at once (each
        source is stopped only when its turn comes).
    :param source: the source connection; ``source_name`` its clouds.yaml
        name.
    :param destination: the destination connection; ``destination_name``
        its clouds.yaml name.
    :param callbacks: receive each run event.
    :param policies: ``{'src': EffectivePolicy, 'dst': ...}`` for the
        preflight (default: Nova's defaults, as advice).
    :param leave_source_stopped: leave each source the cutover stopped
        stopped, after a success or a failure (default: start it again
        once its copy is verified, or once its cutover is undone).
    :returns: a :class:`CutoverResult`; nothing ran if its report has an
        error.
    :raises InputError: no server selected, an unknown name, a bad
        expression, or ``parallel`` below 1.
    """
    if int(parallel) < 1:
        raise exceptions.InputError(
            f'--parallel {parallel}: at least one server at a time',
            hint='--parallel 1 moves one server after the other')
    selection = {'names': list(names), 'regex': regex, 'all': every}
    return _run(directory, _selection(selection), int(parallel), source,
                destination, (source_name, destination_name), callbacks,
                policies, leave_source_stopped)


def cutover_server(
        directory: str | os.PathLike, server: str, *,
        source: connection.Connection, destination: connection.Connection,
        source_name: str, destination_name: str,
        callbacks: Iterable[Callable] = (),
        policies: dict[str, effective.EffectivePolicy] | None = None,
        leave_source_stopped: bool = False,
) -> CutoverResult:
    """Cut ``server`` over (see :func:`cutover_servers`).

    :param server: the server's source name in the documents.
    """
    return _run(directory, _selection(server), 1, source, destination,
                (source_name, destination_name), callbacks, policies,
                leave_source_stopped)


def _run(directory, selection, parallel, src_conn, dst_conn, clouds,
         callbacks, policies, leave_source_stopped):
    report, planned, documents, dst, name, plan = prepare(
        directory, selection, src_conn, dst_conn, clouds, policies)
    result = CutoverResult(report)
    if report.fails('error'):
        return result
    done_rows = {p.spec['item']: dict(_row(p.spec), outcome='already cut '
                                      'over', dst_id=p.done)
                 for p in planned if p.done}
    todo = [p.spec for p in planned if not p.done]
    if not todo:
        result.rows = list(done_rows.values())
        return result
    plan = dict(plan, items=[_row(s) for s in todo])
    journal, resumed = runs.open_or_create(
        state_mod.StateDir(directory), KIND, name, plan,
        {'dst': dst, 'src_cloud': clouds[0], 'parallel': parallel})
    earlier = {n: a.details for n, a in journal.atoms().items()
               if a.details}
    for spec in todo:
        spec['earlier'] = earlier
        spec['leave_source_stopped'] = bool(leave_source_stopped)
        for vol in spec['volumes']:
            vol['copy']['earlier'] = earlier
    holding = batch.in_turn(journal.atoms(), [s['item'] for s in todo])
    ended = {}

    def make_context(events):
        windows = engine.Windows({batch.WINDOW: parallel})
        for item in holding:  # their sources are down: they go on first
            windows.occupy(batch.turn_holder(item), [(batch.WINDOW, None)])
        return runtime_mod.Runtime(
            {clouds[0]: src_conn, clouds[1]: dst_conn}, windows, events)

    runs.run(
        journal, resumed, result, callbacks=callbacks,
        make_context=make_context,
        make_flow=lambda context: engine.run_flow(KIND, [
            cutover_steps.server_flow(context, s['item'], s)
            for s in todo]),
        plan_event=lambda flow: {'items': len(todo), 'resumed': resumed,
                                 'parallel': parallel},
        finish=lambda journal, context, run: ended.update(
            atoms=journal.atoms()))
    atoms = ended.get('atoms') or {}
    rows = {}
    for row in result.rows:
        if row['outcome'] == 'pending' and row['item'] in done_rows:
            row = done_rows[row['item']]
        row['downtime'] = batch.downtime(atoms, row['item'])
        rows[row['item']] = row
    result.rows = [rows.get(p.spec['item']) or done_rows[p.spec['item']]
                   for p in planned if p.spec['item'] in rows
                   or p.spec['item'] in done_rows]
    return result
