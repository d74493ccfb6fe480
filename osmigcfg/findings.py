"""Findings and reports: what every validator and audit returns.

A :class:`Finding` has a stable code (``POL101``, ``CFG201``, ...), a
severity, a location (file and line, or a rule/option name), a message and a
fix hint.  Codes are registered once, with their one-line meaning and hint,
by the subsystem that raises them (``register_codes``); the reference
pages (``doc/source/user/*-reference.md``) list them all and a test keeps
the two in step.

Severities rank ``info < warning = medium < error = high``: validators speak
of errors and warnings, policy audits of high/medium risk.  A report "fails"
at a level when it holds a finding ranked at or above that level.
"""

from collections.abc import Iterable
import dataclasses
from typing import Any

SEVERITY_RANK = {
    'info': 0,
    'warning': 1,
    'medium': 1,
    'error': 2,
    'high': 2,
}

#: code -> CodeInfo, filled by each subsystem's ``codes`` module.
CODES: dict[str, 'CodeInfo'] = {}


@dataclasses.dataclass(frozen=True)
class CodeInfo:
    code: str
    severity: str
    meaning: str
    hint: str


def register_codes(*infos):
    """Register finding codes; a code may be registered only once."""
    for info in infos:
        if info.code in CODES and CODES[info.code] != info:
            raise ValueError(f'finding code {info.code} registered twice')
        if info.severity not in SEVERITY_RANK:
            raise ValueError(f'bad severity {info.severity!r} for {info.code}')
        CODES[info.code] = info


@dataclasses.dataclass(frozen=True)
class Location:
    """Where a finding points: a file (and line), and/or a named subject."""

    file: str | None = None
    line: int | None = None
    subject: str | None = None  # a rule, option, host or resource name

    def __str__(self):
        parts = []
        if self.file:
            parts.append(f'{self.file}:{self.line}' if self.line
                         else str(self.file))
        if self.subject:
            parts.append(self.subject)
        return ' '.join(parts) or '-'


@dataclasses.dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    location: Location = Location()
    hint: str | None = None
    details: tuple = ()  # extra lines, e.g. the rule chain that grants access

    @property
    def rank(self):
        return SEVERITY_RANK[self.severity]

    def to_dict(self):
        return {
            'code': self.code,
            'severity': self.severity,
            'location': str(self.location),
            'file': self.location.file,
            'line': self.location.line,
            'subject': self.location.subject,
            'message': self.message,
            'hint': self.hint,
            'details': list(self.details),
        }


def make_finding(code, message, *, file=None, line=None, subject=None,
                 severity=None, hint=None, details=()):
    """Build a Finding for a registered code, defaulting severity and hint."""
    info = CODES[code]
    return Finding(
        code=code,
        severity=severity or info.severity,
        message=message,
        location=Location(file=file, line=line, subject=subject),
        hint=hint if hint is not None else info.hint,
        details=tuple(details),
    )


class Report:
    """An ordered collection of findings."""

    def __init__(self, findings: Iterable['Finding'] = ()) -> None:
        self.findings = list(findings)

    def add(self, finding: 'Finding') -> None:
        self.findings.append(finding)

    def extend(self, findings: Iterable['Finding']) -> None:
        self.findings.extend(findings)

    def __iter__(self):
        return iter(self.findings)

    def __len__(self):
        return len(self.findings)

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def at_least(self, severity: str) -> list['Finding']:
        """Findings ranked at or above ``severity``."""
        floor = SEVERITY_RANK[severity]
        return [f for f in self.findings if f.rank >= floor]

    def fails(self, severity: str = 'error') -> bool:
        return bool(self.at_least(severity))

    def sorted(self) -> list['Finding']:
        return sorted(
            self.findings,
            key=lambda f: (-f.rank, f.location.file or '',
                           f.location.line or 0, f.code))

    def to_list(self) -> list[dict[str, Any]]:
        return [f.to_dict() for f in self.sorted()]
