"""Cross-cloud migration: ``export``, ``import plan``, ``import``,
``copy`` and ``status`` (``cutover`` and ``worker``: ``crosscloud_run``).

``osmigcfg export DIR --os-cloud SRC`` writes one YAML document per
resource type; ``osmigcfg import plan DIR --dst-cloud DST`` diffs them
against the destination (nothing is changed; without ``--dst-cloud`` only
the documents are checked); ``import DIR --dst-cloud DST --yes`` applies
them, ``copy DIR --dst-cloud DST`` moves the images' and volumes' data
(the source is the documents' ``exported_from`` cloud, or
``--src-cloud``), ``status DIR`` reads the journals back.  Every problem
is one line on stderr; the exit status is 1 when there is an error or a
resource failed.  (``plan`` alone is the migrator's drain/server plan.)
"""

import sys

from cliff import lister
import openstack
from openstack import exceptions as sdk_exceptions

from osmigcfg import crosscloud
from osmigcfg import exceptions
from osmigcfg.cli import base
from osmigcfg.cli import ciformats


def _add_filter_arguments(parser):
    group = parser.add_argument_group('filters (combined with AND)')
    group.add_argument('--name', metavar='<name>', action='append',
                       default=[], dest='names',
                       help='only resources with this name (repeatable)')
    group.add_argument('--regex', metavar='<regex>',
                       help='only resources whose name matches')
    group.add_argument('--project', metavar='<name>', action='append',
                       default=[], dest='projects',
                       help='only resources of this project (repeatable)')
    group.add_argument('--tag', metavar='<tag>', action='append',
                       default=[], dest='tags',
                       help='only resources carrying this tag (repeatable)')
    group.add_argument('--type', metavar='<type>', action='append',
                       default=[], dest='types',
                       choices=sorted(crosscloud.REGISTRY),
                       help='only this resource type (repeatable)')


def _filters(parsed_args):
    return crosscloud.Filters(
        names=tuple(parsed_args.names), regex=parsed_args.regex,
        projects=tuple(parsed_args.projects), tags=tuple(parsed_args.tags),
        types=tuple(parsed_args.types))


def finding_line(finding):
    """One line for a finding: severity, code, where, what, hint."""
    where = str(finding.location)
    where = '' if where == '-' else f' {where}'
    text = f'{finding.severity} {finding.code}{where}: {finding.message}'
    return f'{text} ({finding.hint})' if finding.hint else text


def connect_cloud(name, option='--dst-cloud'):
    """An openstacksdk connection to a clouds.yaml entry (InputError if none)."""
    try:
        return openstack.connect(cloud=name)
    except sdk_exceptions.ConfigException as e:
        raise exceptions.InputError(
            f'{option} {name}: {e}',
            hint='name an entry of clouds.yaml (OS_CLIENT_CONFIG_FILE)'
        ) from None


def write_findings(stream, report):
    """Every finding of a report, one line each."""
    for finding in report.sorted():
        stream.write(finding_line(finding) + '\n')


def progress_callbacks(parsed_args, stream):
    """Event callbacks: one line per item event with ``--progress``."""
    if not getattr(parsed_args, 'progress', False):
        return []

    def show(event):
        if event['kind'].startswith(('item.', 'run.finished')) and \
                event['kind'] != 'item.progress':
            data = {k: v for k, v in event.items()
                    if k not in ('ts', 'kind', 'item')}
            stream.write(f'{event["kind"]} {event.get("item") or ""} '
                         f'{data}\n')
            stream.flush()
    return [show]


def add_run_arguments(parser, source=False):
    """--dst-cloud (required), --src-cloud, --progress."""
    parser.add_argument('--dst-cloud', metavar='<cloud>', required=True,
                        help='the destination: a clouds.yaml entry')
    if source:
        parser.add_argument('--src-cloud', metavar='<cloud>',
                            help='the source: a clouds.yaml entry (default: '
                                 'the documents\' exported_from.cloud)')
    parser.add_argument('--progress', action='store_true',
                        help='print one line per item event on stderr')


def run_rows(rows):
    """Lister rows of a run's items."""
    columns = ('Outcome', 'Type', 'Name', 'Destination id', 'Reason')
    return columns, [(r['outcome'], r['type'], r.get('dst_name') or
                      r.get('name'), r.get('dst_id') or '',
                      r.get('reason') or '') for r in rows]


def rows_status(rows, stream=None):
    """Exit status of a run: 1 when an item failed or did not finish
    (each such item is one line on ``stream``)."""
    bad = [r for r in rows if r['outcome'] in ('failed', 'pending')]
    for row in bad if stream is not None else ():
        why = row.get('reason') or 'did not run: something it needs failed'
        name = row.get('dst_name') or row.get('name')
        stream.write(f'error {row["type"]} {name}: {row["outcome"]}: '
                     f'{why}\n')
    return 1 if bad else 0


