"""Stall detection for live migrations, from the migration record's bytes.

Nova's own guidance: a live migration whose remaining memory does not fall
may never finish.  :class:`StallWatch` is fed the record's
``memory_remaining_bytes`` (and disk bytes) at each look and says when the
remaining total has not dropped for ``after`` seconds while the migration
is ``running``; the caller then applies the policy: ``wait`` (report it
once), ``force-complete`` or ``abort``.
"""

import dataclasses
import logging

LOG = logging.getLogger(__name__)

POLICIES = ('wait', 'force-complete', 'abort')


@dataclasses.dataclass
class StallPolicy:
    """What to do about a stalled live migration, and after how long."""

    action: str = 'wait'
    after: float = 300.0

    def __post_init__(self) -> None:
        if self.action not in POLICIES:
            raise ValueError(f'stall action must be one of {POLICIES}')


class StallWatch:
    """Tracks one live migration's remaining bytes over time."""

    def __init__(self, policy):
        self.policy = policy
        self._best = None       # lowest remaining bytes seen
        self._since = None      # when it last fell (or we started looking)
        self.acted = False

    def remaining(self, record):
        """Remaining bytes (memory + disk) of a migration record, or None."""
        values = [record.get('memory_remaining_bytes'),
                  record.get('disk_remaining_bytes')]
        values = [v for v in values if v is not None]
        return sum(values) if values else None

    def observe(self, record, now):
        """Feed one look at the record; True when the stall policy is due.

        Only a ``running`` migration can stall (``queued`` and ``preparing``
        ones wait for Nova, not for the guest).  A policy is due once.
        """
        if record.get('status') != 'running':
            self._since = None
            return False
        remaining = self.remaining(record)
        if self._since is None or remaining is None or (
                self._best is not None and remaining < self._best):
            self._best = remaining
            self._since = now
            return False
        if self._best is None:
            self._best = remaining
        if not self.acted and now - self._since >= self.policy.after:
            self.acted = True
            LOG.warning('live migration %s stalled for %.0f s at %s bytes',
                        record.get('id'), now - self._since, remaining)
            return True
        return False
