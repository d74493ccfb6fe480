"""Rehearsal: ask real Nova 34 every cell of the audit matrix.

The policy (file, policy.d, ``enforce_new_defaults``) is loaded into the
real-Nova sandbox (``osmigcfg.sandbox.nova``: nova-api, conductor, scheduler
and fake-driver computes in a child process on 127.0.0.1).  Servers are
created in two projects, then each persona makes the real API call of each
action and Nova's answer is compared with the offline prediction.

* Watching (list, list with hosts, show) is asked while a live migration of
  a dedicated server is held in progress, so that host fields can be seen.
* Abort, force-complete and evacuate are asked of a server that is not
  migrating on a host that is up: Nova checks the policy, then refuses for
  the state (409/400) -- nothing happens, and the policy answer is exact.
* Migrations really happen (``moves=True``): an allowed cold migration is
  reverted (or confirmed, for the host variant) by the same persona when it
  may, else by the admin; an allowed live migration really changes host.
  With ``moves=False`` the starts are asked of a suspended server instead
  (policy first, then 409), which is faster and moves nothing.

Everything created is deleted, and a sandbox started here is stopped.
"""

from collections.abc import Iterable
import dataclasses
import logging
import time
from typing import TYPE_CHECKING

from osmigcfg import exceptions
from osmigcfg import extras
from osmigcfg import files
from osmigcfg import inputs
from osmigcfg.findings import Report
from osmigcfg.findings import make_finding
from osmigcfg.policy import actions as actions_mod
from osmigcfg.policy import audit_codes as codes
from osmigcfg.policy import catalog as catalog_mod
from osmigcfg.policy import effective as effective_mod
from osmigcfg.policy import matrix as matrix_mod
from osmigcfg.policy import personas as personas_mod

if TYPE_CHECKING:
    from osmigcfg.sandbox.nova.sandbox import NovaSandbox

LOG = logging.getLogger(__name__)

#: The Nova release the sandbox runs.
REHEARSAL_RELEASE = 34


@dataclasses.dataclass(frozen=True)
class Observation:
    """The offline prediction and Nova's answer for one cell."""

    action: str
    persona: str
    predicted: bool
    answer: object  # rehearse_calls.Answer
    moved: str | None = None

    @property
    def actual(self):
        return self.answer.verdict

    @property
    def observed(self):
        return self.answer.verdict != 'unobserved'

    @property
    def match(self):
        return self.observed and self.answer.allowed == self.predicted

    def to_dict(self):
        return {'action': self.action, 'persona': self.persona,
                'predicted': effective_mod.verdict_word(self.predicted),
                'actual': self.actual, 'status': self.answer.status,
                'detail': self.answer.detail, 'nova_rule': self.answer.rule,
                'moved': self.moved, 'match': self.match}


@dataclasses.dataclass
class RehearsalResult:
    """Predicted matrix, Nova's answers, findings, and how long it took."""

    matrix: matrix_mod.Matrix
    observations: dict  # (action, persona) -> Observation
    report: Report
    seconds: float
    moves: bool
    nova: dict = dataclasses.field(default_factory=dict)

    def observation(self, action, persona):
        return self.observations.get((action, persona))

    def mismatches(self):
        return [o for o in self.ordered() if o.observed and not o.match]

    def ordered(self):
        return [self.observations[(a.key, p.name)]
                for a in self.matrix.actions for p in self.matrix.personas
                if (a.key, p.name) in self.observations]

    def to_dict(self):
        return {'kind': 'rehearsal', 'seconds': self.seconds,
                'moves': self.moves, 'nova': self.nova,
                'matrix': self.matrix.to_dict(),
                'observations': [o.to_dict() for o in self.ordered()],
                'findings': self.report.to_list()}


def _observation_findings(matrix, obs):
    act = actions_mod.action(obs.action)
    cell = matrix.cell(obs.action, obs.persona)
    where = {'subject': f'{obs.action} / {obs.persona}',
             'details': (f'Nova: HTTP {obs.answer.status}: '
                         f'{obs.answer.detail}',) + cell.chain()}
    predicted = effective_mod.verdict_word(obs.predicted)
    if not obs.observed:
        yield make_finding(codes.REHEARSAL_UNOBSERVED,
                           f'{obs.persona}: {act.title}: no usable answer '
                           f'from Nova ({obs.answer.detail})', **where)
    elif not obs.match:
        yield make_finding(codes.REHEARSAL_MISMATCH,
                           f'{obs.persona}: {act.title}: predicted '
                           f'{predicted}, Nova {obs.actual}', **where)
    elif (obs.answer.rule and not obs.predicted and obs.answer.rule not in
          actions_mod.rules_for(
              act, catalog_mod.load_catalog(matrix.release))):
        yield make_finding(codes.REHEARSAL_MISMATCH,
                           f'{obs.persona}: {act.title}: Nova checked '
                           f'{obs.answer.rule}, which the model does not '
                           f'expect for this action', **where)
    if obs.moved and obs.moved.startswith('did not move'):
        yield make_finding(codes.REHEARSAL_UNOBSERVED,
                           f'{obs.persona}: {act.title}: allowed, but the '
                           f'server {obs.moved}', **where)


