"""``export`` and ``import plan``: cross-cloud migration, first half.

``osmigcfg export DIR --os-cloud SRC`` writes one YAML document per
resource type; ``osmigcfg import plan DIR --dst-cloud DST`` diffs them
against the destination (nothing is changed; without ``--dst-cloud`` only
the documents are checked) and prints every problem as one line on
stderr, exiting 1 when there is an error.  (``plan`` alone is the
migrator's drain/server plan.)
"""

import logging

from cliff import lister
import openstack
from openstack import exceptions as sdk_exceptions

from osmigcfg import crosscloud
from osmigcfg import exceptions
from osmigcfg.cli import base

LOG = logging.getLogger(__name__)


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


def connect_cloud(name):
    """An openstacksdk connection to a clouds.yaml entry (InputError if none)."""
    try:
        return openstack.connect(cloud=name)
    except sdk_exceptions.ConfigException as e:
        raise exceptions.InputError(
            f'--dst-cloud {name}: {e}',
            hint='name an entry of clouds.yaml (OS_CLIENT_CONFIG_FILE)'
        ) from None


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


class PlanImport(base.ExitStatusMixin, base.OfflineMixin, lister.Lister):
    """Dry run: what importing DIR would do in the destination cloud."""

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
        return ('Action', 'Type', 'Name', 'Changes'), rows
