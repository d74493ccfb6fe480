"""Validate judges meaning: who passes migration actions that must stay closed.

A token without roles, a reader or another project's member must not start,
finish or steer a migration, whatever the spelling that would let them:
``context_is_admin: "@"`` (every admin-only rule then passes), an empty or
``not role:x`` helper rule, ``project_manager_or_admin: "@"``...  The cells
are decided exactly as ``audit`` decides them (``matrix.decide``, the same
personas); one finding per rule that grants access, naming the chain.
"""

import re

from osmigcfg.findings import make_finding
from osmigcfg.policy import actions as actions_mod
from osmigcfg.policy import catalog as catalog_mod
from osmigcfg.policy import checkstr
from osmigcfg.policy import codes
from osmigcfg.policy import matrix as matrix_mod
from osmigcfg.policy import personas as personas_mod

_PASSING_RULE = re.compile(r'^(\s*)rule:(\S+) = .*\[ok\]$')
_FROM_FILES = ('file', 'file-only', 'inherited')


def _passing_rules(cell):
    """(indent, rule) of every rule on the chains that let ``cell`` pass."""
    found = []
    for verdict in cell.verdicts:
        found.append((-1, verdict.rule))
        for line in verdict.chain:
            match = _PASSING_RULE.match(line)
            if match:
                found.append((len(match.group(1)), match.group(2)))
    return found


def _culprit(ep, cell):
    """The deepest rule set in a file that lets the cell pass, or None.

    None when no file is involved (Nova's defaults), and when the access
    comes through a default ORed with its legacy default: POL211
    (``graph.legacy_findings``) reports that one, as a warning, since
    deployments such as MOSK pin ``enforce_new_defaults=false`` knowingly.
    """
    chain = _passing_rules(cell)
    if any(ep.rules[r].origin.kind == 'legacy-or' for _i, r in chain
           if r in ep.rules):
        return None
    in_files = [(indent, r) for indent, r in chain
                if r in ep.rules and ep.rules[r].origin.kind in _FROM_FILES]
    if not in_files:
        return None
    return max(in_files, key=lambda pair: pair[0])[1]


def _grants(ep):
    """culprit rule -> [(action, persona, cell)] untrusted callers pass."""
    grants = {}
    for persona in personas_mod.standard_personas():
        if not persona.untrusted:
            continue
        creds = ep.credentials(persona.roles, persona.project, persona.user)
        for act in actions_mod.ACTIONS:
            if not act.mutating:
                continue
            cell = matrix_mod.decide(ep, act, persona, creds)
            culprit = _culprit(ep, cell) if cell.allowed else None
            if culprit is not None:
                grants.setdefault(culprit, []).append((act, persona, cell))
    return grants


def _already_everyone(ep, name):
    """A migration rule written as "" or @ is POL201 already."""
    entry = ep.entries.get(name)
    return (entry is not None and name in catalog_mod.MIGRATION_RULES
            and checkstr.allows_everyone(entry.check_str))


def untrusted_findings(ep):
    """POL202 per rule through which untrusted personas pass migrations."""
    for name, cells in _grants(ep).items():
        if _already_everyone(ep, name):
            continue
        rule = ep.rules[name]
        who = ', '.join(dict.fromkeys(p.name for _a, p, _c in cells))
        what = ', '.join(dict.fromkeys(a.title for a, _p, _c in cells))
        act, persona, cell = cells[0]
        details = [f'{act.key} / {persona.name}:'] + [
            '  ' + line for line in cell.chain()]
        origin = rule.origin
        yield make_finding(
            codes.UNTRUSTED_PASSES,
            f'{name} = {rule.check_str} ({origin.describe()}) lets '
            f'{who} {what}', file=origin.file, line=origin.line,
            subject=name, details=details)
