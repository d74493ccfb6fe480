"""``drain``, ``migrate`` (a list of servers) and ``plan`` commands."""

import sys

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.cli import migration_base as mb
from osmigcfg.migrate import drain as drain_mod
from osmigcfg.migrate import planner
from osmigcfg.migrate import readiness_gate

PLAN_COLUMNS = ('Server', 'Name', 'Project', 'Status', 'Source', 'Method',
                'Target', 'Skipped because')


def add_selection_arguments(parser):
    """--method, --project, --flavor, --name-regex."""
    parser.add_argument('--method', default='auto',
                        choices=('auto', 'live', 'cold'),
                        help='auto: ACTIVE/PAUSED live, SHUTOFF cold')
    parser.add_argument('--project', metavar='<id>',
                        help='only servers of this project')
    parser.add_argument('--flavor', metavar='<name>',
                        help='only servers of this flavor')
    parser.add_argument('--name-regex', metavar='<regex>',
                        help='only servers whose name matches')
    parser.add_argument('--no-confirm', dest='confirm', action='store_false',
                        default=True, help='leave cold migrations in '
                        'VERIFY_RESIZE (default: confirm once verified)')


def add_window_arguments(parser):
    """--max-parallel, --per-host, --nova-limit."""
    parser.add_argument('--max-parallel', metavar='<N>', type=int,
                        help='servers in flight overall (default: no limit)')
    parser.add_argument('--per-host', metavar='<N>', type=int,
                        help='servers in flight per source and per '
                             'destination host (default: max(k+2, 2k) '
                             'for --nova-limit k)')
    parser.add_argument('--nova-limit', metavar='<k>', type=int, default=1,
                        help="Nova's max_concurrent_live_migrations on the "
                             'computes (default: 1, Nova\'s default)')


def add_readiness_arguments(parser):
    """--ignore-readiness, --role-assignments."""
    group = parser.add_argument_group('readiness (as `osmigcfg readiness`)')
    group.add_argument('--ignore-readiness', action='store_true',
                       help='start even when readiness predicts that every '
                            'migration of the plan fails (warns instead)')
    group.add_argument('--role-assignments', metavar='<file>',
                       help="the service users' roles (as `readiness "
                            "--role-assignments`), when keystone cannot "
                            'be read with your credentials')


def _filters(parsed_args):
    return {'project': parsed_args.project, 'flavor': parsed_args.flavor,
            'name_regex': parsed_args.name_regex}


def _windows(parsed_args):
    return engine.Windows.for_migrations(
        parsed_args.nova_limit, per_host=parsed_args.per_host,
        max_parallel=parsed_args.max_parallel)


def write_plan(stream, plan):
    """The plan as a table, then its findings."""
    rows = [(i['id'], i['name'] or '', i['project_id'] or '', i['status'],
             i['source'] or '-', i['method'] or '-', i['host'] or 'scheduler'
             if i['method'] else '-', i['skip'] or '') for i in plan.items]
    widths = [max([len(c)] + [len(str(r[n])) for r in rows])
              for n, c in enumerate(PLAN_COLUMNS)]
    for row in [PLAN_COLUMNS] + rows:
        stream.write('  '.join(str(v).ljust(w) for v, w in
                               zip(row, widths)).rstrip() + '\n')
    mb.write_findings(stream, plan.report)
    stream.write(f'{len(plan.movers)} to move, '
                 f'{len(plan.items) - len(plan.movers)} skipped\n')


def _show_plan(stream, plan):
    write_plan(stream, plan)
    return 1 if plan.report.fails('error') else 0


def _plan_drain(compute, preflight, parsed_args, host):
    return planner.plan_drain(
        compute, preflight, host=host, method=parsed_args.method,
        confirm=parsed_args.confirm, filters=_filters(parsed_args),
        conn=compute.session.conn)


def _plan_servers(compute, preflight, parsed_args):
    return planner.plan_servers(
        compute, preflight, refs=parsed_args.servers,
        method=parsed_args.method, host=parsed_args.host,
        confirm=parsed_args.confirm, filters=_filters(parsed_args),
        all_projects=getattr(parsed_args, 'all_projects', False))


