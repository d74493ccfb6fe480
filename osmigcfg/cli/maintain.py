"""``maintain``: rolling maintenance of a set of compute hosts."""

import types

from osmigcfg.cli import drain as drain_cli
from osmigcfg.cli import migration_base as mb
from osmigcfg.migrate import planner
from osmigcfg.migrate import readiness_gate
from osmigcfg.migrate.maintain import plan as plan_mod
from osmigcfg.migrate.maintain import run as run_mod
from osmigcfg.migrate.maintain import waves as waves_mod


def write_plan(stream, plan):
    """Waves, special servers and findings."""
    short = plan.data.get('short_wave')
    for wave in plan.waves:
        if short and wave['number'] >= short:
            stream.write(f'wave {wave["number"]}: {", ".join(wave["hosts"])}'
                         + (': does not fit (see the error below)\n'
                            if wave['number'] == short else
                            ': not predicted\n'))
            continue
        stream.write(f'wave {wave["number"]}: {", ".join(wave["hosts"])}: '
                     f'{len(wave["movers"])} to move'
                     + (f'; left enabled: {", ".join(wave["opened"])}'
                        if wave['opened'] else '')
                     + (f'; {len(wave["twice"])} will move twice'
                        if wave['twice'] else '') + '\n')
    for s in plan.data['special']:
        stream.write(f'stays: {s["name"] or s["id"]} on {s["host"]}: '
                     f'{s["what"]}\n')
    for f in plan.report.sorted():
        stream.write(f'{f.severity}: {f.code} {f.message}'
                     + (f' (hint: {f.hint})' if f.hint else '') + '\n')
    stream.write(f'{len(plan.movers)} to move in {len(plan.waves)} '
                 f'wave(s)\n')


def write_result(stream, result):
    mb.print_outcomes(stream, result.outcomes, result.journal)
    stream.write(f'maintenance {result.state}'
                 + (f': {result.message}' if result.message else '') + '\n')


def check_readiness(parsed_args, plan, preflight, conn):
    """The drain's readiness gate over the servers the waves move (each
    live or cold as its drain will choose); its findings join the plan's."""
    wanted = plan.data.get('method', 'auto')
    servers = plan.data.get('servers', {})
    movers = [{'host': None, 'method': planner.choose_method(
        {'status': servers.get(sid, {}).get('status')}, wanted)[0]}
        for sid in plan.movers]
    readiness_gate.check_readiness(
        types.SimpleNamespace(movers=[m for m in movers if m['method']],
                              report=plan.report),
        preflight, conn, role_assignments=parsed_args.role_assignments,
        ignore=parsed_args.ignore_readiness)


def status(result):
    return 0 if result.ok or result.state in ('paused', 'stopped') else 1


class MaintainHosts(drain_cli._PlanCommand):
    """Maintain compute hosts a few at a time (disable, drain, run, enable)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument('--hosts', metavar='<h1,h2>',
                           type=lambda v: [h for h in v.split(',') if h])
        scope.add_argument('--aggregate', metavar='<name>')
        scope.add_argument('--availability-zone', metavar='<name>')
        scope.add_argument('--all-computes', action='store_true')
        parser.add_argument('--hosts-at-once', metavar='<N>', type=int,
                            default=1, help='hosts per wave (default 1)')
        parser.add_argument('--order', choices=waves_mod.ORDERS,
                            default='emptiest', help='emptiest hosts '
                            'first (default), or the order given')
        step = parser.add_mutually_exclusive_group(required=True)
        step.add_argument('--exec', dest='command', metavar="'CMD {host}'",
                          help='the maintenance command (exit status '
                               'decides)')
        step.add_argument('--pause', action='store_true',
                          help='stop after each drain until `resume`')
        parser.add_argument('--up-timeout', type=float, default=600.0,
                            metavar='<seconds>')
        parser.add_argument('--exec-timeout', type=float, metavar='<s>',
                            help='seconds --exec may run before it is '
                                 'killed and counts as failed (default 3600)')
        parser.add_argument('--stop-after-wave', type=int, metavar='<N>')
        parser.add_argument('--dry-run', action='store_true')
        parser.add_argument('--yes', action='store_true')
        drain_cli.add_window_arguments(parser)
        mb.add_preflight_arguments(parser)
        drain_cli.add_readiness_arguments(parser)
        mb.add_run_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        compute = self.compute()
        preflight = self.preflight(parsed_args, compute)
        plan = plan_mod.plan_maintenance(
            compute, preflight, conn=compute.session.conn,
            hosts=parsed_args.hosts, aggregate=parsed_args.aggregate,
            availability_zone=parsed_args.availability_zone,
            all_computes=parsed_args.all_computes,
            at_once=parsed_args.hosts_at_once, order=parsed_args.order)
        check_readiness(parsed_args, plan, preflight, compute.session.conn)
        if parsed_args.dry_run:
            write_plan(self.app.stdout, plan)
            return 1 if plan.report.fails('error') else 0
        from osmigcfg.migrate import drain as drain_mod
        drain_mod.refuse_on_errors(plan)
        self.confirm_start(parsed_args, f'maintaining '
                           f'{len(plan.data["scope"])} hosts '
                           f'({len(plan.movers)} servers to move)')
        journal = parsed_args.journal or mb.new_journal_path(
            'maintain', plan.data['scope'][0])
        options = run_mod.MaintainOptions(
            command=parsed_args.command, pause=parsed_args.pause,
            up_timeout=parsed_args.up_timeout,
            command_timeout=parsed_args.exec_timeout)
        result = self.run_guarded(lambda: run_mod.start(
            compute, preflight, plan=plan, journal_path=journal,
            options=options, run_options=mb.run_options(
                parsed_args, drain_cli._windows(parsed_args)),
            stop_after_wave=parsed_args.stop_after_wave,
            callbacks=self.display(parsed_args, len(plan.movers))), journal)
        write_result(self.app.stdout, result)
        return status(result)


def resume(command, parsed_args, path):
    """``resume`` of a maintenance journal (called by ``ResumeRun``)."""
    compute = command.compute()
    preflight = command.preflight(parsed_args, compute)
    result = command.run_guarded(lambda: run_mod.resume(
        compute, preflight, journal_path=path,
        callbacks=command.display(parsed_args, 0)), path)
    write_result(command.app.stdout, result)
    return status(result)
