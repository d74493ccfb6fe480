"""Offline evaluation: no policy check osmigcfg runs may reach out.

oslo.policy picks the class of a ``kind:match`` check first from the
``oslo.policy.rule_checks`` entry points (oslo.policy itself ships ``http``
and ``https``: they POST the credentials and target to the URL at
enforcement time and let the reply decide), then from the classes
registered with ``_checks.register``, then ``GenericCheck``.  Both tables
are global to the process.

We do not touch them: registering an inert ``http`` would not even win
(entry points are looked up first), and replacing the entry point or a
registration would change oslo.policy for every other user of the process
(a Nova running in-process, a test).  Instead every check tree osmigcfg
evaluates is *rebuilt* from a closed list of classes known to be pure:
``and``/``or``/``not``, ``@``/``!``, ``role:``, ``rule:``, generic
``key:value`` and Nova's ``is_admin:`` (reimplemented here, so that we need
no global registration either).  Any other leaf -- ``http:``, ``https:``, a
check some other library registered -- becomes an inert
:class:`UnknownCheck`.  Parsing such a check never does I/O (oslo.policy
only builds the object), so only evaluation has to be guarded.

An unknown leaf has no answer.  :meth:`OfflineEnforcer.decide` evaluates a
rule twice with oslo.policy's own And/Or/Not logic: once with every unknown
leaf answering in the way most favourable to the caller (``True`` where it
is not negated, ``False`` under a ``not``) and once the least favourable.
Equal answers are the decision whatever the remote service would say;
different answers are "unknown" (``None``).  The same applies to a rule
evaluation that goes deeper than :data:`MAX_EVALUATION_DEPTH` (a cycle, a
600-rule ``rule:`` chain): it is cut there, as an unknown, instead of
ending in Python's RecursionError.
"""

import contextlib
import threading

from oslo_policy import _checks
from oslo_policy import _parser
from oslo_policy import policy as oslo_policy

from osmigcfg.policy import oslo_quiet

#: Deepest evaluation (And/Or/Not nodes plus ``rule:`` hops) we follow.
#: Nova's own defaults go about 5 deep; Python's stack allows ~1000 frames
#: and each level costs five, so this leaves room for a deep caller.
MAX_EVALUATION_DEPTH = 64

#: Check kinds whose evaluation would leave the process.
REMOTE_KINDS = frozenset({'http', 'https'})


class IsAdminCheck(_checks.Check):
    """``is_admin:True``, matched the way Nova's own IsAdminCheck does.

    Nova registers this check kind (case-insensitive ``true``) in
    ``nova.policy``; we build the same semantics into our trees so that
    offline decisions match the API.
    """

    def __init__(self, kind, match):
        self.expected = match.lower() == 'true'
        super().__init__(kind, str(self.expected))

    def __call__(self, target, creds, enforcer, current_rule=None):
        return creds.get('is_admin') == self.expected


class UnknownCheck(_checks.Check):
    """A check osmigcfg does not evaluate (it would reach out, or is foreign).

    It prints as the original ``kind:match`` so that rule texts stay as the
    operator wrote them.
    """

    @property
    def remote(self):
        return self.kind in REMOTE_KINDS

    def describe(self):
        """What this check does at enforcement time, after "this rule"."""
        if self.remote:
            return (f'calls out to {self} at enforcement time; osmigcfg '
                    f'cannot predict it')
        return (f'uses {self}, a check kind another library registered '
                f'(not shipped by oslo.policy), which osmigcfg does not run; '
                f'osmigcfg cannot predict it')

    def __call__(self, target, creds, enforcer, current_rule=None):
        state = _state(enforcer)
        if state is None:  # not one of ours: fail closed, never call out
            return False
        state.reached.append(self.describe())
        return state.optimistic == state.positive


class _Deep:
    """Counts one evaluation level; cut as unknown past the bound.

    Mixed in before an oslo.policy check class: ``_evaluate`` runs that
    class's own ``__call__`` (the next one in the MRO).
    """

    def __call__(self, target, creds, enforcer, current_rule=None):
        state = _state(enforcer)
        if state is None:
            return self._evaluate(target, creds, enforcer, current_rule)
        if state.depth >= MAX_EVALUATION_DEPTH:
            state.reached.append(
                f'evaluating {current_rule or "the rule"} goes deeper than '
                f'{MAX_EVALUATION_DEPTH} levels ({self}): a rule: cycle or '
                f'chain too deep to evaluate')
            return state.optimistic == state.positive
        state.depth += 1
        try:
            return self._evaluate(target, creds, enforcer, current_rule)
        finally:
            state.depth -= 1

    def _evaluate(self, target, creds, enforcer, current_rule):
        return super().__call__(target, creds, enforcer, current_rule)


class _RuleCheck(_Deep, _checks.RuleCheck):
    pass


class _AndCheck(_Deep, _checks.AndCheck):
    pass


class _OrCheck(_Deep, _checks.OrCheck):
    pass


class _NotCheck(_Deep, _checks.NotCheck):
    """``not``: also flips which answer is favourable to the caller."""

    def _evaluate(self, target, creds, enforcer, current_rule):
        state = _state(enforcer)
        if state is not None:
            state.positive = not state.positive
        try:
            return super()._evaluate(target, creds, enforcer, current_rule)
        finally:
            if state is not None:
                state.positive = not state.positive


