"""Cutover: move one server, source stopped, to the destination.

:func:`cutover_server` finds the server in the documents, resolves what
it needs in the destination (:mod:`.specs`), lists every problem and
every step the credentials may not do
(:mod:`~osmigcfg.crosscloud.plan.preflight`) before anything starts,
then runs the server's steps (:mod:`.steps`) on the shared engine,
journaled in ``DIR/.osmigcfg/cutover-NNNN-<name>.journal``.  Running it
again resumes an unfinished cutover; a finished one is not repeated (the
destination server is in the ID map).
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
    """The report (refused when it has an error), journal and the
    server's row; ``ok``: no error, the server not failed or unfinished."""


def find_server(documents, name):
    """The server entry named ``name`` (source or destination name)."""
    found = [e for d in documents for e in d.entries if e.type == 'server'
             and name in (e.name, e.dst_name)]
    if len(found) != 1:
        known = sorted(e.name for d in documents for e in d.entries
                       if e.type == 'server')
        raise exceptions.InputError(
            f'{"no" if not found else "several"} server {name!r} in the '
            'documents', hint=f'servers: {", ".join(known) or "none"}')
    return found[0]


def _already(plan, entry, known, dst_conn):
    item = next(p for p in plan.items if p.entry is entry)
    if item.dst_id is None:
        return None, []
    if known.get(('server', entry.source.get('id'))) == item.dst_id:
        return item.dst_id, []
    found = nova_ops.server(dst_conn, item.dst_id)
    if found is not None and nova_ops.marked(found, entry.source.get('id')):
        return None, []  # booted by a killed cutover: resuming adopts it
    return None, [findings.make_finding(
        codes.SERVER_EXISTS, f'the destination already has a server named '
        f'{entry.dst_name!r} that osmigcfg did not boot',
        file=entry.file, line=entry.line, subject=entry.label)]


def prepare(directory, server, src_conn, dst_conn, clouds, policies=None):
    """``(report, spec, done_id, documents, dst)`` of a server's cutover."""
    documents, report = documents_mod.read_directory(directory)
    entry = find_server(documents, server)
    absent = services.missing_service(dst_conn, resources.get_type('server'))
    if absent:
        raise exceptions.InputError(
            f'cannot cut over {entry.label}: the destination catalog has no '
            f'{absent} service', hint='cut over into a cloud with Nova')
    dst = state_mod.destination_identity(dst_conn, clouds[1])
    known = idmap.known_ids(idmap.read_runs(state_mod.StateDir(directory),
                                            dst))
    plan = plan_mod.plan_documents(documents, dst_conn, None, report, known)
    mine = {entry.label} | {f'{r["ref"]} {r["name"]}' for _, r in
                            model.walk_refs(entry.params)}
    report = findings.Report([f for f in report if f.severity != 'error'
                              or f.location.subject in (None, *mine)])
    done, errors = _already(plan, entry, known, dst_conn)
    report.extend(errors)
    spec, errors = cutover_plan.build_spec(plan, entry, clouds, known)
    if not done:
        report.extend(errors)
        report.extend(preflight.cutover_findings(
            spec, src_conn, dst_conn, policies))
    return report, spec, done, documents, dst


def cutover_server(
        directory: str | os.PathLike, server: str, *,
        source: connection.Connection, destination: connection.Connection,
        source_name: str, destination_name: str,
        callbacks: Iterable[Callable] = (),
        policies: dict[str, effective.EffectivePolicy] | None = None,
        leave_source_stopped: bool = False,
) -> CutoverResult:
    """Cut ``server`` over (see the module doc).

    :param server: the server's source name in the documents.
    :param source: the source connection; ``source_name`` its clouds.yaml
        name.
    :param destination: the destination connection; ``destination_name``
        its clouds.yaml name.
    :param callbacks: receive each run event.
    :param policies: ``{'src': EffectivePolicy, 'dst': ...}`` for the
        preflight (default: Nova's defaults, as advice).
    :param leave_source_stopped: when the cutover fails, leave the
        source stopped (default: start it again if the cutover stopped
        it).
    :returns: a :class:`CutoverResult`; nothing ran if its report has an
        error.
    """
    src_conn, dst_conn = source, destination
    src_cloud, dst_cloud = source_name, destination_name
    report, spec, done, documents, dst = prepare(
        directory, server, src_conn, dst_conn, (src_cloud, dst_cloud),
        policies)
    result = CutoverResult(report)
    row = {'item': spec['item'], 'type': 'server', 'name': spec['name'],
           'dst_name': spec['dst_name'], 'source_id': spec['source_id']}
    if done:
        result.rows = [dict(row, outcome='already cut over', dst_id=done)]
        return result
    if report.fails('error'):
        return result
    plan = {'kind': KIND, 'digest': state_mod.documents_digest(documents),
            'filters': {}, 'items': [row]}
    journal, resumed = runs.open_or_create(
        state_mod.StateDir(directory), KIND, spec['dst_name'], plan,
        {'dst': dst, 'src_cloud': src_cloud})
    earlier = {n: a.details for n, a in journal.atoms().items()
               if a.details}
    spec['earlier'] = earlier
    spec['leave_source_stopped'] = bool(leave_source_stopped)
    for vol in spec['volumes']:
        vol['copy']['earlier'] = earlier
    return runs.run(
        journal, resumed, result, callbacks=callbacks,
        make_context=lambda events: runtime_mod.Runtime(
            {spec['src_cloud']: src_conn, spec['dst_cloud']: dst_conn},
            engine.Windows({}), events),
        make_flow=lambda context: engine.run_flow(KIND, [
            cutover_steps.server_flow(context, spec['item'], spec)]),
        plan_event=lambda flow: {'items': 1, 'resumed': resumed})
