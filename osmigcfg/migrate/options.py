"""How a migration run behaves: one dataclass, built once, journaled.

The CLI (or deploy tooling) builds a :class:`RunOptions` once and passes
it down to :func:`~osmigcfg.migrate.drain.drain_host`,
:func:`~osmigcfg.migrate.drain.run_servers` or
:func:`~osmigcfg.migrate.operations.migrate_server`; the run writes it to
the journal (:meth:`RunOptions.to_dict`) and a resumed run reads it back
(:meth:`RunOptions.from_dict`), so a resume behaves like the first run.
"""

import dataclasses

from osmigcfg.engine.windows import Windows
from osmigcfg.migrate.stall import StallPolicy

#: per-host windows of a run that gives none (one server, or a library call)
DEFAULT_LIMITS = {'global': None, 'source': 2, 'dest': 2}
#: seconds between polls of one migration: first, then growing to the last
DEFAULT_POLL = (1.0, 1.5, 3.0)


@dataclasses.dataclass(frozen=True)
class DrainService:
    """What a drain does with the host's compute service.

    :param host: the drained host.
    :param disable: disable its service (with a reason) before the run.
    :param enable_after: enable it again once every server left it.
    """

    host: str
    disable: bool = False
    enable_after: bool = False


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """The options of one migration run.

    :param windows: the concurrency limits
        (:meth:`~osmigcfg.engine.windows.Windows.for_migrations`); each
        run takes its own slots from these limits, so one ``RunOptions``
        may serve several runs.
    :param timeout: seconds to wait for each migration (``None``: each
        operation's default,
        :data:`~osmigcfg.migrate.waits.DEFAULT_TIMEOUTS`).
    :param stall: what to do with a stalled live migration.
    :param poll: poll intervals (seconds) of one migration.
    :param service: a drain's compute-service handling (``None``: leave it).
    """

    windows: Windows = dataclasses.field(
        default_factory=lambda: Windows(DEFAULT_LIMITS))
    timeout: float | None = None
    stall: StallPolicy = dataclasses.field(default_factory=StallPolicy)
    poll: tuple[float, ...] = DEFAULT_POLL
    service: DrainService | None = None

    def to_dict(self) -> dict:
        """The JSON form written to the journal."""
        return {
            'windows': dict(DEFAULT_LIMITS, **self.windows.limits),
            'nova_limit': self.windows.nova_limit,
            'timeout': self.timeout,
            'stall': dataclasses.asdict(self.stall),
            'poll': list(self.poll),
            'service': (dataclasses.asdict(self.service)
                        if self.service else None)}

    @classmethod
    def from_dict(cls, data: dict) -> 'RunOptions':
        """The options a journal recorded (older journals: defaults for
        what they lack)."""
        service = data.get('service')
        limits = dict(DEFAULT_LIMITS, **(data.get('windows') or {}))
        return cls(
            windows=Windows(limits, nova_limit=data.get('nova_limit')),
            timeout=data.get('timeout'),
            stall=StallPolicy(**(data.get('stall') or {})),
            poll=tuple(data.get('poll') or DEFAULT_POLL),
            service=DrainService(**service) if service else None)
