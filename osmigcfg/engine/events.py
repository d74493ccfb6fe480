"""The events stream: JSON lines for machines, callbacks for displays.

An event is a flat JSON object: ``ts`` (Unix time, float), ``kind`` (a short
dotted name such as ``item.started``), ``item`` (the item name, or null for
run-level events) and free keyword data.  Events are appended to a file, one
per line, flushed at once (a killed run keeps every line it wrote), and
handed to callbacks in the emitting thread.  A callback that raises is
logged and otherwise ignored: a display must never stop a migration.

Values whose key looks like a secret (token, password, secret, credential)
are replaced by ``***`` before anything is written.
"""

from collections.abc import Callable
from collections.abc import Iterable
import json
import logging
import threading
import time
from typing import Any
from typing import TextIO

from osmigcfg import exceptions
from osmigcfg import inputs

LOG = logging.getLogger(__name__)

_SECRET_WORDS = ('token', 'password', 'secret', 'credential', 'auth')

#: one event: ``ts``, ``kind``, ``item`` and the event's own data
Event = dict[str, Any]
#: a display or collector handed every event as it is emitted
EventCallback = Callable[[Event], object]


def scrub(data: Any) -> Any:
    """Return ``data`` with secret-looking keys masked, recursively."""
    if isinstance(data, dict):
        return {k: ('***' if any(w in str(k).lower() for w in _SECRET_WORDS)
                    else scrub(v)) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [scrub(v) for v in data]
    return data


class EventStream:
    """Writes events as JSON lines and fans them out to callbacks.

    :param path: a file to append JSON lines to (``None``: no file).
    :param callbacks: callables taking one event dict.
    :param clock: the time source (tests pass a fake).
    """

    def __init__(self, path: str | None = None,
                 callbacks: Iterable[EventCallback] = (),
                 clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.callbacks = list(callbacks)
        self.clock = clock
        self._lock = threading.Lock()
        self._file: TextIO | None = None
        if path is not None:
            try:
                self._file = open(path, 'a', encoding='utf-8')
            except OSError as e:
                raise exceptions.OutputError(path, e.strerror) from None

    def emit(self, kind: str, item: str | None = None,
             **data: Any) -> Event:
        """Record one event and return it (as a dict)."""
        event = {'ts': round(self.clock(), 3), 'kind': kind, 'item': item}
        event.update(scrub(data))
        line = json.dumps(event, sort_keys=True, default=str)
        with self._lock:
            if self._file is not None:
                self._file.write(line + '\n')
                self._file.flush()
            callbacks = list(self.callbacks)
        for callback in callbacks:
            try:
                callback(event)
            except Exception:  # a display must never stop the run
                LOG.exception('event callback %r failed', callback)
        return event

    def close(self) -> None:
        """Close the JSON-lines file (further events go to callbacks only)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def read_events(path: str) -> list[Event]:
    """Read a JSON-lines events file; a torn last line (a kill) is ignored.

    :raises JournalError: when the file cannot be read (not a regular
        file, over the input size limit, not UTF-8) or a middle line is not
        an event (a JSON object with a ``kind``; an ``item``'s event also
        has its ``ts``).
    """
    try:
        lines = inputs.read_text(path).splitlines()
    except exceptions.FileReadError as e:
        raise exceptions.JournalError(path, e.reason) from None
    events = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            events.append(_event(json.loads(line)))
        except (ValueError, RecursionError):
            if number == len(lines):
                LOG.warning('%s: ignoring a torn last line', path)
                continue
            raise exceptions.JournalError(
                path, f'line {number} of the events file is not an event'
            ) from None
    return events


def _event(data: Any) -> Event:
    """``data`` if it is shaped like an event; ValueError otherwise."""
    if not (isinstance(data, dict) and isinstance(data.get('kind'), str)):
        raise ValueError('not an event')
    item, ts = data.get('item'), data.get('ts')
    if not isinstance(item, (str, type(None))) or (
            (item is not None or ts is not None)
            and not isinstance(ts, (int, float))):
        raise ValueError('not an event')
    return data
