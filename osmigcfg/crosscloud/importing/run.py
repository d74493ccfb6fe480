"""Import: create and update the documents' resources in the destination.

:func:`import_documents` plans the documents against the destination
(:mod:`~osmigcfg.crosscloud.plan.planner`, with the ID map of earlier runs as
``known_ids``), refuses to start when the plan has an error (nothing is
created; every problem is in the report), then runs one item per resource
on the shared engine: a TaskFlow graph flow (an item runs after the items
it refers to; a failure stops only its dependents), journaled in
``DIR/.osmigcfg/import-NNNN.journal``.

Running ``import`` again is idempotent: an unfinished run for the same
documents and destination is resumed (finished items are not redone,
failed ones are retried, a resource created just before a kill is found
again); a finished one starts a new run whose plan finds everything in
place and changes nothing.
"""

from __future__ import annotations

import dataclasses
import os
import typing

from taskflow.patterns import graph_flow

from osmigcfg import engine
from osmigcfg import findings
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import documents as documents_mod
from osmigcfg.crosscloud import idmap
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import runs
from osmigcfg.crosscloud import state as state_mod
from osmigcfg.crosscloud.importing import items as import_items
from osmigcfg.crosscloud.importing import steps as import_steps
from osmigcfg.crosscloud.plan import planner as plan_mod
from osmigcfg.crosscloud.plan import preflight

if typing.TYPE_CHECKING:
    from collections.abc import Callable
    from collections.abc import Iterable

    from openstack import connection

    from osmigcfg.crosscloud import filters as filters_mod
    from osmigcfg.policy import effective

KIND = 'import'
#: concurrent writes: in all, and per API service
WINDOWS = {'global': 6, 'service': 2}


class ImportContext(engine.Context):
    """What the import steps share (in memory)."""

    def __init__(self, conn, plan, items, events, windows=None):
        super().__init__(engine.Windows(windows or WINDOWS), events)
        self.conn = conn
        self.resolver = plan.resolver
        self.items = {i.name: i for i in items}
        self.admin_projects = plan.resolver.dst_projects is not None

    def target_project(self, entry):
        """The project id to put in a body, for another project's entry."""
        if not self.admin_projects:
            return None
        rtype = resources.get_type(entry.type)
        target = self.resolver.target_project(entry)
        if rtype.project_scoped and target != self.resolver.dst_project_id:
            return target
        return None


@dataclasses.dataclass
class ImportResult(engine.JournaledResult):
    """The shared run result (``.items``: one outcome row per item), with
    the plan and its import items (``.planned``, run or not)."""

    plan: plan_mod.Plan | None = None
    planned: list = dataclasses.field(default_factory=list)


def _project_errors(plan):
    """Entries of another project an admin cannot create (cinder, nova)."""
    resolver, errors = plan.resolver, []
    if resolver.dst_projects is None:
        return errors
    for item in plan.items:
        if item.action != plan_mod.CREATE or not resources.get_type(
                item.type).own_project_only:
            continue
        target = resolver.target_project(item.entry)
        if target != resolver.dst_project_id:
            errors.append(findings.make_finding(
                codes.OTHER_PROJECT, f'a {item.type} of project '
                f'{item.entry.project} can only be created with a credential '
                'scoped to that project', file=item.entry.file,
                line=item.entry.line, subject=item.entry.label))
    return errors


def plan_run(directory, dst_conn, dst_cloud=None, filters=None,
             policies=None):
    """Plan an import: ``(ImportResult without rows, documents, dst)``."""
    documents, report = documents_mod.read_directory(directory)
    state = state_mod.StateDir(directory)
    dst = state_mod.destination_identity(dst_conn, dst_cloud)
    known = idmap.known_ids(idmap.read_runs(state, dst))
    plan = plan_mod.plan_documents(documents, dst_conn, filters, report,
                                   known)
    report.extend(_project_errors(plan))
    items = import_items.build_items(plan) if plan.resolver else []
    if not report.fails('error'):
        report.extend(preflight.import_findings(items, dst_conn, policies))
    return ImportResult(report=report, plan=plan, planned=items), \
        documents, dst


def import_documents(
        directory: str | os.PathLike, dst_conn: connection.Connection,
        dst_cloud: str | None = None,
        filters: filters_mod.Filters | None = None,
        callbacks: Iterable[Callable] = (),
        policies: dict[str, effective.EffectivePolicy] | None = None,
) -> ImportResult:
    """Import ``directory`` into the destination (see the module doc).

    :returns: an :class:`ImportResult`; when its report has an error the
        import did not start and nothing was created.
    :raises CloudError: the destination refused or did not answer a read.
    :raises JournalError: the journal cannot be written.
    """
    result, documents, dst = plan_run(directory, dst_conn, dst_cloud,
                                      filters, policies)
    if result.report.fails('error'):
        return result
    work = [i for i in result.planned if not i.deferred]
    plan = {'kind': KIND, 'digest': state_mod.documents_digest(documents),
            'filters': state_mod.filters_key(filters),
            'items': [i.to_plan() for i in result.planned]}
    journal, resumed = runs.open_or_create(
        state_mod.StateDir(directory), KIND, None, plan, {'dst': dst})

    def make_flow(context):
        flow = graph_flow.Flow(KIND)
        flow.add(*[import_steps.item_flow(context, i) for i in work])
        return flow
    return runs.run(
        journal, resumed, result, callbacks=callbacks, make_flow=make_flow,
        make_context=lambda events: ImportContext(
            dst_conn, result.plan, result.planned, events),
        plan_event=lambda flow: {'items': len(result.planned),
                                 'work': len(work), 'resumed': resumed})
