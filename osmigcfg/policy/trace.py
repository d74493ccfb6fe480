"""Explain a decision: the chain of rules and checks that decided it.

For an allowed decision we follow the branch that passed (the first passing
alternative of an ``or``, every part of an ``and``) down to the leaf checks
that granted access; for a denied one we list what each alternative lacked.
A check osmigcfg cannot decide offline (``http:``, see ``offline``) is
marked ``[unknown]``.  Lines are indented by depth so that a report can
show them as a tree.
"""

from oslo_policy import _checks

_MAX_DEPTH = 12


_MARKS = {True: 'ok', False: 'no', None: 'unknown'}


def _passes(enforcer, check, target, creds):
    """True, False, or None when an unevaluated check decides it."""
    evaluate = getattr(enforcer, 'evaluate', None)  # an OfflineEnforcer
    try:
        if evaluate is not None:
            return evaluate(check, target, creds)
        return bool(_checks._check(check, target, creds, enforcer, None))
    except Exception:  # a broken check denies; the validator reports it
        return False


def trace(enforcer, check, target, creds, depth=0, seen=None):
    """Lines describing why ``check`` passes or fails for these creds."""
    seen = seen or set()
    ok = _passes(enforcer, check, target, creds)
    mark = _MARKS[ok]
    pad = '  ' * depth
    if depth > _MAX_DEPTH:
        return [f'{pad}... (too deep)']
    if isinstance(check, _checks.RuleCheck):
        name = check.match
        sub = enforcer.rules.get(name)
        if sub is None:
            return [f'{pad}rule:{name} [undefined: denies]']
        if name in seen:
            return [f'{pad}rule:{name} [cycle]']
        return ([f'{pad}rule:{name} = {sub} [{mark}]']
                + trace(enforcer, sub, target, creds, depth + 1,
                        seen | {name}))
    if isinstance(check, _checks.OrCheck):
        parts = check.rules
        if ok:
            parts = [next(c for c in parts
                          if _passes(enforcer, c, target, creds))]
        elif ok is None:  # the undecided alternatives
            parts = [c for c in parts
                     if _passes(enforcer, c, target, creds) is not False]
        return [line for part in parts
                for line in trace(enforcer, part, target, creds, depth,
                                  seen)]
    if isinstance(check, _checks.AndCheck):
        parts = check.rules
        if ok is False:
            parts = [next(c for c in parts
                          if _passes(enforcer, c, target, creds) is False)]
        return [line for part in parts
                for line in trace(enforcer, part, target, creds, depth,
                                  seen)]
    return [f'{pad}{check} [{mark}]']
