"""Export: a source cloud's resources into versioned YAML documents.

The credential decides the scope: a project member exports its own
project; an admin exports its own project, the projects named by the
filters, or all of them, plus the admin-only types (projects, users, role
assignments, quotas).  Every id a resource holds becomes a name-based
ref.  Secrets are never read, and a secret-looking field (a ``password``
image property...) is left out by the detector import refuses it with,
its path recorded in the entry's ``info.left_out`` (``XCL405``).  A type
whose service the source catalog lacks is left out (``XCL404``).
Documents are private files (0600).
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import os
import typing

from osmigcfg import exceptions
from osmigcfg import findings
from osmigcfg.crosscloud import api
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import documents as documents_mod
from osmigcfg.crosscloud import filters as filters_mod
from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import refs as refs_mod
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import services
from osmigcfg.crosscloud import validate

if typing.TYPE_CHECKING:
    from openstack import connection

LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class ExportResult:
    """What an export produced: documents, notes, and the files written."""

    documents: list
    report: findings.Report
    written: list = dataclasses.field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {d.type: len(d.entries) for d in self.documents}


def _project_names(conn, admin, project_id, project_name):
    names = {project_id: project_name}
    if admin and services.has_service(conn, 'identity'):
        for project in api.list_json(conn.identity, '/projects', 'projects',
                                     'list projects'):
            names[project['id']] = project['name']
    return names


def _scope(filters, admin, project_id, names, all_projects):
    if not admin:
        others = set(filters.projects) - {names[project_id], project_id}
        if others or all_projects:
            raise exceptions.InputError(
                'a non-admin credential exports only its own project '
                f'({names[project_id]})',
                hint='drop --project/--all-projects or use an admin')
        return resources.Scope(project_id, False, frozenset({project_id}))
    if all_projects:
        return resources.Scope(project_id, True, None)
    if not filters.projects:
        return resources.Scope(project_id, True, frozenset({project_id}))
    by_name = {name: pid for pid, name in names.items()}
    unknown = [p for p in filters.projects if p not in by_name
               and p not in names]
    if unknown:
        raise exceptions.InputError(
            f'no project {", ".join(map(repr, unknown))} in the source',
            hint=f'projects: {", ".join(sorted(by_name))}')
    ids = {by_name.get(p, p) for p in filters.projects}
    return resources.Scope(project_id, True, frozenset(ids))


def _export_type(rtype, book, filters, names):
    entries = []
    for raw in book.visible(rtype.type):
        if not rtype.in_scope(raw, book.scope, book):
            continue
        name = rtype.source_name(raw)
        project = names.get(rtype.owner(raw))
        if not filters.matches(rtype, name, project, rtype.tags(raw)):
            continue
        book.referrer = f'{rtype.type} {name}'
        source = {'name': name, 'project': project}
        if raw.get('id'):
            source['id'] = raw['id']
        entries.append(_without_secrets(model.Entry(
            rtype.type, source, rtype.export_params(raw, book),
            rtype.export_info(raw), rtype.export_knobs(raw))))
    return sorted(entries, key=lambda e: (e.project or '', e.name))


def _without_secrets(entry):
    """The entry with its secret-looking fields left out, by the detector
    the import refuses them with; their paths (never their values) are
    recorded in ``info.left_out``."""
    entry.params, in_params = validate.split_secrets(entry.params,
                                                     ('params',))
    entry.info, in_info = validate.split_secrets(entry.info, ('info',))
    left_out = [model.path_text(path) for path, _ in in_params + in_info]
    if left_out:
        entry.info['left_out'] = left_out
    return entry


def _notes(documents, book, skipped, no_service):
    report = findings.Report()
    for what, service in no_service:
        report.add(services.missing_finding(what, service, side='source'))
    if skipped:
        report.add(findings.make_finding(
            codes.SKIPPED_ADMIN_TYPES, f'not exported: {", ".join(skipped)} '
            '(the credential is not an admin)'))
    for referrer, type_name, resource_id in book.hidden:
        report.add(findings.make_finding(
            codes.SOURCE_REF_HIDDEN, f'refers to {type_name} {resource_id}, '
            'which this credential cannot see', subject=referrer))
    for document in documents:
        for entry in document.entries:
            for path in entry.info.get('left_out', ()):
                report.add(findings.make_finding(
                    codes.SECRET_LEFT_OUT, f'{path}: looks like a secret; '
                    'left out of the document', subject=entry.label))
        names = collections.Counter(e.key for e in document.entries)
        for (type_name, name, project), count in sorted(names.items()):
            if count > 1:
                report.add(findings.make_finding(
                    codes.SOURCE_DUPLICATE, f'{count} resources named '
                    f'{name!r} in project {project}',
                    subject=f'{type_name} {name}'))
    return report


def _export_types(conn, book, filters, origin):
    """``(documents, admin-only types skipped, (type, absent service))``."""
    documents, skipped, no_service = [], [], []
    for type_name in resources.ordered_types():
        rtype = resources.get_type(type_name)
        if not filters.type_selected(type_name):
            continue
        absent = services.missing_service(conn, rtype)
        if absent:
            no_service.append((type_name, absent))
            continue
        if rtype.admin_only and not book.scope.is_admin:
            skipped.append(type_name)
            continue
        no_service.extend(
            (f'{type_name} {part}', service) for part, service in
            services.missing_parts(conn, rtype).items())
        entries = _export_type(rtype, book, filters, book.project_names)
        if entries:
            documents.append(model.Document(type_name, entries, origin))
    return documents, skipped, no_service


def export_resources(conn: connection.Connection,
                     directory: str | os.PathLike | None = None,
                     filters: filters_mod.Filters | None = None,
                     all_projects: bool = False,
                     cloud_name: str | None = None) -> ExportResult:
    """Export the source resources the credential and filters select.

    :param conn: an openstacksdk Connection to the source cloud.
    :param directory: where to write the documents (None: do not write).
    :param filters: a :class:`~osmigcfg.crosscloud.filters.Filters`.
    :param all_projects: admins only: every project.
    :param cloud_name: recorded in each document's ``exported_from``.
    :returns: an :class:`ExportResult`.
    :raises InputError: a filter the credential cannot honour.
    :raises CloudError: the source refused or did not answer a listing.
    """
    filters = filters or filters_mod.Filters()
    roles, project_id, project_name = api.token_roles(conn)
    admin = 'admin' in roles
    names = _project_names(conn, admin, project_id, project_name)
    scope = _scope(filters, admin, project_id, names, all_projects)
    book = refs_mod.RefBook(conn, scope, names)
    origin = {'cloud': cloud_name, 'projects': sorted(
        names[p] for p in (scope.project_ids or names) if p in names)}
    documents, skipped, no_service = _export_types(conn, book, filters,
                                                   origin)
    result = ExportResult(documents, _notes(documents, book, skipped,
                                            no_service))
    if directory is not None:
        result.written = documents_mod.write_documents(directory, documents)
    LOG.info('exported %s', result.counts())
    return result
