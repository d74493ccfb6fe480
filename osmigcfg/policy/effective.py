"""The effective policy: what Nova would really enforce, and why.

We do not re-implement oslo.policy.  A real ``oslo_policy.policy.Enforcer``
is built over a private ConfigOpts (never the global ``cfg.CONF``), the
release catalog's defaults are registered on it (with their DeprecatedRule),
the policy file and policy.d directories are loaded by oslo.policy itself,
and ``enforcer.rules`` is read back.  Each rule's origin (default, file:line,
inherited through a DeprecatedRule, ORed with the deprecated default) is
recovered by comparing what the Enforcer produced with each candidate.
The Enforcer is ``offline.OfflineEnforcer``: its rules are rebuilt so that
deciding never performs I/O (an ``http:`` check is "unknown") and never
recurses past a bound.
"""

from collections.abc import Iterable
from collections.abc import Mapping
import dataclasses
import pathlib
import tempfile
from typing import Any

from oslo_config import cfg
from oslo_context import context as oslo_context
from oslo_policy import policy as oslo_policy

from osmigcfg import exceptions
from osmigcfg import inputs
from osmigcfg.policy import catalog as catalog_mod
from osmigcfg.policy import checkstr
from osmigcfg.policy import codes
from osmigcfg.policy import offline
from osmigcfg.policy import oslo_quiet
from osmigcfg.policy import source as source_mod
from osmigcfg.policy import trace


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where a rule's effective check comes from."""

    kind: str  # default | file | inherited | legacy-or | file-only
    file: str | None = None
    line: int | None = None
    via: str | None = None  # the deprecated rule it inherits from

    def describe(self):
        where = f'{self.file}:{self.line}' if self.file else None
        if self.kind == 'file':
            return f'set in {where}'
        if self.kind == 'file-only':
            return f'defined in {where} (not a Nova rule)'
        if self.kind == 'inherited':
            return (f'inherited from the override of {self.via} in {where} '
                    f'(DeprecatedRule)')
        if self.kind == 'legacy-or':
            return (f'default ORed with its deprecated default {self.via!r} '
                    f'(enforce_new_defaults=false)')
        return 'Nova default'


@dataclasses.dataclass(frozen=True)
class EffectiveRule:
    name: str
    check: Any  # oslo.policy BaseCheck
    origin: Origin
    registered: catalog_mod.RuleInfo | None = None

    @property
    def check_str(self) -> str:
        return str(self.check)

    @property
    def default_check_str(self) -> str | None:
        return self.registered.check_str if self.registered else None


@dataclasses.dataclass(frozen=True)
class Decision:
    """The answer to "may these credentials do this?", with the reason.

    ``allowed`` is True, False, or None when the answer depends on a check
    osmigcfg does not evaluate (``reason`` 'unknown'; ``unknowns`` says
    which).  ``reason`` is 'check', 'scope', 'unknown', or 'unparsable'
    for a denial that depends on a check string oslo.policy cannot parse.
    """

    rule: str
    allowed: bool | None
    check_str: str
    origin: Origin
    reason: str
    chain: tuple = ()
    unknowns: tuple = ()

    @property
    def verdict(self):
        """'allowed', 'denied' or 'unknown'."""
        return verdict_word(self.allowed)

    def explain(self):
        if self.reason == 'scope':
            return f'denied: {self.rule} requires a project-scoped token'
        how = ''
        if self.allowed and self.chain:
            how = f' via {self.chain[-1].strip()}'
        elif self.allowed is None and self.unknowns:
            how = f': {self.unknowns[0]}'
        elif self.reason == 'unparsable':
            how = (': it depends on a check string oslo.policy cannot '
                   f'parse ({codes.CHECK_UNPARSABLE})')
        return (f'{self.verdict}: {self.rule} = {self.check_str} '
                f'({self.origin.describe()}){how}')


def verdict_word(allowed):
    """'allowed', 'denied' or 'unknown' (None) for an answer."""
    if allowed is None:
        return 'unknown'
    return 'allowed' if allowed else 'denied'


