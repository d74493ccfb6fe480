"""Check strings: parse them with oslo.policy's own parser and say what broke.

oslo.policy never rejects a check string: whatever it cannot understand it
turns into a deny-all ``FalseCheck`` (logging a traceback).  We parse with
the real ``_parser.parse_rule`` and compare: every ``FalseCheck`` in the tree
that the text did not ask for with ``!`` is a parse failure.  Text nested
deeper than :data:`MAX_NESTING` is not parsed at all: oslo.policy's parser
recurses once per level and ends in RecursionError.  Trees come back rebuilt
for offline evaluation (``offline.rebuild``).
"""

import re

from oslo_policy import _checks
from oslo_policy import _parser

from osmigcfg.policy import offline
from osmigcfg.policy import oslo_quiet

#: Deepest nesting (parentheses and ``not``) of one check string we parse.
#: Nova's defaults nest 3 deep; oslo.policy's parser fails near 300.
MAX_NESTING = 50

#: Credential/target keys a generic ``key:value`` check can usefully test.
KNOWN_GENERIC_KEYS = frozenset({
    'project_id', 'user_id', 'domain_id', 'system_scope', 'user_domain_id',
    'project_domain_id', 'is_admin_project', 'service_user_id',
    'service_project_id', 'service_roles', 'tenant', 'tenant_id', 'True',
    'False', 'system',
})


def _walk(check):
    yield check
    for child in getattr(check, 'rules', ()) or ():
        yield from _walk(child)
    inner = getattr(check, 'rule', None)
    if isinstance(inner, _checks.BaseCheck):
        yield from _walk(inner)


def _deny_tokens(text):
    return len([t for t in re.split(r'[\s()]+', text) if t == '!'])


def nesting_depth(text):
    """How deep ``text`` nests, read from its tokens without parsing it.

    Counts what makes oslo.policy's tree (and its parser) deeper: each
    ``not`` one level, each parenthesised group two (an ``or`` of ``and``).
    """
    depth = deepest = nots = 0
    outer = []
    for token in re.split(r'\s+', text):
        body = token.lstrip('(')
        for _ in range(len(token) - len(body)):
            outer.append(depth)
            depth, nots = depth + nots + 2, 0
        core = body.rstrip(')')
        if core.lower() == 'not':
            nots += 1
        elif core:
            nots = 0
        deepest = max(deepest, depth + nots + 1)
        for _ in range(len(body) - len(core)):
            depth, nots = (outer.pop() if outer else 0), 0
    return deepest


def depth_problem(text):
    """Why ``text`` is too deep to parse, or None."""
    depth = nesting_depth(text)
    if depth <= MAX_NESTING:
        return None
    return (f'it nests {depth} levels deep (parentheses and "not"; the '
            f'limit is {MAX_NESTING}); oslo.policy\'s parser recurses once '
            f'per level and fails (RecursionError) a few hundred deep')


def parse_check(text):
    """Parse ``text`` as oslo.policy does; return (check, problems).

    ``problems`` is a list of messages, empty when the string parsed.
    Text too deep to parse (``depth_problem``) is a deny-all ``!`` with
    that problem.
    """
    too_deep = depth_problem(text)
    if too_deep:
        return _checks.FalseCheck(), [too_deep]
    with oslo_quiet.collected_oslo_logs() as logs:
        check = offline.rebuild(_parser.parse_rule(text))
    nodes = list(_walk(check))
    falses = sum(isinstance(n, _checks.FalseCheck) for n in nodes)
    problems = []
    if falses > _deny_tokens(text):
        detail = '; '.join(dict.fromkeys(
            m.split('\n')[0] for m in logs.messages()))
        problems.append(
            'oslo.policy cannot parse it and would deny everyone'
            + (f' ({detail})' if detail else ''))
    return check, problems


def rule_references(check):
    """Names referenced with ``rule:NAME`` anywhere in the tree."""
    return [n.match for n in _walk(check) if isinstance(n, _checks.RuleCheck)]


def role_names(check):
    """Roles matched with ``role:NAME`` anywhere in the tree."""
    return [n.match for n in _walk(check) if isinstance(n, _checks.RoleCheck)]


def suspicious_keys(check):
    """Generic checks whose key is no credential or target attribute.

    ``rol:admin`` parses (as a generic check on a ``rol`` attribute that no
    token has) and silently never matches: almost always a typo.
    """
    odd = []
    for node in _walk(check):
        if isinstance(node, _checks.GenericCheck):
            head = node.kind.split('.', 1)[0]
            if head not in KNOWN_GENERIC_KEYS and not head.startswith(
                    ("'", '"')) and not head.isdigit():
                odd.append(f'{node.kind}:{node.match}')
    return odd


def unknown_checks(check):
    """Leaves osmigcfg does not evaluate (``http:``, ``https:``, foreign)."""
    return offline.unknown_leaves(check)


def allows_everyone(text):
    """True for ``""`` and ``@`` (and anything that parses to TrueCheck)."""
    check, problems = parse_check(text)
    return not problems and isinstance(check, _checks.TrueCheck)
