"""``resume [JOURNAL]`` and ``report [JOURNAL] [--timeline FILE]
[--html FILE]``."""

from cliff import lister

from osmigcfg.cli import base
from osmigcfg.cli import migration_base as mb
from osmigcfg.engine import journal as journal_mod
from osmigcfg import files
from osmigcfg.migrate import drain as drain_mod
from osmigcfg.migrate import report as report_mod
from osmigcfg.migrate import report_html
from osmigcfg.migrate import timeline as timeline_mod


def _journal_argument(parser):
    parser.add_argument('journal', metavar='<journal>', nargs='?',
                        help='the journal file (default: the newest in '
                             f'{mb.state_dir()})')


class ResumeRun(mb.MigrationCommand):
    """Carry on a drain or migration after a crash, a stop or a timeout."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _journal_argument(parser)
        parser.add_argument('--json-events', action='store_true',
                            help='print events as JSON lines instead of '
                                 'the progress display')
        parser.add_argument('--timeout', metavar='<seconds>', type=float,
                            help='wait this long for each migration from '
                                 "now (default: the journal's; 0: 3600 s for "
                                 'a migration, 1800 s for a revert)')
        mb.add_preflight_arguments(parser)
        return parser

    def take_action(self, parsed_args):
        path = parsed_args.journal or mb.latest_journal()
        journal = journal_mod.Journal.open(path)  # bad files fail offline
        if journal.kind == 'maintain':
            journal.close()
            from osmigcfg.cli import maintain
            return maintain.resume(self, parsed_args, path)
        movers = sum(1 for i in journal.plan['items']
                     if i['method'] and not i['skip'])
        journal.close()
        compute = self.compute()
        preflight = self.preflight(parsed_args, compute)
        found, _ = self.run_guarded(lambda: drain_mod.resume_run(
            compute, preflight, journal_path=path, timeout=parsed_args.timeout,
            callbacks=self.display(parsed_args, movers)), path)
        mb.print_outcomes(self.app.stdout, found, path)
        return mb.outcome_status(found)


class ShowReport(base.ExitStatusMixin, base.OfflineMixin, lister.Lister):
    """Report a run: per server source -> destination, method, duration,
    outcome; optionally a timeline (Gantt) PNG or SVG and an HTML report."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _journal_argument(parser)
        parser.add_argument('--timeline', metavar='<file.png|file.svg>',
                            help='write a Gantt chart of the run (PNG, or '
                                 'SVG for a .svg name; needs the plot '
                                 'extra)')
        parser.add_argument('--html', metavar='<file.html>',
                            help='write a self-contained HTML report of '
                                 'the run')
        return parser

    def take_action(self, parsed_args):
        path = parsed_args.journal or mb.latest_journal()
        report = report_mod.build_report(path)
        if parsed_args.timeline:
            timeline_mod.write_timeline(report_mod.timeline(report),
                                        parsed_args.timeline)
        if parsed_args.html:
            files.write_atomic(parsed_args.html,
                               report_html.render_html(report, path))
        self.exit_status = mb.outcome_status(report.rows)
        return report_mod.table(report)
