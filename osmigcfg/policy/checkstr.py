"""Check strings: parse them with oslo.policy's own parser and say what broke.

oslo.policy never rejects a check string: whatever it cannot understand it
turns into a deny-all ``FalseCheck`` (logging a traceback).  We parse with
the real ``_parser.parse_rule`` and compare: every ``FalseCheck`` in the tree
that the text did not ask for with ``!`` is a parse failure.
"""

import re

from oslo_policy import _checks
from oslo_policy import _parser

from osmigcfg.policy import oslo_quiet

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


def parse_check(text):
    """Parse ``text`` as oslo.policy does; return (check, problems).

    ``problems`` is a list of messages, empty when the string parsed.
    """
    with oslo_quiet.collected_oslo_logs() as logs:
        check = _parser.parse_rule(text)
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


def suspicious_keys(check):
    """Generic checks whose key is no credential or target attribute.

    ``rol:admin`` parses (as a generic check on a ``rol`` attribute that no
    token has) and silently never matches: almost always a typo.
    """
    odd = []
    for node in _walk(check):
        if type(node) is _checks.GenericCheck:
            head = node.kind.split('.', 1)[0]
            if head not in KNOWN_GENERIC_KEYS and not head.startswith(
                    ("'", '"')) and not head.isdigit():
                odd.append(f'{node.kind}:{node.match}')
    return odd


def allows_everyone(text):
    """True for ``""`` and ``@`` (and anything that parses to TrueCheck)."""
    check, problems = parse_check(text)
    return not problems and isinstance(check, _checks.TrueCheck)
