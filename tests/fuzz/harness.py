"""Run ``osmigcfg`` in-process under the fuzz suite's guards.

Each case calls :func:`osmigcfg.cli.app.main` as a user's shell would and
checks what the issue asks of every command on any input:

* the exit status is 0, 1 or 2;
* a command that failed, failed with an osmigcfg error (cliff catches
  every exception and prints it; we record the one it caught by wrapping
  the shell's ``clean_up`` and ``initialize_app``);
* no traceback reaches stderr;
* no case runs longer than :data:`HANG_SECONDS` (a SIGALRM interrupts it);
* no network connection is attempted.

Budget: ``OSMIGCFG_FUZZ_EXAMPLES`` sets the cases per fuzz test (default
:data:`DEFAULT_EXAMPLES`, a few thousand for the suite, derandomized so CI
runs the same cases every time; with the variable set, each run explores
new ones).  ``OSMIGCFG_FUZZ_SURVEY=1`` records problems instead of failing
at the first, and the summary at the end of the run counts them.
"""

import contextlib
import dataclasses
import io
import logging
import os
import signal
import socket
import time

from hypothesis import HealthCheck
from hypothesis import settings

from osmigcfg import exceptions
from osmigcfg.cli import app

HANG_SECONDS = 10
DEFAULT_EXAMPLES = 150
EXAMPLES = int(os.environ.get('OSMIGCFG_FUZZ_EXAMPLES', DEFAULT_EXAMPLES))
SURVEY = os.environ.get('OSMIGCFG_FUZZ_SURVEY') == '1'
#: every case run in this session and the problems seen (for the summary)
STATS = {'cases': 0, 'seconds': 0.0, 'problems': [],
         'slowest': (0.0, None)}


def fuzz_settings(share=1.0):
    """Hypothesis settings for one fuzz test: ``share`` of the budget."""
    return settings(
        max_examples=max(1, int(EXAMPLES * share)), deadline=None,
        derandomize='OSMIGCFG_FUZZ_EXAMPLES' not in os.environ,
        suppress_health_check=[HealthCheck.too_slow,
                               HealthCheck.function_scoped_fixture,
                               HealthCheck.data_too_large,
                               HealthCheck.filter_too_much])


class Hang(BaseException):
    """A case ran past HANG_SECONDS (a BaseException: cliff must not
    swallow it as a command failure)."""


@dataclasses.dataclass
class Result:
    argv: list
    status: object
    stdout: str
    stderr: str
    escape: BaseException | None
    connections: list
    seconds: float
    hung: bool = False

    def problems(self):
        """What this case did wrong, as sentences (empty: all well)."""
        found = []
        if self.hung:
            found.append(f'hung (stopped after {HANG_SECONDS} s)')
        elif self.status not in (0, 1, 2):
            found.append(f'exit status {self.status!r}')
        escape = self.escape
        if isinstance(escape, exceptions.InternalError):
            escape = escape.error  # a bug, however well it is worded
        if escape is not None and not isinstance(
                escape, exceptions.OsmigcfgError):
            found.append(f'escaped {type(escape).__name__}: {escape}')
        if 'Traceback (most recent call last)' in self.stderr:
            found.append('traceback on stderr')
        if self.connections:
            found.append(f'network connections {self.connections}')
        return found

    def check(self):
        """Fail the test on any problem (in survey mode: only count it)."""
        problems = self.problems()
        if problems and SURVEY:
            STATS['problems'].append((self.argv, problems))
            return
        assert not problems, (
            f'osmigcfg {" ".join(map(str, self.argv))}: '
            f'{"; ".join(problems)}\nstderr: {self.stderr[-2000:]}')


class _Recorder:
    """Notes the exception cliff caught, and every connection attempt."""

    def __init__(self):
        self.escape = None
        self.connections = []

    def clean_up(self, original):
        def clean_up(shell, cmd, result, err):
            if err is not None and self.escape is None:
                self.escape = err
            return original(shell, cmd, result, err)
        return clean_up

    def initialize_app(self, original):
        def initialize_app(shell, argv):
            try:
                return original(shell, argv)
            except Exception as e:
                self.escape = e
                raise
        return initialize_app

    def deny(self, original):
        # A mock is right here: the suite must prove that no code path
        # reaches the network, and a real socket would reach it.
        def connect(sock, address, *args):
            self.connections.append(address)
            raise ConnectionRefusedError('fuzz: no network')
        return connect


@contextlib.contextmanager
def _patched(obj, name, wrapper):
    original = getattr(obj, name)
    setattr(obj, name, wrapper(original))
    try:
        yield
    finally:
        setattr(obj, name, original)


@contextlib.contextmanager
def _alarm(seconds):
    def ring(signum, frame):
        raise Hang(f'still running after {seconds} s')
    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _restored_logging():
    # osc-lib adds a console handler to the root logger on every run
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)


def run(*argv):
    """Run ``osmigcfg ARGV`` in-process under every guard; a Result."""
    argv = [str(a) for a in argv]
    recorder = _Recorder()
    out, err = io.StringIO(), io.StringIO()
    status, hung = None, False
    start = time.monotonic()
    with contextlib.ExitStack() as stack:
        stack.enter_context(_restored_logging())
        stack.enter_context(_patched(app.OsmigcfgShell, 'clean_up',
                                     recorder.clean_up))
        stack.enter_context(_patched(app.OsmigcfgShell, 'initialize_app',
                                     recorder.initialize_app))
        for name in ('connect', 'connect_ex'):
            stack.enter_context(_patched(socket.socket, name,
                                         recorder.deny))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        stack.enter_context(_alarm(HANG_SECONDS))
        try:
            status = app.main(argv)
        except SystemExit as e:  # argparse usage errors exit 2
            status = e.code
        except Hang:
            hung = True
        except Exception as e:  # noqa: B902 (anything main lets out)
            recorder.escape = e
    seconds = time.monotonic() - start
    STATS['cases'] += 1
    STATS['seconds'] += seconds
    if seconds > STATS['slowest'][0]:
        STATS['slowest'] = (seconds, ' '.join(argv))
    return Result(argv, status, out.getvalue(), err.getvalue(),
                  recorder.escape, recorder.connections, seconds, hung)