def _report(matrix, observations):
    report = Report()
    for obs in observations.values():
        report.extend(_observation_findings(matrix, obs))
    return report


def _policy_text(policy_file, profile):
    if profile is not None:
        from osmigcfg.policy import render
        return render.render_policy(profile, REHEARSAL_RELEASE)
    if policy_file is not None:
        return files.read_text(policy_file)
    return ''


def _new_sandbox(policy_dirs, enforce_new_defaults):
    extras.require('rehearse', feature='policy rehearse')
    from osmigcfg.sandbox.nova import sandbox as sandbox_nova
    return sandbox_nova.NovaSandbox(
        policy_dirs=policy_dirs, enforce_new_defaults=enforce_new_defaults,
        computes=('host1', 'host2'))


def pick_personas(ep, names=None):
    """The personas of ``ep`` called ``names`` (all when None)."""
    found = personas_mod.personas_for(ep)
    if not names:
        return found
    known = {p.name: p for p in found}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise exceptions.InputError(
            f'unknown persona {unknown[0]!r}',
            hint=f'known personas: {", ".join(known)}')
    return [known[n] for n in names]


def _apply(sandbox, text, policy_dirs, enforce_new_defaults):
    sandbox.set_policy(text)
    sandbox.set_policy_dirs(list(policy_dirs))
    sandbox.set_enforce_new_defaults(enforce_new_defaults)


def rehearse_policy(policy_file: inputs.PathArg | None = None, *,
                    policy_dirs: Iterable[inputs.PathArg] = (),
                    release: int | None = None,
                    enforce_new_defaults: bool = True,
                    profile: str | None = None,
                    sandbox: 'NovaSandbox | None' = None,
                    moves: bool = True,
                    personas: Iterable[str] | None = None
                    ) -> RehearsalResult:
    """Rehearse a policy against real Nova 34 and compare with the engine.

    :param policy_file: policy.yaml path, or None
    :param policy_dirs: policy.d directories (read in place by Nova)
    :param release: must be None or 34 (the sandbox runs Nova 34)
    :param enforce_new_defaults: ``[oslo_policy] enforce_new_defaults``
    :param profile: rehearse a shipped profile instead of a file
    :param sandbox: a running ``NovaSandbox`` to use (its policy settings
        are reset afterwards); None starts one and stops it at the end
    :param moves: really migrate when Nova allows it (else probe only)
    :param personas: persona names to rehearse (default: all)
    :returns: RehearsalResult
    :raises: InputError for bad input, MissingExtraError when the
        ``rehearse`` extra (Nova 34) is not installed, SandboxError when the
        sandbox fails
    """
    if release not in (None, REHEARSAL_RELEASE):
        raise exceptions.InputError(
            f'a rehearsal runs Nova {REHEARSAL_RELEASE}, not {release}',
            hint='drop --release, or audit that release offline')
    ep = effective_mod.load_effective_policy(
        policy_file, policy_dirs=policy_dirs, release=REHEARSAL_RELEASE,
        enforce_new_defaults=enforce_new_defaults, profile=profile)
    matrix = matrix_mod.build_matrix(ep, personas=pick_personas(ep, personas))
    text = _policy_text(policy_file, profile)
    began = time.monotonic()
    own = sandbox is None
    if sandbox is None:
        sandbox = _new_sandbox(policy_dirs, enforce_new_defaults)
        sandbox.start()
    try:
        # deferred: it imports openstacksdk, needed only for a rehearsal
        from osmigcfg.policy import rehearse_run
        _apply(sandbox, text, policy_dirs, enforce_new_defaults)
        answers = rehearse_run.run(sandbox, matrix, moves)
        nova = {'endpoint': sandbox.endpoint,
                'microversion': sandbox.negotiated_microversion(),
                'startup_seconds': sandbox.startup_seconds}
    finally:
        if own:
            sandbox.stop()
        elif sandbox.running:
            sandbox.reset()
    observations = {
        key: Observation(key[0], key[1], matrix.cells[key].allowed, answer,
                         moved)
        for key, (answer, moved) in answers.items()}
    seconds = round(time.monotonic() - began, 1)
    LOG.info('rehearsal of %s: %d cells in %.1f s', matrix.label,
             len(observations), seconds)
    return RehearsalResult(matrix, observations, _report(matrix, observations),
                           seconds, moves, nova)
