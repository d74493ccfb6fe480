"""Typed base commands shared by every command module.

A command parses its arguments, calls one library function and formats the
result; these bases hold the little that is common: offline commands
(no cloud auth), text output to stdout or an atomic file, findings tables
whose exit status follows the worst finding, and the shared arguments.
"""

import argparse
import re

from cliff import command
from cliff import lister

from osmigcfg.cli import ciformats
from osmigcfg import files

FINDING_COLUMNS = ('Severity', 'Code', 'Location', 'Message', 'Hint')


class OfflineMixin:
    """The command needs no cloud credentials."""

    auth_required = False


class TextCommand(OfflineMixin, command.Command):
    """A command whose result is a text document (stdout or ``-o FILE``)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '-o', '--output', metavar='<file>',
            help='write to this file (atomically) instead of stdout')
        return parser

    def emit_text(self, parsed_args, text):
        if parsed_args.output:
            files.write_atomic(parsed_args.output, text)
        else:
            self.app.stdout.write(text)
        return 0


class ExitStatusMixin:
    """Display commands return the status set by ``take_action``.

    cliff's display commands always return 0; validators and audits must
    return 1 when they find something at or above the failure level.
    """

    exit_status = 0

    def run(self, parsed_args):
        super().run(parsed_args)
        return self.exit_status


class FindingsLister(ciformats.CiFormatsMixin, ExitStatusMixin, OfflineMixin,
                     lister.Lister):
    """Lists a Report's findings; exits 1 when it fails at ``fail_level``
    (also as SARIF or JUnit XML: ``-f sarif``, ``-f junit``)."""

    fail_level = 'error'

    def findings_rows(self, report, fail_level=None):
        level = fail_level or self.fail_level
        self.exit_status = 1 if report.fails(level) else 0
        self.ci_fail_level = level
        rows = [ciformats.finding_row(f) for f in report.sorted()]
        return FINDING_COLUMNS, rows

    def produce_output(self, parsed_args, column_names, data):
        data = list(data)
        if not data and parsed_args.formatter == 'table':
            # an empty table prints nothing at all; say the check ran clean
            self.app.stdout.write('no findings\n')
            return 0
        return super().produce_output(parsed_args, column_names, data)


def add_release_argument(parser, help_text=None):
    parser.add_argument(
        '--release', metavar='<N>', type=int, default=None,
        help=help_text or 'Nova major release (29..34); default: 34')


def add_policy_source_arguments(parser, positional=False, profile=True,
                                release=True, release_help=None):
    """Where a Nova policy comes from, the same for every command.

    The policy file (a positional or ``--policy-file``), ``--policy-dir``
    (repeatable, applied in order), ``--profile`` (a shipped profile instead
    of a file), ``--release`` and ``--no-enforce-new-defaults``.
    """
    from osmigcfg.policy import profiles  # reads only the data directory

    if positional:
        parser.add_argument('policy_file', metavar='<policy-file>', nargs='?',
                            help='policy.yaml to read (optional with '
                                 '--policy-dir' +
                                 (' or --profile)' if profile else ')'))
    else:
        parser.add_argument('--policy-file', metavar='<file>',
                            help="the cloud's Nova policy.yaml")
    add_policy_dir_argument(parser)
    if profile:
        parser.add_argument(
            '--profile', metavar='<name>',
            help='a shipped policy profile instead of a policy file '
                 f'({", ".join(profiles.profile_names())}; upstream = '
                 "Nova's defaults)")
    if release:
        add_release_argument(parser, release_help)
    parser.add_argument(
        '--no-enforce-new-defaults', dest='enforce_new_defaults',
        action='store_false', default=True,
        help='evaluate as with [oslo_policy] enforce_new_defaults=false '
             '(legacy defaults ORed in; MOSK pins this)')


def add_policy_dir_argument(parser):
    parser.add_argument(
        '--policy-dir', metavar='<dir>', action='append', default=[],
        dest='policy_dirs',
        help='a policy.d directory, applied after the policy file '
             '(repeatable, in order)')


_SIZE = re.compile(r'^\s*(\d+)\s*([KMG]?)(?:i?B)?\s*$', re.I)
_UNITS = {'': 1, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
MAX_INPUT_SIZE_CEILING = 4 << 30


def input_size(text):
    """``--max-input-size``: bytes, or a number with K, M or G (binary)."""
    match = _SIZE.match(text)
    size = match and int(match.group(1)) * _UNITS[match.group(2).upper()]
    if not size or size > MAX_INPUT_SIZE_CEILING:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a size between 1 byte and 4G '
            '(e.g. 16M, 512K, 1048576)')
    return size
