"""Copy: the images' and volumes' data, source to destination, verified.

:func:`copy_data` plans against the destination (with the ID map of the
earlier runs), builds one item per image (its record was made by
``import``), per volume whose data is not copied yet, and per snapshot of
a copied volume, and runs them on the shared engine: locally on a thread
pool (at most ``parallel`` transfers at once), or on TaskFlow workers
(:mod:`~osmigcfg.crosscloud.copy.scale`).  The journal is
``DIR/.osmigcfg/copy-NNNN.journal``; running ``copy`` again resumes an
unfinished run and never redoes a finished copy (an image already
``active`` with the source's checksums is verified, not copied; a
volume recorded as copied is left alone).
"""

from __future__ import annotations

import dataclasses
import os
import typing

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import documents as documents_mod
from osmigcfg.crosscloud import idmap
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import runs
from osmigcfg.crosscloud import runtime as runtime_mod
from osmigcfg.crosscloud import state as state_mod
from osmigcfg.crosscloud.copy import specs as copy_plan
from osmigcfg.crosscloud.copy import steps as copy_steps
from osmigcfg.crosscloud.plan import planner as plan_mod

if typing.TYPE_CHECKING:
    from collections.abc import Callable
    from collections.abc import Iterable

    from openstack import connection

    from osmigcfg.crosscloud import filters as filters_mod

KIND = 'copy'
DEFAULT_PARALLEL = 2


@dataclasses.dataclass
class CopyResult(engine.JournaledResult):
    """The report (refused when it has an error), journal and rows;
    ``ok``: no error and no failed or unfinished item."""


def prepare(directory, dst_conn, src_cloud, dst_cloud, filters=None):
    """``(report, specs, selection, documents, dst)`` of a copy run."""
    documents, report = documents_mod.read_directory(directory)
    state = state_mod.StateDir(directory)
    dst = state_mod.destination_identity(dst_conn, dst_cloud)
    history = idmap.read_runs(state, dst)
    plan = plan_mod.plan_documents(documents, dst_conn, filters, report,
                                   idmap.known_ids(history))
    specs, selection, errors = copy_plan.build_specs(
        plan, history, src_cloud or copy_plan.source_cloud(documents),
        dst_cloud)
    report.extend(errors)
    return report, specs, selection, documents, dst


def source_cloud_of(directory):
    """The documents' ``exported_from.cloud`` (InputError when none)."""
    documents, _ = documents_mod.read_directory(directory)
    cloud = copy_plan.source_cloud(documents)
    if not cloud:
        raise exceptions.InputError(
            f'{directory}: the documents do not name their source cloud',
            hint='give --src-cloud')
    return cloud


def relevant_errors(report):
    """Errors that stop a copy: bad documents, or data entries' problems."""
    return [f for f in report.at_least('error')
            if not f.location.subject or f.code == codes.NOT_IMPORTED
            or _has_data(f.location.subject.split()[0])]


def _has_data(type_name):
    rtype = resources.REGISTRY.get(type_name)
    return rtype is not None and rtype.has_data


def build_flow(context, specs, names):
    """The copy flow of the items ``names`` (graph: snapshots last)."""
    from taskflow.patterns import graph_flow
    flow = graph_flow.Flow(KIND)
    for name in names:
        spec = specs[name]
        if spec['type'] == 'image':
            flow.add(copy_steps.image_flow(context, name, spec))
        elif spec['type'] == 'volume':
            flow.add(copy_steps.volume_flow(context, name, spec))
        else:
            dep = spec.get('volume_item')
            flow.add(copy_steps.snapshot_flow(
                context, name, spec, dep if dep in names else None))
    return flow


def copy_data(directory: str | os.PathLike, *,
              source: connection.Connection,
              destination: connection.Connection,
              source_name: str | None = None,
              destination_name: str | None = None,
              filters: filters_mod.Filters | None = None,
              parallel: int = DEFAULT_PARALLEL,
              callbacks: Iterable[Callable] = (),
              runner_factory: Callable | None = None) -> CopyResult:
    """Copy the data of ``directory``'s images and volumes (module doc).

    :param source: the source connection; ``source_name`` its
        clouds.yaml name (default: the documents' ``exported_from.cloud``;
        a worker connects by that name).
    :param destination: the destination connection; ``destination_name``
        its clouds.yaml name (the ID map is kept per destination).
    :param filters: which resources (default: all of the documents).
    :param parallel: transfers at once (local threads).
    :param callbacks: receive each run event.
    :param runner_factory: ``(journal, flow, context) -> Runner`` (the
        worker-based runner of :mod:`.scale`; default: local threads).
    :returns: a :class:`CopyResult`; with an error in its report nothing
        was started.
    """
    src_conn, dst_conn = source, destination
    src_cloud, dst_cloud = source_name, destination_name
    report, specs, selection, documents, dst = prepare(
        directory, dst_conn, src_cloud, dst_cloud, filters)
    result = CopyResult(report)
    if relevant_errors(report):
        return result
    src_cloud = src_cloud or copy_plan.source_cloud(documents)
    plan = {'kind': KIND, 'digest': state_mod.documents_digest(documents),
            'filters': state_mod.filters_key(filters),
            'items': [copy_plan.plan_row(specs[n]) for n in selection]}
    journal, resumed = runs.open_or_create(
        state_mod.StateDir(directory), KIND, None, plan,
        {'dst': dst, 'src_cloud': src_cloud, 'parallel': parallel})
    names = [i['item'] for i in journal.plan['items'] if i['item'] in specs]
    some = specs[names[0]] if names else {}

    def make_context(events):
        context = runtime_mod.Runtime(
            {some.get('src_cloud'): src_conn, some.get('dst_cloud'):
             dst_conn}, engine.Windows({'global': parallel}), events)
        runtime_mod.install(context)
        return context
    return runs.run(
        journal, resumed, result, callbacks=callbacks,
        make_context=make_context,
        make_flow=lambda context: build_flow(context, specs, names),
        plan_event=lambda flow: {'items': len(names), 'resumed': resumed},
        runner_factory=runner_factory)
