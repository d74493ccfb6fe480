"""Plan: a dry-run diff of the documents against the destination cloud.

For every selected resource, in dependency order: resolve its refs (to a
destination id, or "created by this plan"), find it in the destination
(by name, or the type's own identity), and decide ``create``, ``update``
(updatable fields differ) or ``skip`` (equal).  Then check the
destination's prerequisites (:mod:`~osmigcfg.crosscloud.plan.prereqs`).
Every problem is a finding; nothing is created or changed.  Resources of
a type (or a type's part) whose service the destination lacks are left
out with one ``XCL404`` warning per type: import, copy and cutover, which
all start from a plan, go on with the rest.

Seams for import: ``PlanItem.want`` holds the params to apply with refs
as ``{ref, id}`` (``id`` None while the referenced resource is still to
be created), ``PlanItem.dst_id`` the resource to update, the items are in
dependency order, and ``known_ids`` (source id -> destination id, from an
import's journal) makes renamed and nameless resources idempotent.
"""

from __future__ import annotations

import dataclasses
import json
import os
import typing

from osmigcfg import findings
from osmigcfg.crosscloud import api
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import documents as documents_mod
from osmigcfg.crosscloud import filters as filters_mod
from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import refs as refs_mod
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import services
from osmigcfg.crosscloud.plan import prereqs

if typing.TYPE_CHECKING:
    from openstack import connection

CREATE, UPDATE, SKIP, ERROR = 'create', 'update', 'skip', 'error'


@dataclasses.dataclass
class PlanItem:
    """What the import would do with one resource."""

    entry: model.Entry
    action: str
    want: dict
    dst_id: str | None = None
    changes: list = dataclasses.field(default_factory=list)

    @property
    def type(self) -> str:
        return self.entry.type


@dataclasses.dataclass
class Plan:
    items: list
    report: findings.Report
    #: the Resolver the plan used (the import resolves refs with it)
    resolver: object = None
    #: ``{type: parts}`` the destination has no service for (a quota's
    #: ``volume`` without block storage): left out of what is applied
    absent_parts: dict = dataclasses.field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.action] = counts.get(item.action, 0) + 1
        return counts


def normalize(value, unordered=False):
    """A comparable form: empty means None, unordered lists sorted."""
    if isinstance(value, dict):
        value = {k: normalize(v) for k, v in value.items()}
        value = {k: v for k, v in value.items() if v is not None}
    elif isinstance(value, list):
        value = [normalize(v) for v in value]
        if unordered:
            value = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    return None if value in ('', [], {}) else value


def _finding(code, entry, message):
    return findings.make_finding(code, message, file=entry.file,
                                 line=entry.line, subject=entry.label)


def _ref_errors(entry, resolver, selected):
    errors = []
    for path, ref in model.walk_refs(entry.params):
        where = f'params.{model.path_text(path)}'
        found = resolver.resolve(ref)
        if found.status == refs_mod.AMBIGUOUS:
            errors.append(_finding(codes.AMBIGUOUS_REF, entry, (
                f'{where}: {model.Ref.from_yaml(ref)} matches several '
                'resources')))
        elif found.status == refs_mod.MISSING:
            errors.append(_finding(codes.UNRESOLVED_REF, entry, (
                f'{where}: {model.Ref.from_yaml(ref)} is neither in the '
                'documents nor in the destination')))
        elif (found.status == refs_mod.PLANNED and found.entry is not None
              and id(found.entry) not in selected):
            errors.append(_finding(codes.UNRESOLVED_REF, entry, (
                f'{where}: {model.Ref.from_yaml(ref)} is left out of this '
                'plan (filtered out, or the destination has no service for '
                'it) and not in the destination')))
    return errors


def _canonical(params, resolver):
    return model.map_refs(params, lambda r: {
        'ref': r.get('ref'), 'id': resolver.dst_id(r)})


def _diff(rtype, want, have):
    changes, immutable = [], []
    for key, value in want.items():
        param = rtype.param(key)
        unordered = bool(param and param.unordered)
        old = normalize(have.get(key), unordered)
        if normalize(value, unordered) == old:
            continue
        scalar = not isinstance(value, (dict, list)) and not isinstance(
            old, (dict, list))
        text = f'{key}: {old!r} -> {value!r}' if scalar else f'{key} differs'
        (immutable if param and not param.updatable else changes).append(
            text)
    return changes, immutable


def wanted_params(rtype, entry, absent_parts=()):
    """What the destination should hold of an entry: its params with the
    knobs applied, without the parts of services the destination lacks."""
    return {k: v for k, v in rtype.effective_params(entry).items()
            if k not in absent_parts}


