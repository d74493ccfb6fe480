"""Upgrade impact: what the same policy files mean on another Nova release.

Both releases are evaluated with oslo.policy's real Enforcer over their own
catalog (``effective``), so DeprecatedRule inheritance and new defaults are
applied exactly as Nova would.  We deliberately do not use
``oslopolicy-policy-upgrade``: it treats a DeprecatedRule as a rename, moves
a ``migrate_live`` override onto ``migrate_live:host`` (dropping the no-host
one) and crashes when one old rule feeds two new ones.

Findings: every (action, persona) whose decision changes, with its cause
(POL401 allowed now / POL402 denied now), every rule new in the target
release that inherits an override instead of applying its own default
(POL403, the 31 -> 32 ``migrate_live:host`` leak), and overrides of rules
the target release no longer has (POL404).
"""

from collections.abc import Iterable
import dataclasses
import logging
import pathlib
import tempfile

from osmigcfg import exceptions
from osmigcfg import inputs
from osmigcfg.findings import Report
from osmigcfg.findings import make_finding
from osmigcfg.policy import actions as actions_mod
from osmigcfg.policy import audit_codes as codes
from osmigcfg.policy import catalog as catalog_mod
from osmigcfg.policy import codes as policy_codes
from osmigcfg.policy import effective as effective_mod
from osmigcfg.policy import matrix as matrix_mod
from osmigcfg.policy import offline
from osmigcfg.policy import personas as personas_mod
from osmigcfg.policy import validate as validate_mod

LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Change:
    """One (action, persona) decided differently after the upgrade."""

    action: str
    persona: str
    before: matrix_mod.Cell
    after: matrix_mod.Cell
    causes: tuple

    @property
    def widens(self):
        return self.after.allowed is True and self.before.allowed is False

    def to_dict(self):
        return {'action': self.action, 'persona': self.persona,
                'before': self.before.allowed, 'after': self.after.allowed,
                'causes': list(self.causes)}


@dataclasses.dataclass
class UpgradeResult:
    """Both matrices, the changed cells and the findings."""

    before: matrix_mod.Matrix
    after: matrix_mod.Matrix
    changes: list
    report: Report
    #: (action, persona) allowed after the upgrade only because a new rule
    #: inherits an override (POL403)
    inherited: set = dataclasses.field(default_factory=set)

    def to_dict(self):
        return {'kind': 'upgrade', 'from': self.before.release,
                'to': self.after.release,
                'changes': [c.to_dict() for c in self.changes],
                'inherited': [{'action': a, 'persona': p}
                              for a, p in sorted(self.inherited)],
                'before': self.before.to_dict(),
                'after': self.after.to_dict(),
                'findings': self.report.to_list()}


def _first_release(old_release, new_release, predicate):
    """The first release after ``old_release`` whose catalog satisfies
    ``predicate`` (``new_release`` when none does, e.g. a downgrade)."""
    for release in catalog_mod.known_releases():
        if old_release < release <= new_release and predicate(
                catalog_mod.load_catalog(release)):
            return release
    return new_release


def _rule_cause(old_ep, new_ep, name):
    """Why rule ``name`` means something else on the new release, or None."""
    new = new_ep.rules.get(name)
    old = old_ep.rules.get(name)
    if new is None:
        return None
    if name not in old_ep.catalog and name in new_ep.catalog:
        since = _first_release(old_ep.release, new_ep.release,
                               lambda cat: name in cat)
        if new.origin.kind == 'inherited':
            return (f'DeprecatedRule inheritance: {name} is new since Nova '
                    f'{since} and inherits the override of {new.origin.via} '
                    f'({new.origin.file}:{new.origin.line}): '
                    f'{new.check_str}')
        return (f'new rule: {name} is new since Nova {since}, '
                f'{new.origin.describe()}: {new.check_str}')
    if old is None or old.check_str == new.check_str:
        return None
    if new.origin.kind in ('default', 'legacy-or'):
        default = new.default_check_str
        since = _first_release(
            old_ep.release, new_ep.release,
            lambda cat: name in cat and cat.get(name).check_str == default)
        return (f'new default: {name} changed from {old.check_str} to '
                f'{new.check_str} in Nova {since}')
    return (f'{name} changed from {old.check_str} ({old.origin.describe()}) '
            f'to {new.check_str} ({new.origin.describe()})')