class _PlanCommand(mb.MigrationCommand):
    def confirm_start(self, parsed_args, what):
        if parsed_args.yes:
            return
        if not sys.stdin.isatty():
            raise exceptions.InputError(
                f'not starting {what} without --yes (use --dry-run to see '
                f'the plan)')
        answer = input(f'Start {what}? [y/N] ')
        if answer.strip().lower() not in ('y', 'yes'):
            raise exceptions.InputError('not started')

    def run_plan(self, parsed_args, plan, *, what, journal_name, run):
        """``--dry-run``: show the plan; else ask, run it journaled, report.

        :param run: the library call, given the plan, journal path,
            options and callbacks as keywords.
        """
        if parsed_args.dry_run:
            return _show_plan(self.app.stdout, plan)
        drain_mod.refuse_on_errors(plan)
        self.confirm_start(parsed_args, what)
        journal = parsed_args.journal or mb.new_journal_path(*journal_name)
        found, _ = self.run_guarded(lambda: run(
            plan=plan, journal_path=journal,
            options=mb.run_options(parsed_args, _windows(parsed_args)),
            callbacks=self.display(parsed_args, len(plan.movers))), journal)
        mb.print_outcomes(self.app.stdout, found, journal)
        return mb.outcome_status(found)


class DrainHost(_PlanCommand):
    """Move every server off a compute host (plan first, then run)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('host', metavar='<host>', help='the host to empty')
        parser.add_argument('--dry-run', action='store_true',
                            help='print the plan and its findings, change '
                                 'nothing')
        parser.add_argument('--yes', action='store_true',
                            help='start without asking')
        parser.add_argument('--disable-service', action='store_true',
                            help="disable the host's compute service first "
                                 f'(reason: "{drain_mod.DISABLED_REASON}")')
        parser.add_argument('--enable-service', action='store_true',
                            help='enable it again when every server left')
        add_selection_arguments(parser)
        add_window_arguments(parser)
        mb.add_preflight_arguments(parser)
        add_readiness_arguments(parser)
        mb.add_run_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        compute = self.compute()
        preflight = self.preflight(parsed_args, compute)
        plan = _plan_drain(compute, preflight, parsed_args, parsed_args.host)
        readiness_gate.check_readiness(
            plan, preflight, compute.session.conn,
            role_assignments=parsed_args.role_assignments,
            ignore=parsed_args.ignore_readiness)
        return self.run_plan(
            parsed_args, plan, what=f'draining {parsed_args.host} '
            f'({len(plan.movers)} servers)',
            journal_name=('drain', parsed_args.host),
            run=lambda **kw: drain_mod.drain_host(
                compute, preflight,
                disable_service=parsed_args.disable_service,
                enable_after=parsed_args.enable_service, **kw))


class MigrateServers(_PlanCommand):
    """Migrate a list of servers, or those matching filters, as one run."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--servers', metavar='<server>', nargs='+',
                            default=[], help='server names or ids')
        parser.add_argument('--all-projects', action='store_true',
                            help='look in every project (admins)')
        parser.add_argument('--host', metavar='<host>',
                            help='destination host for all (default: the '
                                 'scheduler picks)')
        parser.add_argument('--yes', action='store_true',
                            help='start without asking')
        parser.add_argument('--dry-run', action='store_true',
                            help='print the plan, change nothing')
        add_selection_arguments(parser)
        add_window_arguments(parser)
        mb.add_preflight_arguments(parser)
        mb.add_run_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        if not parsed_args.servers and not any(_filters(parsed_args).values()):
            raise exceptions.InputError(
                'name servers with --servers or select them with --project, '
                '--flavor or --name-regex')
        compute = self.compute()
        preflight = self.preflight(parsed_args, compute)
        plan = _plan_servers(compute, preflight, parsed_args)
        return self.run_plan(
            parsed_args, plan, what=f'migrating {len(plan.movers)} servers',
            journal_name=('migrate', 'servers'),
            run=lambda **kw: drain_mod.run_servers(compute, preflight, **kw))


class ShowPlan(mb.MigrationCommand):
    """Show what a drain or a server list would do (changes nothing)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument('--drain', metavar='<host>',
                            help='plan draining this host')
        target.add_argument('--servers', metavar='<server>', nargs='+',
                            help='plan migrating these servers')
        parser.add_argument('--host', metavar='<host>',
                            help='with --servers: destination host')
        add_selection_arguments(parser)
        mb.add_preflight_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        compute = self.compute()
        preflight = self.preflight(parsed_args, compute)
        if parsed_args.drain:
            plan = _plan_drain(compute, preflight, parsed_args,
                               parsed_args.drain)
        else:
            plan = _plan_servers(compute, preflight, parsed_args)
        return _show_plan(self.app.stdout, plan)
