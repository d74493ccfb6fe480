"""Concurrency windows: how many items may be in flight, globally and per key.

A window is a named limit (``global``, ``source``, ``dest``, or any name a
caller invents).  An item asks for a *slot*: a set of keys such as
``[('global', None), ('source', 'host1'), ('dest', 'host3')]``, and gets all
of them at once or waits.  Granting all keys atomically (one condition
variable, no partial holds) rules out the deadlock two per-host semaphores
taken in turn would allow.  Waiters are served in ticket order among those
that fit, so the plan's order is kept while no slot idles behind a waiter
whose host is full (work conserving, no head-of-line blocking).

Slots are held by item name, not by thread: TaskFlow runs ``start`` and
``wait`` as separate tasks, possibly on different worker threads, and a
resumed run must be able to re-occupy the slots of migrations that are
already running in the cloud (``occupy``) before anything new starts.
"""

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
import itertools
import threading
import time

GLOBAL = 'global'

#: a slot key: ``(window, key)``, e.g. ``('source', 'host1')``
Key = tuple[str, str | None]


class Windows:
    """A set of concurrency limits shared by every task of a run.

    :param limits: mapping of window name to its limit (``None`` or a value
        below 1 means unlimited), e.g. ``{'global': 8, 'source': 2}``.
    :param nova_limit: for migration runs, Nova's
        ``max_concurrent_live_migrations`` the limits were derived from
        (recorded in the journal; see :meth:`for_migrations`).
    """

    def __init__(self, limits: Mapping[str, int | None] | None = None, *,
                 nova_limit: int | None = None) -> None:
        self.limits = {name: int(limit) for name, limit in
                       (limits or {}).items()
                       if limit is not None and int(limit) > 0}
        self.nova_limit = nova_limit
        self._cond = threading.Condition()
        self._held: dict[str, set[Key]] = {}           # holder -> set of (window, key)
        self._count: dict[Key, int] = {}          # (window, key) -> holders in flight
        self._waiting: list[tuple[int, str, list[Key]]] = []        # (ticket, holder, keys), ticket order
        self._tickets = itertools.count()

    @classmethod
    def for_migrations(cls, nova_limit: int = 1, *,
                       per_host: int | None = None,
                       max_parallel: int | None = None) -> 'Windows':
        """The windows of a migration run (a drain or a server list).

        :param nova_limit: Nova's ``max_concurrent_live_migrations`` (k).
        :param per_host: in flight per source and per destination host;
            default max(k + 2, 2k): Nova runs k, the others wait queued in
            Nova, past its pre-checks, so its k slots never idle while we
            notice a migration ended and start the next one.
        :param max_parallel: in flight overall (default: no limit).
        """
        per_host = per_host or max(nova_limit + 2, 2 * nova_limit)
        return cls({GLOBAL: max_parallel, 'source': per_host,
                    'dest': per_host}, nova_limit=nova_limit)

    def _fits(self, keys: Iterable[Key]) -> bool:
        for window, key in keys:
            limit = self.limits.get(window)
            if limit is not None and self._count.get((window, key), 0) >= limit:
                return False
        return True

    def _take(self, holder: str, keys: Iterable[Key]) -> None:
        held = self._held.setdefault(holder, set())
        for k in keys:
            if k not in held:
                held.add(k)
                self._count[k] = self._count.get(k, 0) + 1

    def _first_fitting(self) -> int | None:
        for ticket, holder, keys in self._waiting:
            if self._fits(keys):
                return ticket
        return None

    def acquire(self, holder: str, keys: Iterable[Key],
                timeout: float | None = None,
                on_wait: Callable[[], object] | None = None) -> bool:
        """Wait until every key of ``keys`` has room, then hold them all.

        Re-acquiring keys a holder already has is a no-op for those keys,
        so a task re-run after a crash does not count its item twice.

        :param holder: the item name holding the slot.
        :param keys: iterable of ``(window, key)`` pairs; ``('global',
            None)`` is added when a global limit exists.
        :param timeout: seconds to wait at most (``None``: until a holder
            releases a slot; holders release when their own work ends,
            and every wait of that work has a deadline).
        :param on_wait: called once, without arguments, if we must wait.
        :returns: True when held, False on timeout.
        """
        keys = self._normalise(keys)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            keys = [k for k in keys if k not in self._held.get(holder, ())]
            entry = (next(self._tickets), holder, keys)
            self._waiting.append(entry)
            waited = False
            try:
                while self._first_fitting() != entry[0]:
                    if not waited and on_wait is not None:
                        on_wait()
                    waited = True
                    remaining = (None if deadline is None
                                 else deadline - time.monotonic())
                    if remaining is not None and remaining <= 0:
                        return False
                    self._cond.wait(remaining)
                self._take(holder, keys)
                return True
            finally:
                self._waiting.remove(entry)
                self._cond.notify_all()

    def occupy(self, holder: str, keys: Iterable[Key]) -> None:
        """Hold ``keys`` for ``holder`` now, even beyond the limits.

        Used for work already running in the cloud (a resumed run, or a
        destination learnt only after the scheduler picked it).
        """
        with self._cond:
            self._take(holder, self._normalise(keys))

    def release(self, holder: str) -> None:
        """Give back every key ``holder`` holds (idempotent)."""
        with self._cond:
            for k in self._held.pop(holder, ()):
                self._count[k] -= 1
                if not self._count[k]:
                    del self._count[k]
            self._cond.notify_all()

    def holders(self) -> list[str]:
        """The names of the items holding a slot now."""
        with self._cond:
            return sorted(self._held)

    def in_flight(self, window: str = GLOBAL, key: str | None = None) -> int:
        """How many holders hold ``(window, key)`` now."""
        with self._cond:
            if window == GLOBAL:
                return len(self._held)
            return self._count.get((window, key), 0)

    def _normalise(self, keys: Iterable[Key]) -> list[Key]:
        keys = [(w, k) for w, k in keys if w != GLOBAL]
        return [(GLOBAL, None)] + keys