def change_causes(old_ep, new_ep, act):
    """The causes of a changed decision for ``act``, most direct first."""
    old_rules = actions_mod.rules_for(act, old_ep.catalog)
    new_rules = actions_mod.rules_for(act, new_ep.catalog)
    causes = []
    if old_rules != new_rules:
        causes.append(f'Nova {new_ep.release} checks {", ".join(new_rules)} '
                      f'where Nova {old_ep.release} checked '
                      f'{", ".join(old_rules)}')
    direct = [c for c in (_rule_cause(old_ep, new_ep, n) for n in new_rules)
              if c]
    if direct:
        return tuple(causes + direct)
    helpers = [n for n in new_ep.reachable(new_rules) if n not in new_rules]
    causes.extend(c for c in (_rule_cause(old_ep, new_ep, n) for n in helpers)
                  if c)
    return tuple(causes) or ('no rule changed: the decision changed through '
                             'the target or the credentials',)


def _high_class(matrix, act, persona):
    admin = persona.kind == 'admin' or persona.name in matrix.admins
    if persona.untrusted and act.mutating:
        return True
    return act.host_targeted and not admin


def _change_finding(change, before, after):
    act = actions_mod.action(change.action)
    persona = after.persona(change.persona)
    if change.widens:
        code = codes.UPGRADE_WIDENS
        severity = 'high' if _high_class(after, act, persona) else 'medium'
        message = (f'{persona.name} can {act.title} on Nova '
                   f'{after.release} (denied on Nova {before.release})')
    else:
        code, severity = codes.UPGRADE_NARROWS, 'medium'
        message = (f'{persona.name} can no longer {act.title} on Nova '
                   f'{after.release} (allowed on Nova {before.release})')
    details = ['cause: ' + c for c in change.causes]
    details += [f'Nova {before.release}:'] + [
        '  ' + ln for ln in change.before.chain()]
    details += [f'Nova {after.release}:'] + [
        '  ' + ln for ln in change.after.chain()]
    file, line = _first_file(change.after) or _first_file(change.before) \
        or (None, None)
    return make_finding(code, message, file=file, line=line,
                        subject=f'{act.key} / {persona.name}',
                        severity=severity, details=details)


def _first_file(cell):
    for verdict in cell.verdicts:
        if verdict.file:
            return verdict.file, verdict.line
    return None


def _default_allows(ep, rule, persona, act):
    """Would ``rule``'s registered default let ``persona`` do ``act``?"""
    info = ep.catalog.get(rule)
    creds = ep.credentials(persona.roles, persona.project, persona.user)
    if act.on_server and persona.foreign and not creds['is_admin']:
        return False
    check = offline.parse_rule(info.check_str)
    return ep.enforcer.evaluate(check, matrix_mod.target_for(act, persona),
                                creds) is True


def _inheritance_findings(old_ep, new_ep, after, inherited):
    for name, rule in new_ep.rules.items():
        if rule.origin.kind != 'inherited' or name in old_ep.catalog:
            continue
        gained = []
        for act in after.actions:
            if name not in actions_mod.rules_for(act, new_ep.catalog):
                continue
            for persona in after.personas:
                if after.allowed(act.key, persona.name) and not \
                        _default_allows(new_ep, name, persona, act):
                    gained.append((act, persona))
        inherited.update((a.key, p.name) for a, p in gained)
        if gained:
            yield _inherits_finding(new_ep, after, name, rule, gained)


def _inherits_finding(new_ep, after, name, rule, gained):
    high = any(_high_class(after, act, persona) for act, persona in gained)
    who = ', '.join(f'{p.name} ({a.key})' for a, p in gained)
    origin = rule.origin
    details = [f'{name} default: {rule.default_check_str}',
               f'effective on Nova {new_ep.release}: {rule.check_str} '
               f'({origin.describe()})']
    act, persona = gained[0]
    details += after.cell(act.key, persona.name).chain()
    return make_finding(
        codes.UPGRADE_INHERITS,
        f'on Nova {new_ep.release} {name} inherits the override of '
        f'{origin.via} instead of its default {rule.default_check_str!r}: '
        f'{who} get access the new rule was meant to restrict',
        file=origin.file, line=origin.line, subject=name,
        severity='high' if high else 'medium', details=details,
        hint=f'add "{name}": "{rule.default_check_str}" (or the check you '
             f'intend) to the policy file before upgrading')


