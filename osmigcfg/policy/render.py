"""Render a policy profile for a Nova release, in every deploy tool's form.

Rendering is pure: a profile name, a release and optional overrides in,
text out.  Two rules always hold:

* a rule the release does not have is left out (with a note), and a user
  override naming an unknown rule is an error (with a did-you-mean);
* whenever a rule is overridden, every rule that inherits that override
  through a DeprecatedRule (``migrate_live`` -> ``migrate_live:host``) is
  written explicitly, so the override cannot leak into it.
"""

from collections.abc import Mapping
import dataclasses
import json
import textwrap

import jinja2
import yaml

from osmigcfg import exceptions
from osmigcfg import resources
from osmigcfg.policy import catalog as catalog_mod
from osmigcfg.policy import checkstr
from osmigcfg.policy import profiles as profiles_mod

FORMATS = {
    'policy-yaml': 'policy.yaml.j2',
    'mosk': 'mosk.yaml.j2',
    'helm': 'helm.yaml.j2',
    'kolla': 'kolla.yaml.j2',
    'osa': 'osa.yaml.j2',
}


@dataclasses.dataclass(frozen=True)
class RenderedRule:
    name: str
    check_str: str
    info: object = None       # catalog.RuleInfo, None for a helper rule
    note: str | None = None   # why it is written (explicit successor...)
    active: bool = True       # False: shown commented out (the default)


@dataclasses.dataclass(frozen=True)
class PolicyPlan:
    profile: profiles_mod.Profile
    release: int
    nova_version: str | None
    rules: tuple
    notes: tuple

    def overrides(self) -> dict[str, str]:
        """The active rules as a dict (what a deploy tool needs)."""
        return {r.name: r.check_str for r in self.rules if r.active}


def _check_parses(name, check_str, origin):
    _check, problems = checkstr.parse_check(check_str)
    if problems:
        raise exceptions.InputError(
            f'{origin}: rule {name!r}: check string {check_str!r}: '
            f'{problems[0]}')


def _collect(profile, catalog, overrides):
    """rule -> (check_str, origin) after release filtering; notes."""
    chosen, notes = {}, []
    for name, check in profile.base_rules.items():
        if name not in catalog:
            chosen[name] = (check, 'base')
    for name, check in profile.overrides.items():
        min_release = profile.min_release.get(name)
        if name not in catalog:
            notes.append(f'{name} does not exist in Nova {catalog.release}; '
                         f'not written')
        elif min_release and catalog.release < min_release:
            notes.append(f'{name} is left at its default before Nova '
                         f'{min_release} (the override is unsafe there)')
        else:
            chosen[name] = (check, 'profile')
    for name, check in (overrides or {}).items():
        chosen[name] = (check, 'override')
    for name, (check, origin) in chosen.items():
        _check_parses(name, check, origin)
    _refuse_unknown_overrides(chosen, catalog)
    return chosen, notes


def _refuse_unknown_overrides(chosen, catalog):
    referenced = set()
    for check, _origin in chosen.values():
        referenced.update(checkstr.rule_references(
            checkstr.parse_check(check)[0]))
    for name, (_check, origin) in chosen.items():
        if (origin == 'override' and name not in catalog
                and name not in referenced):
            raise exceptions.UnknownRuleError(name, catalog.release,
                                              catalog.suggest(name))


def plan_policy(profile: str, release: int | str | None = None, *,
                overrides: Mapping[str, str] | None = None) -> PolicyPlan:
    """Resolve a profile (+ overrides) against a release's catalog."""
    prof = profiles_mod.load_profile(profile)
    catalog = catalog_mod.load_catalog(catalog_mod.check_release(release))
    chosen, notes = _collect(prof, catalog, overrides)
    for name in list(chosen):
        for successor in catalog.successors_of(name):
            if successor.name not in chosen:
                chosen[successor.name] = (successor.check_str,
                                          f'successor:{name}')
    rules = [RenderedRule(n, c, None, 'helper rule this profile needs')
             for n, (c, o) in chosen.items() if n not in catalog]
    for info in catalog.rules.values():
        if info.name in chosen:
            check, origin = chosen[info.name]
            note = None
            if origin.startswith('successor:'):
                note = (f'written explicitly so that the override of '
                        f'{origin.split(":", 1)[1]} is not inherited here '
                        f'(DeprecatedRule)')
            rules.append(RenderedRule(info.name, check, info, note))
        elif info.name in catalog_mod.MIGRATION_RULES:
            rules.append(RenderedRule(info.name, info.check_str, info,
                                      active=False))
    if catalog.release < 32 and catalog_mod.MIGRATE_LIVE in chosen:
        notes.append(f'Nova {catalog.release} has no migrate_live:host rule: '
                     f'{catalog_mod.MIGRATE_LIVE} also governs live '
                     f'migration to a chosen host')
    return PolicyPlan(prof, catalog.release, catalog.nova_version,
                      tuple(rules), tuple(notes))


@jinja2.pass_environment
def _comment(env, text, indent=0):
    pad = ' ' * indent
    lines = []
    for line in str(text).strip().splitlines() or ['']:
        lines.extend(textwrap.wrap(line, 77 - indent, break_on_hyphens=False,
                                   break_long_words=False) or [''])
    return '\n'.join(f'{pad}# {ln}'.rstrip() for ln in lines)


def _to_yaml(mapping, indent=0):
    """A mapping as block YAML (PyYAML does the quoting), indented."""
    text = yaml.safe_dump(dict(mapping), sort_keys=False,
                          default_flow_style=False, width=10000,
                          allow_unicode=True)
    pad = ' ' * indent
    return '\n'.join(pad + line for line in text.rstrip('\n').split('\n'))


def _environment():
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(
            str(resources.templates_dir() / 'policy')),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters['q'] = json.dumps  # a JSON string is a YAML scalar
    env.filters['comment'] = _comment
    env.filters['to_yaml'] = _to_yaml
    return env


def render_plan(plan: PolicyPlan, fmt: str = 'policy-yaml') -> str:
    """Render a PolicyPlan in one of FORMATS."""
    if fmt not in FORMATS:
        raise exceptions.InputError(
            f'unknown policy format {fmt!r}',
            hint=f'choose one of {", ".join(FORMATS)}')
    template = _environment().get_template(FORMATS[fmt])
    return template.render(plan=plan, overrides=plan.overrides())


def render_policy(profile: str, release: int | str | None = None, *,
                  overrides: Mapping[str, str] | None = None,
                  fmt: str = 'policy-yaml') -> str:
    """Render a profile (+ overrides) for a Nova release as text.

    :param profile: a shipped profile name (``profile_names()``)
    :param release: Nova major release, default 34
    :param overrides: dict rule -> check string laid over the profile
    :param fmt: one of FORMATS
    :returns: the rendered text
    :raises: InputError subclasses (unknown profile/release/rule, bad check)
    """
    return render_plan(plan_policy(profile, release, overrides=overrides), fmt)
