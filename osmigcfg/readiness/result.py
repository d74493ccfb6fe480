"""The readiness answer: a verdict per kind of migration, with its reasons.

A :class:`Reason` is a finding plus the kinds of migration it concerns.
An error reason blocks its kinds; a reason marked ``unknown`` makes them
unknown (unless something blocks them); anything else is a remark.
"""

import dataclasses

from osmigcfg.findings import Report
from osmigcfg.readiness import calls as calls_mod

READY, BLOCKED, UNKNOWN = 'ready', 'blocked', 'unknown'
#: Every kind; a reason about the whole cloud concerns all of them.
ALL_KINDS = frozenset(calls_mod.KINDS)
LIVE_KINDS = frozenset({'live', 'live_block', 'live_volumes',
                        'host_targeted'})


@dataclasses.dataclass(frozen=True)
class Reason:
    finding: object          # findings.Finding
    kinds: frozenset         # the kinds of migration it concerns
    unknown: bool = False    # it says an answer could not be found

    @property
    def blocks(self):
        return self.finding.severity == 'error'


@dataclasses.dataclass(frozen=True)
class KindVerdict:
    kind: str
    description: str
    verdict: str             # ready | blocked | unknown
    reasons: tuple           # Reason, most severe first

    def to_dict(self):
        return {'kind': self.kind, 'description': self.description,
                'verdict': self.verdict,
                'reasons': [r.finding.to_dict() for r in self.reasons]}


def _verdict(reasons):
    if any(r.blocks for r in reasons):
        return BLOCKED
    if any(r.unknown for r in reasons):
        return UNKNOWN
    return READY


@dataclasses.dataclass(frozen=True)
class ReadinessResult:
    """What :func:`osmigcfg.readiness.assess` returns."""

    kinds: tuple             # KindVerdict, in calls.KINDS order
    reasons: tuple           # every Reason
    meta: tuple = ()         # (label, value) pairs: inputs, cloud, release

    @property
    def report(self):
        """Every finding once, as a :class:`~osmigcfg.findings.Report`."""
        return Report(r.finding for r in self.reasons)

    def verdict(self, kind):
        """'ready', 'blocked' or 'unknown' for one kind (KeyError if none)."""
        return {k.kind: k for k in self.kinds}[kind].verdict

    def verdicts(self):
        return {k.kind: k.verdict for k in self.kinds}

    def to_dict(self):
        return {'meta': dict(self.meta),
                'kinds': [k.to_dict() for k in self.kinds],
                'findings': self.report.to_list()}


def build_result(table, reasons, meta=()):
    """Group ``reasons`` by kind and decide each kind's verdict."""
    kinds = []
    for kind, description in table.kinds.items():
        mine = sorted((r for r in reasons if kind in r.kinds),
                      key=lambda r: (-r.finding.rank, r.finding.code))
        kinds.append(KindVerdict(kind, description, _verdict(mine),
                                 tuple(mine)))
    return ReadinessResult(tuple(kinds), tuple(reasons), tuple(meta))