def _dropped_findings(old_ep, new_ep):
    for name, entry in new_ep.entries.items():
        if name in old_ep.catalog and name not in new_ep.catalog:
            yield make_finding(
                codes.UPGRADE_DROPPED, f'{name} is a Nova {old_ep.release} '
                f'rule that Nova {new_ep.release} does not register',
                file=entry.file, line=entry.line, subject=name)


def _unpredictable_findings(ep):
    """POL112: rules whose checks call out (their cells are unknown)."""
    for finding in validate_mod.file_findings(ep.sources, ep.catalog):
        if finding.code == policy_codes.CHECK_CALLS_OUT:
            yield finding


def compare_policies(old_ep, new_ep):
    """Compare two EffectivePolicies of the same files (any releases)."""
    personas = personas_mod.personas_for(new_ep)
    before = matrix_mod.build_matrix(old_ep, personas=personas)
    after = matrix_mod.build_matrix(new_ep, personas=personas)
    changes, report = [], Report()
    for act in after.actions:
        for persona in personas:
            old = before.cell(act.key, persona.name)
            new = after.cell(act.key, persona.name)
            if None not in (old.allowed, new.allowed) and \
                    old.allowed != new.allowed:  # unknown: POL112 says why
                change = Change(act.key, persona.name, old, new,
                                change_causes(old_ep, new_ep, act))
                changes.append(change)
                report.add(_change_finding(change, before, after))
    inherited = set()
    report.extend(_inheritance_findings(old_ep, new_ep, after, inherited))
    report.extend(_dropped_findings(old_ep, new_ep))
    report.extend(_unpredictable_findings(new_ep))
    return UpgradeResult(before, after, changes, report, inherited)


def check_upgrade(policy_file: inputs.PathArg | None = None, *,
                  policy_dirs: Iterable[inputs.PathArg] = (),
                  from_release: int | str | None = None,
                  to_release: int | str | None = None,
                  enforce_new_defaults: bool = True,
                  profile: str | None = None) -> UpgradeResult:
    """What changes for the same policy files between two Nova releases.

    :param policy_file: policy.yaml path, or None
    :param policy_dirs: policy.d directories, in order
    :param from_release: the release running today
    :param to_release: the release upgraded to (default 34)
    :param enforce_new_defaults: the ``[oslo_policy]`` flag, on both sides
    :param profile: check a shipped profile instead of a file
    :returns: UpgradeResult (``.changes``, ``.report``)
    :raises: InputError subclasses for bad input
    """
    if from_release is None:
        raise exceptions.InputError('the release to upgrade from is '
                                    'missing', hint='give --from N')
    if profile is not None:
        # The profile rendered for the *old* release, carried over as is:
        # that is the file the operator has when upgrading.
        from osmigcfg.policy import render
        text = render.render_policy(profile, from_release)
        with tempfile.TemporaryDirectory(prefix='osmigcfg-') as tmp:
            path = pathlib.Path(tmp) / f'{profile}-{from_release}.yaml'
            path.write_text(text, encoding='utf-8')
            return check_upgrade(path, policy_dirs=policy_dirs,
                                 from_release=from_release,
                                 to_release=to_release,
                                 enforce_new_defaults=enforce_new_defaults)
    old_ep = effective_mod.load_effective_policy(
        policy_file, policy_dirs=policy_dirs, release=from_release,
        enforce_new_defaults=enforce_new_defaults)
    new_ep = effective_mod.load_effective_policy(
        policy_file, policy_dirs=policy_dirs, release=to_release,
        enforce_new_defaults=enforce_new_defaults)
    LOG.debug('upgrade check %s -> %s', old_ep.release, new_ep.release)
    return compare_policies(old_ep, new_ep)
