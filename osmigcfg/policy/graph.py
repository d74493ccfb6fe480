"""Checks over the merged rule graph (``rule:X`` references between rules)."""

from osmigcfg.findings import make_finding
from osmigcfg.policy import catalog as catalog_mod
from osmigcfg.policy import checkstr
from osmigcfg.policy import codes

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


def _cycle_members(ep):
    refs = {n: [r for r in checkstr.rule_references(rule.check)
                if r in ep.rules]
            for n, rule in ep.rules.items()}
    state, on_cycle = {}, set()

    def visit(node, stack):
        state[node] = 'open'
        stack.append(node)
        for nxt in refs[node]:
            if state.get(nxt) == 'open':
                on_cycle.update(stack[stack.index(nxt):])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 'done'

    for name in refs:
        if name not in state:
            visit(name, [])
    return on_cycle


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
