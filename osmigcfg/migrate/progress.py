"""Progress for people (a live display with ETA) and for machines (JSON).

Both are event callbacks (see :mod:`osmigcfg.engine.events`).
:class:`ProgressDisplay` keeps per-server state from the events and, on a
terminal, redraws an overall line (done / failed / running / queued,
elapsed, ETA) plus one line per running server; elsewhere it prints one
line per finished server.  The ETA is the mean time between completions
so far times the servers left, which already reflects the parallelism the
windows allow.
"""

import json
import threading
import time

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


class ProgressState:
    """What the events say so far (pure: no output)."""

    def __init__(self, total, clock=time.time):
        self.total = total
        self.clock = clock
        self.began = None
        self.items = {}     # item -> {'state', 'since', 'detail'}
        self.finished = []  # timestamps of completions

    def feed(self, event):
        kind, item, ts = event['kind'], event.get('item'), event['ts']
        if self.began is None:
            self.began = ts
        if kind == 'run.plan':
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

    def running_lines(self, limit=10):
        now = self.clock()
        running = [(k, e) for k, e in self.items.items()
                   if e['state'] == 'running']
        lines = [f'  {e.get("name") or k}: running '
                 f'{format_seconds(now - e["since"])}'
                 + (f' ({e["detail"]})' if e.get('detail') else '')
                 for k, e in running[:limit]]
        if len(running) > limit:
            lines.append(f'  ... and {len(running) - limit} more')
        return lines


class ProgressDisplay:
    """An event callback drawing progress on ``stream``."""

    def __init__(self, stream, total, clock=time.time, tty=None):
        self.stream = stream
        self.state = ProgressState(total, clock)
        self.tty = stream.isatty() if tty is None else tty
        self._drawn = 0
        self._lock = threading.Lock()

    def __call__(self, event):
        with self._lock:
            self.state.feed(event)
            if self.tty:
                self._redraw()
            elif event['kind'] in FINISHED:
                self._line(event)

    def _line(self, event):
        entry = self.state.items.get(event['item'], {})
        reason = f': {event["reason"]}' if event.get('reason') else ''
        self.stream.write(f'{FINISHED[event["kind"]]} '
                          f'{entry.get("name") or event["item"]}{reason} '
                          f'[{self.state.summary_line()}]\n')
        self.stream.flush()

    def _redraw(self):
        lines = [self.state.summary_line()] + self.state.running_lines()
        up = f'\x1b[{self._drawn}F' if self._drawn else ''
        self.stream.write(up + ''.join(f'\x1b[2K{line}\n' for line in lines)
                          + '\x1b[J')
        self.stream.flush()
        self._drawn = len(lines)
