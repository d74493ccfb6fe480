"""Policy audits: who can move which servers, and where to.

``audit_policy`` builds the matrix (``matrix``) and turns it into findings
(``audit_codes``), each carrying the chain of rules that grants or denies,
and carries every error ``validate`` finds in the same files (an unparsable
rule, an undefined reference, a check that calls out...): the matrix is only
as good as the rules it was decided from.  Nothing here prints or writes
files; reports are rendered by ``report_text`` / ``report_html``.
"""

from collections.abc import Iterable
import dataclasses
import logging
import re
from typing import Any

from osmigcfg import inputs
from osmigcfg.findings import SEVERITY_RANK
from osmigcfg.findings import Report
from osmigcfg.findings import make_finding
from osmigcfg.policy import actions as actions_mod
from osmigcfg.policy import audit_codes as codes
from osmigcfg.policy import effective as effective_mod
from osmigcfg.policy import matrix as matrix_mod
from osmigcfg.policy import validate as validate_mod

LOG = logging.getLogger(__name__)

_CHAIN_RULE = re.compile(r'^\s*rule:(\S+) = .*\[ok\]$')


@dataclasses.dataclass
class AuditResult:
    """An audit: the matrix, its findings, and the worst mark per cell."""

    matrix: matrix_mod.Matrix
    report: Report
    marks: dict  # (action, persona) -> worst severity of its findings
    expect: str | None = None
    expected: matrix_mod.Matrix | None = None

    def mark(self, action: str, persona: str) -> str | None:
        """'high', 'medium', 'info' or None for a cell."""
        return self.marks.get((action, persona))

    def to_dict(self) -> dict[str, Any]:
        return {'kind': 'audit', 'matrix': self.matrix.to_dict(),
                'expect': self.expect, 'findings': self.report.to_list()}


class _Collector:
    """Findings plus, per cell, the worst severity pointing at it."""

    def __init__(self, ep, matrix):
        self.ep = ep
        self.matrix = matrix
        self.report = Report()
        self.marks = {}

    def add(self, finding, cell_key=None):
        self.report.add(finding)
        if cell_key is not None:
            old = self.marks.get(cell_key)
            if old is None or SEVERITY_RANK[finding.severity] > \
                    SEVERITY_RANK[old]:
                self.marks[cell_key] = finding.severity

    def cell_finding(self, code, act, persona, message, details=None,
                     specific_hint=True):
        cell = self.matrix.cell(act.key, persona.name)
        file, line = cell_location(cell)
        finding = make_finding(
            code, message, file=file, line=line,
            subject=f'{act.key} / {persona.name}',
            hint=cell_hint(self.ep, cell) if specific_hint else None,
            details=cell.chain() if details is None else details)
        self.add(finding, (act.key, persona.name))


def cell_location(cell):
    """(file, line) of the rule that decided a cell, when set in a file."""
    chosen = [v for v in cell.verdicts if v.allowed == cell.allowed] or list(
        cell.verdicts)
    for verdict in chosen:
        if verdict.file:
            return verdict.file, verdict.line
    return None, None


def legacy_rules_in(ep, lines):
    """Rules ORed with their legacy default that pass in a chain."""
    found = []
    for line in lines:
        match = _CHAIN_RULE.match(line)
        if match and match.group(1) in ep.rules and \
                ep.rules[match.group(1)].origin.kind == 'legacy-or':
            found.append(match.group(1))
    return list(dict.fromkeys(found))


def cell_hint(ep, cell):
    """A fix hint specific to how a cell got allowed, or None."""
    for verdict in cell.verdicts:
        if verdict.allowed and verdict.origin_kind == 'inherited':
            return (f'write "{verdict.rule}" explicitly in the policy file; '
                    f'today it is {verdict.origin}')
    legacy = legacy_rules_in(ep, [ln for v in cell.verdicts if v.allowed
                                  for ln in v.chain])
    if legacy:
        return (f'set [oslo_policy] enforce_new_defaults=true: the legacy '
                f'default ORed into {", ".join(legacy)} lets any role in '
                f'the project pass')
    return None


def _trusted_admin(matrix, persona):
    if persona.untrusted:
        return False
    return persona.kind == 'admin' or (
        persona.kind in ('service', 'custom')
        and persona.name in matrix.admins)


def _validation_errors(col):
    for finding in validate_mod.validate_effective(col.ep).at_least('error'):
        col.add(finding)


def _access_findings(col):
    matrix = col.matrix
    for act in matrix.actions:
        for persona in matrix.personas:
            cell = matrix.cell(act.key, persona.name)
            if not cell.allowed or _trusted_admin(matrix, persona):
                continue
            if persona.untrusted and act.mutating:
                col.cell_finding(codes.UNTRUSTED_MIGRATES, act, persona,
                                 f'{persona.name} can {act.title}')
            elif act.host_targeted:
                col.cell_finding(codes.HOST_TARGETED, act, persona,
                                 f'{persona.name} (not an admin) can '
                                 f'{act.title}')
            elif act.discloses:
                col.cell_finding(codes.DISCLOSES, act, persona,
                                 f'{persona.name} (not an admin) can '
                                 f'{act.title}')