def _plan_entry(rtype, entry, resolver, selected, absent_parts):
    errors = _ref_errors(entry, resolver, selected)
    want = _canonical(wanted_params(rtype, entry, absent_parts), resolver)
    found = resolver.existing(entry)
    if len(found) > 1:
        errors.append(_finding(codes.AMBIGUOUS_REF, entry, (
            f'{len(found)} destination resources match it')))
        return PlanItem(entry, ERROR, want), errors
    if not found:
        return PlanItem(entry, ERROR if errors else CREATE, want), errors
    have = rtype.export_params(found[0], resolver.dst)
    changes, immutable = _diff(rtype, rtype.comparable(entry, want),
                               rtype.comparable(entry, have))
    for text in immutable:
        errors.append(_finding(codes.IMMUTABLE_CHANGE, entry, (
            f'exists in the destination; cannot change {text}')))
    action = ERROR if errors else (UPDATE if changes else SKIP)
    return PlanItem(entry, action, want, found[0].get('id'),
                    changes), errors


def _skipped_services(entries, dst_conn):
    """``(entries of types the destination serves, {type: absent parts},
    one XCL404 line per type or part left out)``."""
    kept, parts, notes = [], {}, []
    for type_name in sorted({e.type for e in entries}):
        rtype = resources.get_type(type_name)
        typed = [e for e in entries if e.type == type_name]
        absent = services.missing_service(dst_conn, rtype)
        if absent:
            notes.append(services.missing_finding(
                type_name, absent, side='destination', count=len(typed),
                severity='warning'))
            continue
        kept.extend(typed)
        parts[type_name] = services.missing_parts(dst_conn, rtype)
        notes.extend(services.missing_finding(
            f'{type_name} {part}', service, side='destination',
            count=sum(1 for e in typed if e.params.get(part)),
            severity='warning')
            for part, service in parts[type_name].items()
            if any(e.params.get(part) for e in typed))
    return kept, parts, notes


def _refusals(rtype, typed, admin):
    """Findings refusing a whole type: admins only."""
    if not typed:
        return []
    if rtype.admin_only and not admin:
        return [_finding(codes.NEEDS_ADMIN, e, (
            f'creating a {rtype.type} needs an admin in the destination'))
            for e in typed]
    return []


def plan_documents(documents: list[model.Document],
                   dst_conn: connection.Connection,
                   filters: filters_mod.Filters | None = None,
                   report: findings.Report | None = None,
                   known_ids: dict[tuple[str, str], str] | None = None,
                   ) -> Plan:
    """Plan ``documents`` (already read) against the destination.

    :param known_ids: ``{(type, source id): destination id}`` from an
        import's journal: those resources are matched by id, not by name.
    :returns: a :class:`Plan`; its report holds every problem.
    :raises CloudError: the destination refused or did not answer a read.
    """
    filters = filters or filters_mod.Filters()
    report = report if report is not None else findings.Report()
    roles, project_id, _ = api.token_roles(dst_conn)
    admin = 'admin' in roles
    scope = resources.Scope(project_id, admin,
                            None if admin else frozenset({project_id}))
    book = refs_mod.RefBook(dst_conn, scope, mode='id')
    entries = [e for d in documents for e in d.entries]
    kept, absent_parts, notes = _skipped_services(
        [e for e in entries if filters.matches_entry(
            resources.get_type(e.type), e)], dst_conn)
    report.extend(notes)
    projects = ({p['name']: p['id'] for p in book.visible('project')}
                if admin else None)
    resolver = refs_mod.Resolver(entries, book, project_id, projects,
                                 known_ids)
    items = _plan_items(kept, resolver, admin, absent_parts, report)
    report.extend(prereqs.prerequisite_errors(items, resolver, admin))
    return Plan(items, report, resolver, absent_parts)


def _plan_items(entries, resolver, admin, absent_parts, report):
    """The PlanItems of the selected ``entries``, in dependency order."""
    selected = {id(e) for e in entries}
    items = []
    for type_name in resources.ordered_types({e.type for e in entries}):
        rtype = resources.get_type(type_name)
        typed = [e for e in entries if e.type == type_name]
        refused = _refusals(rtype, typed, admin)
        if refused:
            report.extend(refused)
            items.extend(PlanItem(e, ERROR, {}) for e in typed)
            continue
        for entry in typed:
            item, errors = _plan_entry(rtype, entry, resolver, selected,
                                       absent_parts.get(type_name, {}))
            items.append(item)
            report.extend(errors)
    return items


def plan_import(directory: str | os.PathLike,
                dst_conn: connection.Connection,
                filters: filters_mod.Filters | None = None,
                known_ids: dict[tuple[str, str], str] | None = None) -> Plan:
    """Read the documents in ``directory`` and plan them (see module doc).

    Invalid documents are reported and left out; the plan still checks
    the rest, so one run lists every problem.
    """
    documents, report = documents_mod.read_directory(directory)
    return plan_documents(documents, dst_conn, filters, report, known_ids)
