"""Progress for people (a live display with ETA) and for machines (JSON).

Both are event callbacks (see :mod:`osmigcfg.engine.events`).
:class:`ProgressDisplay` keeps per-server state from the events and, on a
terminal, shows a :mod:`rich` live display (an overall bar with done /
failed / running / queued, elapsed, ETA; one line per running server with
its migration progress; finished servers logged above); elsewhere it
prints one line per finished server.  The ETA is the mean time between
completions so far times the servers left, which already reflects the
parallelism the windows allow.
"""

import json
import threading
import time

from rich import console as rich_console
from rich import live as rich_live
from rich import progress_bar as rich_bar
from rich import table as rich_table
from rich import text as rich_text

FINISHED = {'item.migrated': 'migrated', 'item.failed': 'failed',
            'item.skipped': 'skipped', 'item.timeout': 'timeout'}


class JsonLines:
    """Writes every event to a stream as one JSON line."""

    def __init__(self, stream):
        self.stream = stream
        self._lock = threading.Lock()

    def __call__(self, event):
        with self._lock:
            self.stream.write(json.dumps(event, sort_keys=True,
                                         default=str) + '\n')
            self.stream.flush()


def format_seconds(seconds):
    """``1h02m``, ``3m05s`` or ``42s``."""
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f'{seconds // 3600}h{seconds % 3600 // 60:02d}m'
    if seconds >= 60:
        return f'{seconds // 60}m{seconds % 60:02d}s'
    return f'{seconds}s'


def _copied(event):
    """The share of memory copied per Nova's migration record, or None."""
    total, left = event.get('memory_total'), event.get('memory_remaining')
    if not (isinstance(total, int) and isinstance(left, int)) or total <= 0:
        return None
    return min(1.0, max(0.0, 1 - left / total))


class ProgressState:
    """What the events say so far (pure: no output)."""

    def __init__(self, total, clock=time.time):
        self.total = total
        self.whole = False  # True: total is a whole maintenance's
        self.clock = clock
        self.began = None
        self.items = {}     # item -> {'state', 'since', 'detail'}
        self.finished = []  # timestamps of completions

    def feed(self, event):
        kind, item, ts = event['kind'], event.get('item'), event['ts']
        if self.began is None:
            self.began = ts
        if kind == 'maintain.plan':  # its drains' run.plan count a wave
            self.total, self.whole = event.get('movers', self.total), True
        elif kind == 'run.plan' and not self.whole:
            self.total = event.get('movers', self.total)
        if item is None:
            return
        entry = self.items.setdefault(item, {'state': 'pending', 'since': ts,
                                             'name': event.get('name')})
        entry['name'] = event.get('name') or entry.get('name')
        if kind == 'item.queued':
            entry.update(state='queued', since=ts)
        elif kind == 'item.started':
            entry.update(state='running', since=ts)
        elif kind == 'item.progress':
            entry['detail'] = event.get('status')
            entry['share'] = _copied(event) if _copied(event) is not None \
                else entry.get('share')
        elif kind in FINISHED:
            entry.update(state=FINISHED[kind], since=ts,
                         detail=event.get('reason'))
            self.finished.append(ts)

    def count(self, state):
        return sum(1 for e in self.items.values() if e['state'] == state)

    def eta(self):
        """Seconds left (None until something finished)."""
        done = len(self.finished)
        if not done or self.began is None:
            return None
        rate = (self.finished[-1] - self.began) / done
        return max(0.0, rate * (self.total - done))

    def summary_line(self):
        done = len(self.finished)
        elapsed = (self.clock() - self.began) if self.began is not None \
            else 0.0
        eta = self.eta()
        return (f'{done}/{self.total} done ({self.count("migrated")} '
                f'migrated, {self.count("failed")} failed, '
                f'{self.count("skipped")} skipped) | {self.count("running")} '
                f'running, {self.count("queued")} queued | '
                f'{format_seconds(elapsed)} elapsed, ETA '
                f'{format_seconds(eta) if eta is not None else "?"}')

    def running(self, limit=10):
        """``(name, seconds running, status, share copied or None)`` of the
        first ``limit`` running servers."""
        now = self.clock()
        return [(e.get('name') or k, now - e['since'], e.get('detail'),
                 e.get('share'))
                for k, e in self.items.items()
                if e['state'] == 'running'][:limit]


class ProgressDisplay:
    """An event callback showing progress on ``stream``.

    On a terminal, a :mod:`rich` live display: the overall bar with the
    summary and ETA, one line per running server (its share of memory
    copied, from Nova's migration record, when the poller read one) and,
    above them, a log of finished servers.  Elsewhere one plain line per
    finished server.  ``refresh_per_second=0`` redraws on events only.
    """

    def __init__(self, stream, total, clock=time.time, tty=None,
                 refresh_per_second=2, width=None):
        self.stream = stream
        self.state = ProgressState(total, clock)
        self.tty = stream.isatty() if tty is None else tty
        self._lock = threading.Lock()
        self._live = None
        self._refresh = refresh_per_second
        self._console = rich_console.Console(
            file=stream, force_terminal=self.tty, highlight=False,
            width=width) if self.tty else None

    def __call__(self, event):
        with self._lock:
            self.state.feed(event)
        if not self.tty:
            if event['kind'] in FINISHED:
                self._line(event)
            return
        if event['kind'] in FINISHED:
            self._console.print(self._log_line(event), markup=False)
        if event['kind'] == 'run.finished':
            self.close()
            return
        if self._live is None:
            self._live = rich_live.Live(
                get_renderable=self._render, console=self._console,
                auto_refresh=bool(self._refresh),
                refresh_per_second=self._refresh or 1, transient=False,
                redirect_stdout=False, redirect_stderr=False)
            self._live.start()
        self._live.refresh()

    def close(self):
        """Draw the display one last time and give the terminal back."""
        if self._live is not None:
            self._live.stop()
            self._live = None

    def _log_line(self, event):
        entry = self.state.items.get(event['item'], {})
        reason = f': {event["reason"]}' if event.get('reason') else ''
        return (f'{FINISHED[event["kind"]]} '
                f'{entry.get("name") or event["item"]}{reason}')

    def _line(self, event):
        self.stream.write(f'{self._log_line(event)} '
                          f'[{self.state.summary_line()}]\n')
        self.stream.flush()

    def _render(self):
        with self._lock:
            done, total = len(self.state.finished), self.state.total
            summary = self.state.summary_line()
            running = self.state.running(limit=10)
            more = self.state.count('running') - len(running)
        grid = rich_table.Table.grid(padding=(0, 1))
        grid.add_row(rich_bar.ProgressBar(total=max(total, 1),
                                          completed=done, width=30),
                     rich_text.Text(summary))
        for name, seconds, detail, share in running:
            bar = rich_bar.ProgressBar(total=1.0, completed=share, width=30) \
                if share is not None else rich_text.Text('')
            grid.add_row(bar, rich_text.Text(
                f'{name}: running {format_seconds(seconds)}'
                + (f' ({detail})' if detail else '')
                + (f' {share:.0%} copied' if share is not None else '')))
        if more > 0:
            grid.add_row(rich_text.Text(''),
                         rich_text.Text(f'... and {more} more'))
        return grid
