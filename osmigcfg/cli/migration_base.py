"""What the migration commands share: cloud, preflight and run arguments.

Commands connect through osc-lib's ``client_manager.sdk_connection``
(``--os-cloud``, clouds.yaml, ``OS_*``), build the policy preflight from
``--policy-file``/``--profile``/``--policy-dir``/``--release`` (the release
defaults to the one the cloud's microversion points at) and the caller's
``--roles``/``--project-id`` (default: from the token), and run plans with
a journal (default: a new file under the state directory).
"""

import os
import pathlib
import signal
import sys
import time

from cliff import command

from osmigcfg import exceptions
from osmigcfg.cli import base
from osmigcfg.migrate import compute as compute_mod
from osmigcfg.migrate import options as options_mod
from osmigcfg.migrate import preflight as preflight_mod
from osmigcfg.migrate import progress as progress_mod
from osmigcfg.migrate import run as run_mod
from osmigcfg.migrate import stall as stall_mod


def state_dir():
    """Where journals go by default (``$OSMIGCFG_STATE_DIR`` wins)."""
    explicit = os.environ.get('OSMIGCFG_STATE_DIR')
    if explicit:
        return pathlib.Path(explicit)
    base = os.environ.get('XDG_STATE_HOME') or os.path.expanduser(
        '~/.local/state')
    return pathlib.Path(base) / 'osmigcfg' / 'journals'


def new_journal_path(kind, name):
    """A fresh journal path in the state directory."""
    directory = state_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise exceptions.OutputError(directory, e.strerror) from None
    stamp = time.strftime('%Y%m%d-%H%M%S')
    safe = ''.join(c if c.isalnum() or c in '-_.' else '_' for c in name)
    return str(directory / f'{stamp}-{kind}-{safe}.journal')


def latest_journal():
    """The newest journal in the state directory."""
    found = sorted(state_dir().glob('*.journal'),
                   key=lambda p: p.stat().st_mtime)
    if not found:
        raise exceptions.JournalError(state_dir(), 'no journal here; give '
                                      'its path')
    return str(found[-1])


def add_preflight_arguments(parser):
    """The policy source (file/profile/policy.d/release/enforce flag) and
    --roles/--project-id."""
    group = parser.add_argument_group('policy preflight')
    base.add_policy_source_arguments(
        group, release_help="Nova release (29..34); default: the cloud's")
    group.add_argument('--roles', metavar='<role,role>',
                       type=lambda v: [r for r in v.split(',') if r],
                       help='your roles (default: from the token)')
    group.add_argument('--project-id', metavar='<id>',
                       help='your project (default: from the token)')


def add_run_arguments(parser):
    """--journal, --timeout, stall policy, --json-events."""
    group = parser.add_argument_group('running')
    group.add_argument('--journal', metavar='<file>',
                       help='journal file (default: new file in '
                            f'{state_dir()})')
    group.add_argument('--timeout', metavar='<seconds>', type=float,
                       help='stop waiting for one migration after this '
                            '(resumable); default: 3600 s, and 1800 s '
                            'for a revert')
    group.add_argument('--stall-action', default='wait',
                       choices=('wait', 'force-complete', 'abort'),
                       help='what to do with a live migration whose '
                            'remaining bytes stop falling (default: wait)')
    group.add_argument('--stall-after', metavar='<seconds>', type=float,
                       default=300.0, help='how long before a live '
                       'migration counts as stalled (default: 300)')
    group.add_argument('--json-events', action='store_true',
                       help='print events as JSON lines instead of the '
                            'progress display')


def run_options(parsed_args, windows=None):
    """The :class:`~osmigcfg.migrate.options.RunOptions` of the parsed
    arguments (``windows``: an :class:`~osmigcfg.engine.Windows`, else the
    defaults)."""
    stall = stall_mod.StallPolicy(action=parsed_args.stall_action,
                                  after=parsed_args.stall_after)
    if windows is None:
        return options_mod.RunOptions(timeout=parsed_args.timeout, stall=stall)
    return options_mod.RunOptions(windows=windows, stall=stall,
                                  timeout=parsed_args.timeout)


class MigrationCommand(command.Command):
    """Base of every command that talks to Nova."""

    def compute(self):
        """The Compute API of the command's cloud (negotiated once)."""
        conn = self.app.client_manager.sdk_connection
        return compute_mod.Compute(conn)

    def preflight(self, parsed_args, compute):
        """The :class:`Preflight` for this caller and policy."""
        policy, authoritative = preflight_mod.load_policy(
            policy_file=parsed_args.policy_file, profile=parsed_args.profile,
            policy_dirs=parsed_args.policy_dirs, release=parsed_args.release,
            enforce_new_defaults=parsed_args.enforce_new_defaults,
            max_version=compute.session.max_version)
        caller = preflight_mod.caller_from_connection(
            compute.session.conn, roles=parsed_args.roles,
            project_id=parsed_args.project_id)
        return preflight_mod.Preflight(policy, caller, authoritative)

    def display(self, parsed_args, total):
        """The event callbacks: JSON lines or the progress display."""
        if parsed_args.json_events:
            return [progress_mod.JsonLines(self.app.stdout)]
        return [progress_mod.ProgressDisplay(self.app.stderr, total)]

    def run_guarded(self, function, journal_path):
        """Run ``function()``; on SIGINT/SIGTERM say how to resume, exit."""
        def on_signal(signum, frame):
            self.app.stderr.write(
                f'\nstopped; the journal is consistent: run `resume '
                f'{journal_path}` to carry on\n')
            self.app.stderr.flush()
            sys.stdout.flush()
            os._exit(128 + signum)
        previous = {s: signal.signal(s, on_signal)
                    for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            return function()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def write_findings(stream, report):
    """A plan's findings, one line each: severity, code, message, hint."""
    for f in report.sorted():
        stream.write(f'{f.severity}: {f.code} {f.message}'
                     + (f' (hint: {f.hint})' if f.hint else '') + '\n')


def outcome_status(found):
    """Exit status: 0 when every server ended well, else 1."""
    bad = [o for o in found if o.outcome in ('failed', 'timeout',
                                             'in-flight', 'pending')]
    return 1 if bad else 0


def print_outcomes(stream, found, journal_path):
    """One line per server, then a summary and the journal path."""
    for o in found:
        where = f'{o.source or "?"} -> {o.dest or "?"}'
        took = f' in {o.duration:.1f} s' if o.duration is not None else ''
        why = f': {o.reason}' if o.reason else ''
        stream.write(f'{o.outcome:13} {o.name or o.id} ({o.method or "-"}, '
                     f'{where}){took}{why}\n')
    counts = run_mod.outcomes_mod.counts(found)
    stream.write('summary: ' + ', '.join(
        f'{n} {k}' for k, n in sorted(counts.items())) +
        f'\njournal: {journal_path}\n')
    unfinished = sum(counts.get(k, 0) for k in ('timeout', 'in-flight',
                                                 'pending'))
    if unfinished:
        stream.write(f'{unfinished} not finished yet: run `resume '
                     f'{journal_path}` to carry on\n')
