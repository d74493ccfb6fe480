"""``server migrate|confirm|revert|abort|force-complete`` commands."""

from osmigcfg.cli import migration_base as mb
from osmigcfg.migrate import operations


class MigrateServer(mb.MigrationCommand):
    """Cold- or live-migrate one server, checked against the policy first."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('server', metavar='<server>',
                            help='server name or id')
        parser.add_argument('--live', action='store_true',
                            help='live migration (default: cold)')
        parser.add_argument('--host', metavar='<host>',
                            help='destination host (default: the scheduler '
                                 'picks; a host usually needs an admin)')
        parser.add_argument('--block-migration', default='auto',
                            choices=('auto', 'true', 'false'),
                            help='live only (default: auto)')
        parser.add_argument('--wait', action='store_true',
                            help='wait, verify and report (journaled)')
        confirm = parser.add_mutually_exclusive_group()
        confirm.add_argument('--confirm', dest='confirm', action='store_true',
                             default=None, help='cold + --wait: confirm '
                             'once verified (default for admins)')
        confirm.add_argument('--no-confirm', dest='confirm',
                             action='store_false', help='cold + --wait: '
                             'leave it in VERIFY_RESIZE (default for others)')
        mb.add_preflight_arguments(parser)
        mb.add_run_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        compute = self.compute()
        preflight = self.preflight(parsed_args, compute)
        method = 'live' if parsed_args.live else 'cold'
        confirm = parsed_args.confirm
        if confirm is None:
            confirm = preflight.is_admin
        journal = None
        if parsed_args.wait:
            journal = parsed_args.journal or mb.new_journal_path(
                'migrate', parsed_args.server)
        result = self.run_guarded(lambda: operations.migrate_server(
            compute, preflight, ref=parsed_args.server, method=method,
            host=parsed_args.host,
            block_migration=parsed_args.block_migration,
            wait=parsed_args.wait, confirm=confirm, journal_path=journal,
            options=mb.run_options(parsed_args),
            callbacks=self.display(parsed_args, 1)), journal)
        if not parsed_args.wait:
            self.app.stdout.write(result.message + '\n')
            return 0
        found, _ = result
        mb.print_outcomes(self.app.stdout, found, journal)
        if found and found[0].outcome == 'verify_resize':
            self.app.stdout.write(
                f'waiting for you: `server confirm {parsed_args.server}` '
                f'or `server revert {parsed_args.server}`\n')
        return mb.outcome_status(found)


class _OneServerCommand(mb.MigrationCommand):
    operation = None

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('server', metavar='<server>',
                            help='server name or id')
        parser.add_argument('--timeout', metavar='<seconds>', type=float,
                            help='stop waiting after this long '
                                 '(default: 900 s to confirm, 1800 s to '
                                 'revert, 3600 s for a live migration)')
        mb.add_preflight_arguments(parser)
        return parser

    def call(self, compute, preflight, parsed_args):
        """The operation's library call (confirm, revert, abort or
        force-complete); each subclass names its own."""
        raise NotImplementedError

    def take_action(self, parsed_args):
        compute = self.compute()
        preflight = self.preflight(parsed_args, compute)
        done = self.call(compute, preflight, parsed_args)
        self.app.stdout.write(done.message + '\n')
        return 0


class ConfirmServer(_OneServerCommand):
    """Confirm a cold migration (the server is in VERIFY_RESIZE)."""

    def call(self, compute, preflight, parsed_args):
        return operations.confirm_server(compute, preflight,
                                         ref=parsed_args.server,
                                         timeout=parsed_args.timeout)


class RevertServer(_OneServerCommand):
    """Revert a cold migration: back to the source host."""

    def call(self, compute, preflight, parsed_args):
        return operations.revert_server(compute, preflight,
                                        ref=parsed_args.server,
                                        timeout=parsed_args.timeout)


class _MigrationIdCommand(_OneServerCommand):
    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--migration', metavar='<id>',
                            help='the migration id or uuid (default: the '
                                 "server's in-progress live migration)")
        return parser


class AbortServer(_MigrationIdCommand):
    """Abort a server's live migration (it stays where it is)."""

    def call(self, compute, preflight, parsed_args):
        return operations.abort_server(
            compute, preflight, ref=parsed_args.server,
            migration_id=parsed_args.migration, timeout=parsed_args.timeout)


class ForceCompleteServer(_MigrationIdCommand):
    """Force a server's running live migration to complete now."""

    def call(self, compute, preflight, parsed_args):
        return operations.force_complete_server(
            compute, preflight, ref=parsed_args.server,
            migration_id=parsed_args.migration, timeout=parsed_args.timeout)