class ExportResources(base.ExitStatusMixin, lister.Lister):
    """Export the resources of a project (--os-cloud) as YAML documents."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('directory', metavar='<dir>',
                            help='where the documents go (created)')
        parser.add_argument('--all-projects', action='store_true',
                            help='admins: every project')
        _add_filter_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        conn = self.app.client_manager.sdk_connection
        result = crosscloud.export_resources(
            conn, parsed_args.directory, _filters(parsed_args),
            all_projects=parsed_args.all_projects,
            cloud_name=getattr(self.app.options, 'cloud', None))
        for finding in result.report.sorted():
            self.app.stderr.write(finding_line(finding) + '\n')
        written = {p.name for p in result.written}
        rows = [(d.type, len(d.entries),
                 crosscloud.REGISTRY[d.type].file,
                 'written' if crosscloud.REGISTRY[d.type].file in written
                 else 'unchanged')
                for d in result.documents]
        return ('Type', 'Resources', 'File', 'File state'), rows


class PlanImport(ciformats.CiFormatsMixin, base.ExitStatusMixin,
                 base.OfflineMixin, lister.Lister):
    """Dry run: what importing DIR would do in the destination cloud
    (``-f sarif`` / ``-f junit``: its findings instead of the plan)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('directory', metavar='<dir>',
                            help='the exported documents')
        parser.add_argument('--dst-cloud', metavar='<cloud>',
                            help='the destination: a clouds.yaml entry '
                                 '(omitted: only check the documents)')
        _add_filter_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        if parsed_args.dst_cloud:
            plan = crosscloud.plan_import(
                parsed_args.directory, connect_cloud(parsed_args.dst_cloud),
                _filters(parsed_args))
            report = plan.report
            rows = [(item.action, item.type, item.entry.dst_name or
                     item.entry.name, '; '.join(item.changes))
                    for item in plan.items]
        else:
            documents, report = crosscloud.read_directory(
                parsed_args.directory)
            rows = [('valid', e.type, e.dst_name or e.name, '')
                    for d in documents for e in d.entries]
        for finding in report.sorted():
            self.app.stderr.write(finding_line(finding) + '\n')
        self.exit_status = 1 if report.fails('error') else 0
        if ciformats.wants_findings(parsed_args):
            return base.FINDING_COLUMNS, [ciformats.finding_row(f)
                                          for f in report.sorted()]
        return ('Action', 'Type', 'Name', 'Changes'), rows


def confirm(parsed_args, what):
    """Go on with ``--yes``, or after a yes on a terminal; else refuse."""
    if parsed_args.yes:
        return
    if not sys.stdin.isatty():
        raise exceptions.InputError(
            f'not {what} without --yes',
            hint='`import plan DIR --dst-cloud ...` shows what it would do')
    answer = input(f'Go on with {what}? [y/N] ')
    if answer.strip().lower() not in ('y', 'yes'):
        raise exceptions.InputError('not started')


class ImportResources(base.ExitStatusMixin, base.OfflineMixin,
                      lister.Lister):
    """Create and update DIR's resources in the destination (journaled;
    run it again to resume or to check that nothing changes)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('directory', metavar='<dir>',
                            help='the exported documents')
        add_run_arguments(parser)
        parser.add_argument('--yes', action='store_true',
                            help='do not ask for confirmation')
        _add_filter_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        from osmigcfg.crosscloud.importing import run as importer
        dst = connect_cloud(parsed_args.dst_cloud)
        confirm(parsed_args, f'importing {parsed_args.directory} into '
                              f'{parsed_args.dst_cloud}')
        result = importer.import_documents(
            parsed_args.directory, dst, parsed_args.dst_cloud,
            _filters(parsed_args),
            progress_callbacks(parsed_args, self.app.stderr))
        write_findings(self.app.stderr, result.report)
        if result.report.fails('error'):
            self.exit_status = 1
            return run_rows([])
        self.exit_status = rows_status(result.rows, self.app.stderr)
        return run_rows(result.rows)


class CopyData(base.ExitStatusMixin, base.OfflineMixin, lister.Lister):
    """Copy the images' and volumes' data of DIR to the destination
    (streamed, verified, journaled; run it again to resume)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('directory', metavar='<dir>',
                            help='the exported (and imported) documents')
        add_run_arguments(parser, source=True)
        parser.add_argument('--parallel', metavar='<n>', type=int,
                            default=2, help='transfers at once (default 2)')
        parser.add_argument('--workers', metavar='<topic>',
                            help='run the copies on TaskFlow workers '
                                 'listening on this topic (broker URL in '
                                 '$OSMIGCFG_TRANSPORT_URL)')
        _add_filter_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        from osmigcfg.crosscloud.copy import run as datacopy
        factory = None
        if parsed_args.workers:  # kombu (the scale extra) only for workers
            from osmigcfg.crosscloud.copy import scale
            factory = scale.runner_factory(parsed_args.workers)
        documents_cloud = parsed_args.src_cloud or datacopy.source_cloud_of(
            parsed_args.directory)
        src = connect_cloud(documents_cloud, '--src-cloud')
        dst = connect_cloud(parsed_args.dst_cloud)
        result = datacopy.copy_data(
            parsed_args.directory, source=src, destination=dst,
            source_name=documents_cloud,
            destination_name=parsed_args.dst_cloud,
            filters=_filters(parsed_args), parallel=parsed_args.parallel,
            callbacks=progress_callbacks(parsed_args, self.app.stderr),
            runner_factory=factory)
        write_findings(self.app.stderr, result.report)
        if datacopy.relevant_errors(result.report):
            self.exit_status = 1
            return run_rows([])
        self.exit_status = rows_status(result.rows, self.app.stderr)
        return run_rows(result.rows)


class ShowStatus(base.ExitStatusMixin, base.OfflineMixin, lister.Lister):
    """What is imported, copied and cut over (from DIR's journals)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('directory', metavar='<dir>',
                            help='the documents directory')
        parser.add_argument('--dst-cloud', metavar='<cloud>',
                            help='only runs against this destination')
        return parser

    def take_action(self, parsed_args):
        from osmigcfg.crosscloud import status
        found = status.read_status(parsed_args.directory,
                                   parsed_args.dst_cloud)
        return status.COLUMNS, found.rows