class EffectivePolicy:
    """The rules a real Enforcer holds for given files, release and flags."""

    def __init__(self, enforcer, catalog, sources, enforce_new_defaults):
        self.enforcer = enforcer
        self.catalog = catalog
        self.release = catalog.release
        self.sources = sources
        self.enforce_new_defaults = enforce_new_defaults
        self.entries = source_mod.merged_entries(sources)
        self.rules = {name: self._effective_rule(name, check)
                      for name, check in enforcer.rules.items()}
        #: rule -> why its check string cannot be parsed (file rules only)
        self.unparsable = {
            name: problems[0] for name, entry in self.entries.items()
            for problems in [checkstr.parse_check(entry.check_str)[1]]
            if problems}

    def _effective_rule(self, name, check):
        registered = self.catalog.get(name)
        entry = self.entries.get(name)
        if entry is not None:
            kind = 'file' if registered else 'file-only'
            return EffectiveRule(name, check, Origin(kind, entry.file,
                                                     entry.line), registered)
        return EffectiveRule(name, check, self._default_origin(registered,
                                                               check),
                             registered)

    def _default_origin(self, registered, check):
        deprecated = registered.deprecated_rule if registered else None
        if deprecated is None:
            return Origin('default')
        text = str(check)
        old = self.entries.get(deprecated.name)
        if (old is not None and deprecated.name != registered.name
                and text == str(offline.parse_rule(old.check_str))
                and text != str(offline.parse_rule(registered.check_str))):
            return Origin('inherited', old.file, old.line, deprecated.name)
        if not self.enforce_new_defaults:
            legacy = oslo_policy.OrCheck([
                offline.parse_rule(registered.check_str),
                offline.parse_rule(deprecated.check_str)])
            if text == str(legacy):
                return Origin('legacy-or', via=deprecated.check_str)
        return Origin('default')

    def rule(self, name: str) -> EffectiveRule:
        """The EffectiveRule for ``name`` (UnknownRuleError if none)."""
        try:
            return self.rules[name]
        except KeyError:
            raise exceptions.UnknownRuleError(
                name, self.release, self.catalog.suggest(name)) from None

    def reachable(self, names: Iterable[str]) -> list[str]:
        """The rules named plus every rule they reference, transitively."""
        seen, todo = [], list(names)
        while todo:
            name = todo.pop(0)
            if name in seen or name not in self.rules:
                continue
            seen.append(name)
            todo.extend(checkstr.rule_references(self.rules[name].check))
        return seen

    def credentials(self, roles: Iterable[str], project_id: str | None,
                    user_id: str | None = None,
                    system_scope: str | None = None) -> dict[str, Any]:
        """A RequestContext as Nova builds it (is_admin from the policy)."""
        ctx = oslo_context.RequestContext(
            user_id=user_id or 'osmigcfg-user', project_id=project_id,
            roles=list(roles), system_scope=system_scope, is_admin=False)
        # a plain dict: oslo.context's mapping warns (deprecated key) when
        # is_admin, added here as Nova adds it, is read back
        creds = dict(ctx.to_policy_values())
        creds['is_admin'] = False
        target = {'project_id': project_id, 'user_id': ctx.user_id}
        # an unknown context_is_admin counts as not admin (Nova's 404s)
        creds['is_admin'] = bool(self._enforce('context_is_admin', target,
                                               creds)[0])
        return creds

    def _enforce(self, rule, target, creds):
        """(True/False/None, reason, unknowns) for one rule, without I/O."""
        def enforce():
            # do_raise tells a scope failure from a denial; the rules are
            # frozen, so enforcing logs and warns nothing
            try:
                return self.enforcer.enforce(rule, target, dict(creds),
                                             do_raise=True)
            except oslo_policy.PolicyNotAuthorized:
                return False
        try:
            allowed, unknowns = self.enforcer.decide(enforce)
        except oslo_policy.InvalidScope:
            return False, 'scope', ()
        if allowed is None:
            return None, 'unknown', unknowns
        if not allowed and self.unparsable and any(
                n in self.unparsable for n in self.reachable([rule])):
            return False, 'unparsable', unknowns
        return allowed, 'check', unknowns

    def decide_all(self, creds: Mapping[str, Any], target: Mapping[str, Any],
                   rules: Iterable[str] | None = None
                   ) -> dict[str, bool | None]:
        """rule -> allowed for many rules at once (for matrices and audits).

        Many Nova rules share one effective check (``rule:
        project_member_or_admin`` guards about a hundred): each distinct
        (check string, scope types) pair is enforced once by the real
        Enforcer and the answer reused, since the same check, scope, creds
        and target always give the same decision.
        """
        memo, out = {}, {}
        for name in rules if rules is not None else self.rules:
            rule = self.rule(name)
            scopes = rule.registered.scope_types if rule.registered else ()
            key = (rule.check_str, scopes)
            if key not in memo:
                memo[key] = self._enforce(name, target, creds)[0]
            out[name] = memo[key]
        return out

    def check(self, rule: str, roles: Iterable[str] = (),
              project_id: str | None = None, *, user_id: str | None = None,
              target: Mapping[str, Any] | None = None,
              system_scope: str | None = None,
              creds: Mapping[str, Any] | None = None,
              explain: bool = True) -> Decision:
        """Decide whether credentials may perform ``rule`` on ``target``.

        ``target`` defaults to an object in the caller's own project.
        ``creds`` (from ``credentials()``) may be passed to reuse them
        across many checks; ``explain=False`` skips the rule chain.
        """
        effective = self.rule(rule)
        creds = creds or self.credentials(roles, project_id, user_id,
                                          system_scope)
        if target is None:
            target = {'project_id': creds['project_id'],
                      'user_id': creds['user_id']}
        allowed, reason, unknowns = self._enforce(rule, target, creds)
        chain = ()
        if explain and reason != 'scope':
            chain = tuple(trace.trace(self.enforcer, effective.check, target,
                                      creds))
        return Decision(rule, allowed, effective.check_str, effective.origin,
                        reason, chain, unknowns)


