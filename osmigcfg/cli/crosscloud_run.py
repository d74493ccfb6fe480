"""``cutover DIR --server NAME | --all | --name N... | --regex R`` and
``worker``: cross-cloud, second half.

``cutover`` moves one server or a batch, ``--parallel K`` at a time (see
:mod:`osmigcfg.crosscloud.cutover.run`);
``worker`` serves copy steps for ``copy --workers TOPIC`` over the
message broker named by ``$OSMIGCFG_TRANSPORT_URL``.
"""


import argparse

from cliff import command
from cliff import lister

from osmigcfg.cli import base
from osmigcfg.cli import crosscloud as cc


class RunWorker(base.OfflineMixin, command.Command):
    """Serve cross-cloud copy steps (TaskFlow worker) until stopped."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--topic', metavar='<topic>', required=True,
                            help='the topic `copy --workers` sends to')
        parser.add_argument('--threads', metavar='<n>', type=int,
                            default=2, help='steps at once (default 2)')
        return parser

    def take_action(self, parsed_args):
        from osmigcfg.crosscloud.copy import scale
        scale.run_worker(parsed_args.topic, threads=parsed_args.threads)
        return 0


def add_policy_arguments(parser):
    """--src-/--dst- policy file, profile and policy.d of each cloud."""
    group = parser.add_argument_group(
        'policy preflight (default: Nova\'s defaults, as advice)')
    for side in ('src', 'dst'):
        group.add_argument(f'--{side}-policy-file', metavar='<file>',
                           help=f"the {side} cloud's Nova policy.yaml")
        group.add_argument(f'--{side}-profile', metavar='<name>',
                           help='a shipped policy profile instead')
        group.add_argument(f'--{side}-policy-dir', metavar='<dir>',
                           action='append', default=[],
                           help='a policy.d directory (repeatable)')


def load_policies(parsed_args, conns):
    """``{side: EffectivePolicy}`` for the sides whose policy was given."""
    from osmigcfg.crosscloud.types import nova
    from osmigcfg.migrate import preflight
    policies = {}
    for side, conn in conns.items():
        given = {k: getattr(parsed_args, f'{side}_{k}') for k in
                 ('policy_file', 'profile', 'policy_dir')}
        if not any(given.values()):
            continue
        policies[side], _ = preflight.load_policy(
            policy_file=given['policy_file'], profile=given['profile'],
            policy_dirs=given['policy_dir'],
            max_version=nova.session(conn).max_version)
    return policies


#: the cutover's report columns: a run's, and each server's downtime
COLUMNS = ('Outcome', 'Type', 'Name', 'Destination id', 'Reason',
           'Downtime (s)')


def cutover_rows(rows):
    """Lister rows of a cutover: a run's rows and each server's downtime
    (source SHUTOFF to destination ACTIVE; empty until both happened)."""
    _, found = cc.run_rows(rows)
    downtimes = ['' if r.get('downtime') is None else r['downtime']
                 for r in rows]
    return COLUMNS, [(*row, d) for row, d in zip(found, downtimes)]


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f'{text!r}: a whole number of servers, 1 or more')
    return value


class CutoverServer(base.ExitStatusMixin, base.OfflineMixin, lister.Lister):
    """Move servers: stop each source in its turn, final data copy, boot
    it in the destination, verify (journaled; run it again to resume)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('directory', metavar='<dir>',
                            help='the imported documents')
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument('--server', metavar='<name>',
                           help="one server's name in the documents")
        which.add_argument('--name', metavar='<name>', nargs='+',
                           dest='names',
                           help="servers' names in the documents")
        which.add_argument('--regex', metavar='<regex>',
                           help='the servers whose name matches (Python '
                                'regular expression, searched)')
        which.add_argument('--all', action='store_true', dest='every',
                           help='every server of the documents')
        parser.add_argument('--parallel', metavar='<k>', type=_positive,
                            default=1,
                            help='servers moved at once, each source '
                                 'stopped only when its turn comes '
                                 '(default 1)')
        cc.add_run_arguments(parser, source=True)
        parser.add_argument('--yes', action='store_true',
                            help='do not ask for confirmation')
        parser.add_argument('--leave-source-stopped', action='store_true',
                            help='leave each source the cutover stopped '
                                 'stopped, after a success or a failure '
                                 '(default: start it again once its copy '
                                 'is verified, or once the cutover is '
                                 'undone)')
        add_policy_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        from osmigcfg.crosscloud.cutover import run as cutover
        from osmigcfg.crosscloud.copy import run as datacopy
        src_cloud = parsed_args.src_cloud or datacopy.source_cloud_of(
            parsed_args.directory)
        src = cc.connect_cloud(src_cloud, '--src-cloud')
        dst = cc.connect_cloud(parsed_args.dst_cloud)
        policies = load_policies(parsed_args, {'src': src, 'dst': dst})
        names = [parsed_args.server] if parsed_args.server else \
            parsed_args.names or ()
        what = ' '.join(names) if names else (
            f'the servers matching {parsed_args.regex!r}'
            if parsed_args.regex is not None else 'every server')
        cc.confirm(parsed_args, f'cutting {what} over to '
                                f'{parsed_args.dst_cloud}')
        result = cutover.cutover_servers(
            parsed_args.directory, names=names, regex=parsed_args.regex,
            every=parsed_args.every, parallel=parsed_args.parallel,
            source=src, destination=dst, source_name=src_cloud,
            destination_name=parsed_args.dst_cloud,
            callbacks=cc.progress_callbacks(parsed_args, self.app.stderr),
            policies=policies,
            leave_source_stopped=parsed_args.leave_source_stopped)
        cc.write_findings(self.app.stderr, result.report)
        if result.report.fails('error'):
            self.exit_status = 1
            return cutover_rows([])
        self.exit_status = cc.rows_status(result.rows, self.app.stderr)
        return cutover_rows(result.rows)
