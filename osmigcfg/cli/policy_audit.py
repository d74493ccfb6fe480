"""``policy audit|upgrade-check|rehearse`` commands.

Each parses its arguments, calls one library function, writes the optional
``--html`` / ``--text`` reports and lists the findings (or the matrix, or
the rehearsed cells); the exit status is 1 when a finding reaches
``--fail-on``.
"""

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg import policy
from osmigcfg.cli import base
from osmigcfg.cli import ciformats

FAIL_LEVELS = ['high', 'medium', 'info']
LONG_COLUMNS = base.FINDING_COLUMNS + ('Details',)


def _add_report_arguments(parser, default_fail='high'):
    parser.add_argument(
        '--fail-on', default=default_fail, choices=FAIL_LEVELS,
        help=f'lowest severity that makes the exit status 1 '
             f'(default: {default_fail})')
    parser.add_argument('--html', metavar='<file>',
                        help='also write a self-contained HTML report')
    parser.add_argument('--text', metavar='<file>',
                        help='also write a plain-text report')
    parser.add_argument('--long', action='store_true',
                        help='list each finding\'s rule chain too')


def _policy_source(parsed_args, what):
    """The policy source keywords every command passes on (InputError
    when nothing is given to ``what``)."""
    if not (parsed_args.policy_file or parsed_args.policy_dirs
            or parsed_args.profile):
        raise exceptions.InputError(
            f'nothing to {what}', hint='give a policy file, --policy-dir, '
            'or --profile upstream for Nova\'s defaults')
    return {'policy_dirs': parsed_args.policy_dirs,
            'enforce_new_defaults': parsed_args.enforce_new_defaults,
            'profile': parsed_args.profile}


def _write_reports(parsed_args, result):
    if parsed_args.html:
        files.write_atomic(parsed_args.html, policy.render_html(result))
    if parsed_args.text:
        files.write_atomic(parsed_args.text, policy.render_text(result))


class _ReportLister(base.FindingsLister):
    """Calls the library on the policy source, writes the reports and
    lists the findings (``--long`` adds the rule chains)."""

    #: the verb of "nothing to ..." when no policy source is given
    what = ''

    def call(self, parsed_args, source):
        """The library call's result (with ``.report``)."""
        raise NotImplementedError

    def rows(self, parsed_args, result):
        return self.findings_or_long(parsed_args, result.report)

    def take_action(self, parsed_args):
        result = self.call(parsed_args, _policy_source(parsed_args,
                                                       self.what))
        _write_reports(parsed_args, result)
        return self.rows(parsed_args, result)

    def findings_or_long(self, parsed_args, report):
        columns, rows = self.findings_rows(report, parsed_args.fail_on)
        if not parsed_args.long:
            return columns, rows
        details = ['\n'.join(f.details) for f in report.sorted()]
        return LONG_COLUMNS, [row + (d,) for row, d in zip(rows, details)]


class AuditPolicy(_ReportLister):
    """Audit who can migrate what under a Nova policy (actions x personas)."""

    what = 'audit'

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_policy_source_arguments(parser)
        parser.add_argument('--expect', metavar='<profile>',
                            help='report every decision that differs from '
                                 'this profile (info findings)')
        parser.add_argument('--matrix', action='store_true',
                            help='list the matrix instead of the findings '
                                 '(the exit status still follows them)')
        _add_report_arguments(parser)
        return parser

    def call(self, parsed_args, source):
        return policy.audit_policy(
            parsed_args.policy_file, release=parsed_args.release,
            expect=parsed_args.expect, **source)

    def rows(self, parsed_args, result):
        columns, rows = self.findings_or_long(parsed_args, result.report)
        if parsed_args.matrix and not ciformats.wants_findings(parsed_args):
            return matrix_rows(result.matrix)
        return columns, rows


def matrix_rows(matrix):
    """The matrix as (columns, rows): one row per action."""
    columns = ('Action', 'Rules') + tuple(p.name for p in matrix.personas)
    rows = []
    for act, cells in matrix.rows():
        rules = ', '.join(v.rule.split(':', 1)[1] for v in cells[0].verdicts)
        rows.append((act.key, rules) + tuple(_cell_word(c) for c in cells))
    return columns, rows


def _cell_word(cell):
    if cell.allowed is None:
        return 'unknown'
    if cell.allowed:
        return 'allowed'
    return {'hidden': 'not found',
            'unparsable': 'denied (unparsable rule)'}.get(cell.reason,
                                                          'denied')


class CheckUpgrade(_ReportLister):
    """What the same policy files mean after a Nova upgrade."""

    what = 'check'

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_policy_source_arguments(parser, positional=True,
                                         release=False)
        parser.add_argument('--from', dest='from_release', metavar='<N>',
                            type=int, required=True,
                            help='the Nova release running today')
        parser.add_argument('--to', dest='to_release', metavar='<M>',
                            type=int, default=None,
                            help='the Nova release to upgrade to '
                                 '(default: 34)')
        _add_report_arguments(parser, default_fail='high')
        return parser

    def call(self, parsed_args, source):
        return policy.check_upgrade(
            parsed_args.policy_file, from_release=parsed_args.from_release,
            to_release=parsed_args.to_release, **source)


class RehearsePolicy(_ReportLister):
    """Rehearse a policy on real Nova 34 and compare with the prediction."""

    what = 'rehearse'

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_policy_source_arguments(parser, positional=True)
        parser.add_argument('--persona', metavar='<name>', action='append',
                            dest='personas', help='rehearse only these '
                            'personas (repeatable; default: all)')
        parser.add_argument('--no-moves', dest='moves', action='store_false',
                            default=True, help='probe the migration starts '
                            'on a suspended server instead of really '
                            'migrating (faster; nothing moves)')
        parser.add_argument('--mismatches', action='store_true',
                            help='list only the cells where Nova differs')
        _add_report_arguments(parser)
        return parser

    def call(self, parsed_args, source):
        return policy.rehearse_policy(
            parsed_args.policy_file, release=parsed_args.release,
            moves=parsed_args.moves, personas=parsed_args.personas,
            **source)

    def rows(self, parsed_args, result):
        self.findings_rows(result.report, parsed_args.fail_on)
        observations = (result.mismatches() if parsed_args.mismatches
                        else result.ordered())
        columns = ('Action', 'Persona', 'Predicted', 'Nova', 'HTTP', 'Match',
                   'Detail')
        rows = [(o.action, o.persona, 'allowed' if o.predicted else 'denied',
                 o.actual, o.answer.status or '', o.match,
                 o.moved or o.answer.detail) for o in observations]
        return columns, rows
