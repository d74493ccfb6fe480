"""The audit matrix: every migration action x every persona, decided offline.

Each cell is decided the way Nova 34's API decides it (see ``actions``):
the rules the release checks for that action, with the target the API
passes, by oslo.policy's real Enforcer (scope included) through
``EffectivePolicy.check``; a persona from another project that is not an
admin by the policy never reaches the policy check of a server action,
because Nova does not find another project's server (``hidden``).

A cell is allowed (True), denied (False), or unknown (None, reason
``unknown``) when a check osmigcfg does not evaluate (``http:``) decides
it; a denial that depends on a check string oslo.policy cannot parse has
the reason ``unparsable``.
"""

from collections.abc import Iterable
import dataclasses
from typing import Any
from typing import TYPE_CHECKING

from osmigcfg.policy import actions as actions_mod
from osmigcfg.policy import personas as personas_mod

if TYPE_CHECKING:
    from osmigcfg.policy.actions import Action
    from osmigcfg.policy.effective import EffectivePolicy
    from osmigcfg.policy.personas import Persona


@dataclasses.dataclass(frozen=True)
class Verdict:
    """One rule checked for a cell, and why it passed or failed."""

    rule: str
    allowed: bool | None  # None: unknown
    check_str: str
    origin: str           # Origin.describe()
    origin_kind: str      # default | file | inherited | legacy-or | ...
    file: str | None
    line: int | None
    reason: str           # check | scope | unknown | unparsable
    chain: tuple = ()
    unknowns: tuple = ()

    def lines(self):
        """The verdict and its rule chain, as indented text lines."""
        verdict = 'passes' if self.allowed else 'fails'
        if self.reason == 'scope':
            verdict = 'fails the scope check (project-scoped token needed)'
        elif self.reason == 'unparsable':
            verdict = ('fails: it depends on a check string oslo.policy '
                       'cannot parse')
        elif self.allowed is None:
            verdict = 'unknown: ' + '; '.join(self.unknowns)
        head = f'{self.rule} = {self.check_str} [{self.origin}]: {verdict}'
        return [head] + [f'  {line}' for line in self.chain]

    def to_dict(self):
        return dataclasses.asdict(self) | {'chain': list(self.chain),
                                           'unknowns': list(self.unknowns)}


@dataclasses.dataclass(frozen=True)
class Cell:
    """The answer for one (action, persona)."""

    action: str
    persona: str
    allowed: bool | None  # None: unknown
    reason: str           # policy | scope | hidden | unknown | unparsable
    verdicts: tuple = ()

    @property
    def policy_allows(self):
        """What the rules alone say (ignoring Nova's project filter)."""
        return all(v.allowed for v in self.verdicts)

    def chain(self):
        """Lines explaining the decision (every rule checked, with chain)."""
        lines = []
        if self.reason == 'hidden':
            lines.append('Nova does not find another project\'s server for '
                         'a non-admin (404) before any policy check')
            if self.policy_allows:
                lines.append('(the rules alone would allow it)')
        for verdict in self.verdicts:
            lines.extend(verdict.lines())
        return tuple(lines)

    def to_dict(self):
        return {'action': self.action, 'persona': self.persona,
                'allowed': self.allowed, 'reason': self.reason,
                'verdicts': [v.to_dict() for v in self.verdicts]}


@dataclasses.dataclass
class Matrix:
    """Decisions for actions x personas under one effective policy."""

    release: int
    enforce_new_defaults: bool
    label: str
    actions: tuple
    personas: tuple
    cells: dict  # (action key, persona name) -> Cell
    admins: frozenset = frozenset()  # personas context_is_admin passes

    def cell(self, action: str, persona: str) -> 'Cell':
        return self.cells[(action, persona)]

    def allowed(self, action: str, persona: str) -> bool | None:
        return self.cells[(action, persona)].allowed

    def persona(self, name: str) -> 'Persona':
        return next(p for p in self.personas if p.name == name)

    def rows(self) -> 'list[tuple[Action, list[Cell]]]':
        """(Action, [Cell per persona]) in display order."""
        return [(a, [self.cells[(a.key, p.name)] for p in self.personas])
                for a in self.actions]

    def allowed_to(self, action: str) -> list[str]:
        """Names of the personas allowed to do ``action``."""
        return [p.name for p in self.personas
                if self.cells[(action, p.name)].allowed]

    def to_dict(self) -> dict[str, Any]:
        return {
            'release': self.release,
            'enforce_new_defaults': self.enforce_new_defaults,
            'policy': self.label,
            'actions': [a.to_dict() for a in self.actions],
            'personas': [p.to_dict() | {'admin': p.name in self.admins}
                         for p in self.personas],
            'cells': [c.to_dict() for _a, row in self.rows() for c in row],
        }


def _verdict(ep, rule, persona, target, creds):
    decision = ep.check(rule, persona.roles, persona.project,
                        user_id=persona.user, target=target, creds=creds)
    origin = decision.origin
    return Verdict(rule, decision.allowed, decision.check_str,
                   origin.describe(), origin.kind, origin.file, origin.line,
                   decision.reason, tuple(decision.chain),
                   tuple(decision.unknowns))


def target_for(act, persona):
    """The target dict Nova passes for ``act`` done by ``persona``."""
    if act.target == 'caller':
        return {'project_id': persona.project, 'user_id': persona.user}
    target = {'project_id': personas_mod.HOME_PROJECT}
    if act.target == 'server-user':
        target['user_id'] = personas_mod.SERVER_OWNER
    return target


def decide(ep, act, persona, creds=None):
    """The Cell for one action and persona under EffectivePolicy ``ep``."""
    creds = creds or ep.credentials(persona.roles, persona.project,
                                    persona.user)
    target = target_for(act, persona)
    verdicts = tuple(_verdict(ep, rule, persona, target, creds)
                     for rule in actions_mod.rules_for(act, ep.catalog))
    if act.on_server and persona.foreign and not creds['is_admin']:
        return Cell(act.key, persona.name, False, 'hidden', verdicts)
    denials = {v.reason for v in verdicts if v.allowed is False}
    if denials:
        reason = next((r for r in ('scope', 'unparsable') if r in denials),
                      'policy')
        return Cell(act.key, persona.name, False, reason, verdicts)
    if any(v.allowed is None for v in verdicts):
        return Cell(act.key, persona.name, None, 'unknown', verdicts)
    return Cell(act.key, persona.name, True, 'policy', verdicts)


def describe_sources(ep):
    """A short label for the files an EffectivePolicy was built from."""
    paths = [src.path for src in ep.sources]
    return ' + '.join(paths) if paths else f'Nova {ep.release} defaults'


def build_matrix(ep: 'EffectivePolicy',
                 personas: 'Iterable[Persona] | None' = None,
                 actions: 'Iterable[Action] | None' = None) -> Matrix:
    """Decide every (action, persona) cell for an EffectivePolicy.

    :param ep: EffectivePolicy (``load_effective_policy``)
    :param personas: Persona list; default: ``personas.personas_for(ep)``
    :param actions: Action list; default: every action of ``actions``
    :returns: Matrix
    """
    personas = tuple(personas or personas_mod.personas_for(ep))
    acts = tuple(actions or actions_mod.ACTIONS)
    cells, admins = {}, set()
    for persona in personas:
        creds = ep.credentials(persona.roles, persona.project, persona.user)
        if creds['is_admin']:
            admins.add(persona.name)
        for act in acts:
            cells[(act.key, persona.name)] = decide(ep, act, persona, creds)
    return Matrix(ep.release, ep.enforce_new_defaults, describe_sources(ep),
                  acts, personas, cells, frozenset(admins))