def _everyone_findings(col):
    ep, seen = col.ep, set()
    for act in col.matrix.actions:
        for rule in actions_mod.rules_for(act, ep.catalog):
            effective = ep.rules.get(rule)
            if rule in seen or effective is None or \
                    effective.check_str != '@':
                continue
            seen.add(rule)
            origin = effective.origin
            col.add(make_finding(
                codes.ALLOWS_EVERYONE, f'{rule} allows everyone '
                f'({origin.describe()}): any authenticated caller can '
                f'{act.title}', file=origin.file, line=origin.line,
                subject=rule))


def _companion(col, persona, starts, companions, code, what):
    matrix = col.matrix
    started = [a for a in starts if matrix.allowed(a, persona.name)]
    missing = [a for a in companions
               if matrix.allowed(a, persona.name) is False]
    if not started or not missing:
        return
    act = actions_mod.action(started[0])
    details = []
    for key in missing:
        details.append(f'{key}: denied')
        details.extend('  ' + ln for ln in matrix.cell(key, persona.name)
                       .chain())
    col.cell_finding(code, act, persona,
                     f'{persona.name} can {" and ".join(started)} but '
                     f'cannot {" or ".join(missing)}: {what}',
                     details=details, specific_hint=False)


def _coherence_findings(col):
    for persona in col.matrix.personas:
        if persona.foreign:
            continue
        _companion(col, persona, actions_mod.COLD_STARTS,
                   ('confirm-resize', 'revert-resize'), codes.CANNOT_FINISH,
                   'the resize would wait in VERIFY_RESIZE')
        _companion(col, persona, actions_mod.LIVE_STARTS,
                   ('abort-migration',), codes.CANNOT_ABORT,
                   'a stuck live migration could not be stopped')
        _companion(col, persona, actions_mod.LIVE_STARTS,
                   ('list-server-migrations',), codes.CANNOT_WATCH,
                   'its progress is invisible')


def _expect_findings(col, expected, profile):
    matrix = col.matrix
    for act in matrix.actions:
        for persona in matrix.personas:
            here = matrix.cell(act.key, persona.name)
            there = expected.cell(act.key, persona.name)
            if here.allowed == there.allowed:
                continue
            now = effective_mod.verdict_word(here.allowed)
            then = effective_mod.verdict_word(there.allowed)
            details = (['this policy:'] + ['  ' + ln for ln in here.chain()]
                       + [f'{profile}:'] + ['  ' + ln for ln in
                                            there.chain()])
            col.cell_finding(codes.DIFFERS_FROM_PROFILE, act, persona,
                             f'{persona.name}: {act.title} is {now} here, '
                             f'{then} under {profile}', details=details)


def expected_matrix(profile, matrix):
    """The matrix of a shipped profile, rendered for the same release.

    Profiles are designed for ``enforce_new_defaults=true``, so the
    expectation is computed that way whatever the audited setting is.
    """
    ep = effective_mod.load_effective_policy(
        profile=profile, release=matrix.release, enforce_new_defaults=True)
    return matrix_mod.build_matrix(ep, personas=matrix.personas,
                                   actions=matrix.actions)


def audit_effective(ep, expect=None, personas=None):
    """Audit an already computed EffectivePolicy.

    :param ep: EffectivePolicy
    :param expect: a profile name to compare with (POL320 per difference)
    :param personas: Persona list (default: standard + custom roles)
    :returns: AuditResult
    """
    matrix = matrix_mod.build_matrix(ep, personas=personas)
    col = _Collector(ep, matrix)
    _validation_errors(col)
    _everyone_findings(col)
    _access_findings(col)
    _coherence_findings(col)
    expected = None
    if expect:
        expected = expected_matrix(expect, matrix)
        _expect_findings(col, expected, expect)
    LOG.debug('audit of %s: %d findings', matrix.label, len(col.report))
    return AuditResult(matrix, col.report, col.marks, expect, expected)


def audit_policy(policy_file: inputs.PathArg | None = None, *,
                 policy_dirs: Iterable[inputs.PathArg] = (),
                 release: int | str | None = None,
                 enforce_new_defaults: bool = True,
                 profile: str | None = None,
                 expect: str | None = None) -> AuditResult:
    """Audit a Nova policy: every migration action x persona, with findings.

    :param policy_file: policy.yaml path, or None
    :param policy_dirs: policy.d directories, in order
    :param release: Nova major release (default 34)
    :param enforce_new_defaults: ``[oslo_policy] enforce_new_defaults``
    :param profile: audit a shipped profile instead of a file
    :param expect: a profile name; each decision that differs is POL320
    :returns: AuditResult (``.matrix``, ``.report``)
    :raises: InputError subclasses for unreadable or malformed input
    """
    ep = effective_mod.load_effective_policy(
        policy_file, policy_dirs=policy_dirs, release=release,
        enforce_new_defaults=enforce_new_defaults, profile=profile)
    return audit_effective(ep, expect=expect)