def _private_conf(enforce_new_defaults, policy_dirs):
    conf = cfg.ConfigOpts()
    conf([], project='osmigcfg', default_config_files=[],
         default_config_dirs=[])
    # The Enforcer registers the [oslo_policy] options on first use.
    oslo_policy.Enforcer(conf)
    conf.set_override('enforce_new_defaults', enforce_new_defaults,
                      group='oslo_policy')
    conf.set_override('policy_dirs', [str(d) for d in policy_dirs],
                      group='oslo_policy')
    return conf


def build_enforcer(catalog, policy_path, policy_dirs, enforce_new_defaults):
    """A loaded, frozen, offline Enforcer over the catalog's defaults."""
    conf = _private_conf(enforce_new_defaults, policy_dirs)
    enforcer = offline.OfflineEnforcer(
        conf, policy_file=str(policy_path) if policy_path else
        '/nonexistent/osmigcfg-no-policy-file.yaml')
    enforcer.suppress_deprecation_warnings = True
    enforcer.suppress_default_change_warnings = True
    enforcer.register_defaults(catalog.rule_defaults())
    with oslo_quiet.collected_oslo_logs():
        enforcer.load_rules()
    enforcer.use_conf = False  # freeze: a snapshot of the files as read
    enforcer.make_offline()
    return enforcer


def _refuse_bad_sources(sources):
    """Stop at what oslo.policy would choke on (a list, a 1,500-deep text)."""
    for src in sources:
        if src.bad_values:
            name, line, why = src.bad_values[0]
            raise exceptions.PolicyFileError(src.path, line, f'{name}: {why}')
        for entry in src.entries.values():
            why = checkstr.depth_problem(entry.check_str)
            if why:
                raise exceptions.PolicyFileError(
                    src.path, entry.line,
                    f'{entry.name}: {why} ({codes.CHECK_TOO_DEEP})')


def load_effective_policy(policy_file: inputs.PathArg | None = None, *,
                          policy_dirs: Iterable[inputs.PathArg] = (),
                          release: int | str | None = None,
                          enforce_new_defaults: bool = True,
                          profile: str | None = None,
                          overrides: Mapping[str, str] | None = None,
                          service: str = 'nova') -> EffectivePolicy:
    """Compute the effective policy.

    :param policy_file: a policy.yaml path, or None
    :param policy_dirs: policy.d directories applied after it, in order
    :param release: Nova major release (default 34)
    :param enforce_new_defaults: oslo.policy's flag of that name
    :param profile: a profile name rendered as the policy file (instead of
        ``policy_file``); ``overrides`` (a dict) are overlaid on it
    :param service: whose catalog: ``nova`` (default), ``neutron``,
        ``cinder`` or ``placement`` (profiles are Nova's only)
    :returns: EffectivePolicy
    :raises: InputError subclasses for unreadable or malformed input
    """
    catalog = catalog_mod.load_catalog(
        catalog_mod.check_release(release, service), service)
    if profile is not None:
        if service != 'nova':
            raise exceptions.InputError(
                f'policy profiles are for Nova only, not {service}')
        if policy_file is not None:
            raise exceptions.InputError(
                'give either a profile or a policy file, not both')
        from osmigcfg.policy import render  # render imports effective's deps
        text = render.render_policy(profile, release=catalog.release,
                                    overrides=overrides)
        with tempfile.TemporaryDirectory(prefix='osmigcfg-') as tmp:
            path = pathlib.Path(tmp) / f'{profile}.yaml'
            path.write_text(text)
            return _load(catalog, path, policy_dirs, enforce_new_defaults,
                         label=f'profile:{profile}')
    return _load(catalog, policy_file, policy_dirs, enforce_new_defaults)


def _load(catalog, policy_file, policy_dirs, enforce_new_defaults,
          label=None):
    sources = source_mod.read_sources(policy_file, policy_dirs)
    _refuse_bad_sources(sources)
    if label and sources:
        sources[0] = _relabel(sources[0], label)
    # oslo.policy resolves relative paths against config dirs, not the cwd.
    enforcer = build_enforcer(
        catalog, _absolute(policy_file),
        [_absolute(d) for d in policy_dirs], enforce_new_defaults)
    ep = EffectivePolicy(enforcer, catalog, sources, enforce_new_defaults)
    _assert_loaded(ep)
    return ep


def _absolute(path):
    return None if path is None else pathlib.Path(path).resolve()


def _assert_loaded(ep):
    """Every rule we read must be what the Enforcer holds (an invariant)."""
    for name, entry in ep.entries.items():
        held = ep.enforcer.rules.get(name)
        wanted = str(offline.parse_rule(entry.check_str))
        if held is None or str(held) != wanted:
            raise exceptions.OsmigcfgError(
                f'internal error: oslo.policy did not load {name} from '
                f'{entry.file}:{entry.line} as read')


def _relabel(src, label):
    entries = {n: dataclasses.replace(e, file=label)
               for n, e in src.entries.items()}
    return source_mod.PolicySource(path=label, entries=entries)
