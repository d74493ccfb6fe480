"""Checks over the merged rule graph (``rule:X`` references between rules).

Walks over the graph are iterative: a chain of thousands of ``rule:``
references is a finding, not a RecursionError.
"""

from oslo_policy import _checks

from osmigcfg.findings import make_finding
from osmigcfg.policy import catalog as catalog_mod
from osmigcfg.policy import checkstr
from osmigcfg.policy import codes
from osmigcfg.policy import offline

#: A project the probe credentials below belong to; any id works.
_PROBE_PROJECT = 'osmigcfg-probe-project'


def referenced_names(sources, catalog):
    """Every rule name referenced by a file rule or a catalog default."""
    names = set()
    for src in sources:
        for entry in src.entries.values():
            names.update(checkstr.rule_references(
                checkstr.parse_check(entry.check_str)[0]))
    for info in catalog.rules.values():
        names.update(checkstr.rule_references(
            checkstr.parse_check(info.check_str)[0]))
    return names


def _where(ep, name):
    entry = ep.entries.get(name)
    if entry is None:
        return {'subject': name}
    return {'file': entry.file, 'line': entry.line, 'subject': name}


def _references(ep):
    return {n: [r for r in checkstr.rule_references(rule.check)
                if r in ep.rules]
            for n, rule in ep.rules.items()}


def _post_order(refs):
    """(name, on_cycle) for every rule, each after the rules it references.

    A depth-first walk with an explicit stack; ``on_cycle`` is the set of
    rules that lie on a reference cycle.
    """
    state, on_cycle, order = {}, set(), []
    for root in refs:
        if root in state:
            continue
        state[root] = 'open'
        stack, path = [(root, iter(refs[root]))], [root]
        while stack:
            node, todo = stack[-1]
            nxt = next(todo, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 'done'
                order.append(node)
            elif state.get(nxt) == 'open':
                on_cycle.update(path[path.index(nxt):])
            elif nxt not in state:
                state[nxt] = 'open'
                stack.append((nxt, iter(refs[nxt])))
                path.append(nxt)
    return order, on_cycle


def _cycle_members(ep):
    return _post_order(_references(ep))[1]


def _tree_levels(check, level=1):
    """(deepest level, [(level, referenced rule)]) of one rule's tree.

    A level is what ``offline`` counts while evaluating: every and/or/not
    node and every ``rule:`` hop.
    """
    if isinstance(check, _checks.RuleCheck):
        return level, [(level, check.match)]
    children = list(getattr(check, 'rules', ()) or ())
    inner = getattr(check, 'rule', None)
    if isinstance(inner, _checks.BaseCheck):
        children.append(inner)
    if not children:
        return level - 1, []
    deepest, refs = level, []
    for child in children:
        depth, found = _tree_levels(child, level + 1)
        deepest = max(deepest, depth)
        refs.extend(found)
    return deepest, refs


def evaluation_depths(ep):
    """rule -> how many levels deep evaluating it goes (cycles cut once)."""
    order, _cycle = _post_order(_references(ep))
    depths = {}
    for name in order:
        deepest, refs = _tree_levels(ep.rules[name].check)
        for level, ref in refs:
            deepest = max(deepest, level + depths.get(ref, 0))
        depths[name] = deepest
    return depths


def depth_findings(ep):
    """Rules whose evaluation goes deeper than ``offline`` follows.

    One finding per chain: for the rule at its top (no rule that refers to
    it is too deep itself).
    """
    limit = offline.MAX_EVALUATION_DEPTH
    depths = evaluation_depths(ep)
    deep = {n for n, d in depths.items() if d > limit}
    below = {r for n in deep for r in checkstr.rule_references(
        ep.rules[n].check)}
    for name in sorted(deep - below):
        yield make_finding(
            codes.CHAIN_TOO_DEEP, f'{name}: evaluating it goes '
            f'{depths[name]} levels deep through rule: references (the '
            f'limit is {limit}); osmigcfg decides it as unknown and '
            f'oslo.policy would fail with RecursionError',
            **_where(ep, name))


def reference_findings(ep):
    """Undefined ``rule:`` references and reference cycles."""
    for name, rule in ep.rules.items():
        for ref in checkstr.rule_references(rule.check):
            if ref not in ep.rules:
                yield make_finding(
                    codes.UNDEFINED_REFERENCE,
                    f'{name} refers to rule:{ref}, which is not defined',
                    **_where(ep, name))
    for name in sorted(_cycle_members(ep)):
        yield make_finding(codes.CYCLE, f'{name} is part of a reference '
                           f'cycle', **_where(ep, name))


def inheritance_findings(ep):
    """Overrides copied onto rules that were not set explicitly."""
    for name, rule in ep.rules.items():
        if rule.origin.kind != 'inherited':
            continue
        default = rule.default_check_str
        yield make_finding(
            codes.INHERITED_OVERRIDE,
            f'{name} is not set, so it inherits the override of '
            f'{rule.origin.via} ({rule.check_str}) instead of its default '
            f'{default!r}', file=rule.origin.file, line=rule.origin.line,
            subject=name,
            hint=f'add "{name}": "{default}" (or the check you intend)')


def legacy_findings(ep):
    """Migration rules a role-less token passes only through legacy ORs."""
    if ep.enforce_new_defaults:
        return
    for name in catalog_mod.MIGRATION_RULES:
        if name not in ep.rules:
            continue
        decision = ep.check(name, roles=[], project_id=_PROBE_PROJECT)
        if not decision.allowed:
            continue
        legacy = [n for n, r in ep.rules.items()
                  if r.origin.kind == 'legacy-or'
                  and any(f'rule:{n} ' in line for line in decision.chain)]
        if not legacy:
            continue
        yield make_finding(
            codes.LEGACY_DEFAULTS,
            f'{name}: any token in the owning project (no role needed) '
            f'passes, through {", ".join(legacy)} ORed with its legacy '
            f'default', details=decision.chain, **_where(ep, name))
