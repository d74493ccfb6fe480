"""``cutover DIR --server NAME`` and ``worker``: cross-cloud, second half.

``cutover`` moves one server (see :mod:`osmigcfg.crosscloud.cutover.run`);
``worker`` serves copy steps for ``copy --workers TOPIC`` over the
message broker named by ``$OSMIGCFG_TRANSPORT_URL``.
"""


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


class CutoverServer(base.ExitStatusMixin, base.OfflineMixin, lister.Lister):
    """Move one server: stop the source, final data copy, boot it in the
    destination, verify (journaled; run it again to resume)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('directory', metavar='<dir>',
                            help='the imported documents')
        parser.add_argument('--server', metavar='<name>', required=True,
                            help="the server's name in the documents")
        cc.add_run_arguments(parser, source=True)
        parser.add_argument('--yes', action='store_true',
                            help='do not ask for confirmation')
        parser.add_argument('--leave-source-stopped', action='store_true',
                            help='when the cutover fails, leave the source '
                                 'stopped (default: start it again)')
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
        cc.confirm(parsed_args, f'cutting {parsed_args.server} over to '
                                f'{parsed_args.dst_cloud}')
        result = cutover.cutover_server(
            parsed_args.directory, parsed_args.server, source=src,
            destination=dst, source_name=src_cloud,
            destination_name=parsed_args.dst_cloud,
            callbacks=cc.progress_callbacks(parsed_args, self.app.stderr),
            policies=policies,
            leave_source_stopped=parsed_args.leave_source_stopped)
        cc.write_findings(self.app.stderr, result.report)
        if result.report.fails('error'):
            self.exit_status = 1
            return cc.run_rows([])
        self.exit_status = cc.rows_status(result.rows, self.app.stderr)
        return cc.run_rows(result.rows)