class _GenericCheck(_checks.GenericCheck):
    """``key:value``; a malformed one denies instead of raising.

    oslo.policy raises out of ``enforce`` for ``:'x'`` (SyntaxError) or
    ``a:%(b`` (ValueError): Nova answers such a request with an error, it
    is never performed.
    """

    def __call__(self, target, creds, enforcer, current_rule=None):
        try:
            return super().__call__(target, creds, enforcer, current_rule)
        except (SyntaxError, ValueError, TypeError):
            return False


_PURE_LEAVES = (_checks.TrueCheck, _checks.FalseCheck, _checks.RoleCheck,
                _GenericCheck, IsAdminCheck, UnknownCheck)


def rebuild(check):
    """``check`` with every leaf that is not known to be pure made inert.

    Composite nodes are rebuilt as depth-counting subclasses of oslo.policy's
    own (same ``str``, same logic).  The tree must be shallow enough to walk
    (``checkstr.nesting_depth`` bounds the text before it is parsed).
    """
    kind = type(check)
    if kind in (_checks.AndCheck, _AndCheck):
        return _AndCheck([rebuild(c) for c in check.rules])
    if kind in (_checks.OrCheck, _OrCheck):
        return _OrCheck([rebuild(c) for c in check.rules])
    if kind in (_checks.NotCheck, _NotCheck):
        return _NotCheck(rebuild(check.rule))
    if kind in (_checks.RuleCheck, _RuleCheck):
        return _RuleCheck(check.kind, check.match)
    if isinstance(check, _checks.Check) and check.kind == 'is_admin':
        return IsAdminCheck(check.kind, check.match)
    if kind is _checks.GenericCheck:
        return _GenericCheck(check.kind, check.match)
    if kind in _PURE_LEAVES:
        return check
    if isinstance(check, _checks.Check):
        return UnknownCheck(check.kind, check.match)
    return UnknownCheck(kind.__name__, str(check))


def parse_rule(text):
    """Parse ``text`` with oslo.policy's parser, quietly; return it rebuilt.

    oslo.policy logs a traceback for text it cannot parse; callers that
    need to report it use ``checkstr.parse_check``.
    """
    with oslo_quiet.collected_oslo_logs():
        return rebuild(_parser.parse_rule(text))


def unknown_leaves(check):
    """Every :class:`UnknownCheck` in a (rebuilt) tree."""
    if isinstance(check, UnknownCheck):
        return [check]
    found = []
    for child in getattr(check, 'rules', ()) or ():
        found.extend(unknown_leaves(child))
    inner = getattr(check, 'rule', None)
    if isinstance(inner, _checks.BaseCheck):
        found.extend(unknown_leaves(inner))
    return found


class _Evaluation(threading.local):
    """Per-thread evaluation state of an OfflineEnforcer."""

    def __init__(self):
        self.optimistic = False  # the answer unknown leaves give, unnegated
        self.positive = True     # False under an odd number of ``not``
        self.depth = 0
        self.reached = []        # why the evaluation met an unknown


def _state(enforcer):
    return getattr(enforcer, 'evaluation', None)


class OfflineEnforcer(oslo_policy.Enforcer):
    """oslo.policy's Enforcer whose rules can be decided without any I/O."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.evaluation = _Evaluation()

    def check_rules(self, raise_on_violation=False):
        """Skip oslo.policy's recursive definition check.

        It only logs undefined references and cycles, which ``graph``
        reports as findings, and recurses once per ``rule:`` hop (a long
        chain ends in RecursionError while loading).
        """
        return True

    def make_offline(self):
        """Rebuild every loaded rule (call after ``load_rules``)."""
        for name, check in list(self.rules.items()):
            self.rules[name] = rebuild(check)

    @contextlib.contextmanager
    def _assuming(self, optimistic):
        state = self.evaluation
        saved = (state.optimistic, state.positive, state.depth,
                 state.reached)
        state.optimistic, state.positive, state.depth = optimistic, True, 0
        state.reached = []
        try:
            yield state
        finally:
            (state.optimistic, state.positive, state.depth,
             state.reached) = saved

    def decide(self, evaluate):
        """Run ``evaluate()`` (a bool-returning call into this enforcer).

        :returns: ``(answer, unknowns)``: ``answer`` True or False when the
            unknown leaves met cannot change it, else None; ``unknowns``
            says why each unknown leaf met is unknown (empty when none).
        :raises: whatever ``evaluate`` raises (e.g. InvalidScope)
        """
        with self._assuming(False) as low:
            low_answer = bool(evaluate())
            reached = list(low.reached)
        if not reached:
            return low_answer, ()
        with self._assuming(True) as high:
            high_answer = bool(evaluate())
            reached.extend(high.reached)
        reasons = tuple(dict.fromkeys(reached))
        return (low_answer if low_answer == high_answer else None), reasons

    def evaluate(self, check, target, creds):
        """True, False or None (unknown) for a check tree of this enforcer."""
        return self.decide(lambda: _checks._check(
            check, target, dict(creds), self, None))[0]
