"""The Nova policy catalogs: every registered rule of a Nova release.

The catalogs (``policies/nova-<release>.yaml``) are generated from the real
Nova wheels by ``policies/regenerate.py``.  This module loads them and turns
them into oslo.policy ``RuleDefault`` objects for a real Enforcer.
"""

import dataclasses
import difflib
import functools

import yaml
from oslo_policy import policy as oslo_policy

from osmigcfg import exceptions
from osmigcfg import resources

DEFAULT_RELEASE = 34
_LOADER = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)

MIGRATE = 'os_compute_api:os-migrate-server:migrate'
MIGRATE_HOST = 'os_compute_api:os-migrate-server:migrate:host'
MIGRATE_LIVE = 'os_compute_api:os-migrate-server:migrate_live'
MIGRATE_LIVE_HOST = 'os_compute_api:os-migrate-server:migrate_live:host'

#: The rules that let a caller choose the destination host.
HOST_TARGETED_RULES = frozenset({MIGRATE_HOST, MIGRATE_LIVE_HOST})

#: The rules a migration needs, in the order we show them.
MIGRATION_RULES = (
    MIGRATE,
    MIGRATE_HOST,
    MIGRATE_LIVE,
    MIGRATE_LIVE_HOST,
    'os_compute_api:servers:confirm_resize',
    'os_compute_api:servers:revert_resize',
    'os_compute_api:servers:migrations:index',
    'os_compute_api:servers:migrations:index:host',
    'os_compute_api:servers:migrations:show',
    'os_compute_api:servers:migrations:delete',
    'os_compute_api:servers:migrations:force_complete',
    'os_compute_api:os-migrations:index',
    'os_compute_api:os-migrations:index:all_projects',
    'os_compute_api:os-migrations:index:host',
    'os_compute_api:os-evacuate',
)


@dataclasses.dataclass(frozen=True)
class DeprecatedRuleInfo:
    name: str
    check_str: str
    deprecated_reason: str | None = None
    deprecated_since: str | None = None


@dataclasses.dataclass(frozen=True)
class RuleInfo:
    """One registered Nova policy rule, as the release defines it."""

    name: str
    check_str: str
    description: str = ''
    operations: tuple = ()
    scope_types: tuple = ()
    deprecated_rule: DeprecatedRuleInfo | None = None
    deprecated_for_removal: bool = False
    deprecated_reason: str | None = None
    deprecated_since: str | None = None

    @property
    def is_base(self):
        """A helper rule (``context_is_admin``) rather than an API rule."""
        return not self.operations

    def to_rule_default(self):
        """This rule as an oslo.policy RuleDefault for a real Enforcer."""
        deprecated = None
        if self.deprecated_rule:
            d = self.deprecated_rule
            deprecated = oslo_policy.DeprecatedRule(
                d.name, d.check_str,
                deprecated_reason=d.deprecated_reason or
                self.deprecated_reason or 'n/a',
                deprecated_since=d.deprecated_since or
                self.deprecated_since or 'n/a')
        # a replaced rule's reason and release belong on its DeprecatedRule
        # (oslo.policy warns, and will refuse, when the new rule has them)
        own = self.deprecated_for_removal or deprecated is None
        kwargs = {
            'description': self.description or None,
            'scope_types': list(self.scope_types) or None,
            'deprecated_rule': deprecated,
            'deprecated_for_removal': self.deprecated_for_removal,
            'deprecated_reason': self.deprecated_reason if own else None,
            'deprecated_since': self.deprecated_since if own else None,
        }
        return oslo_policy.RuleDefault(self.name, self.check_str, **kwargs)


@dataclasses.dataclass(frozen=True)
class Catalog:
    release: int
    nova_version: str
    rules: dict  # name -> RuleInfo, in Nova's order

    def __contains__(self, name):
        return name in self.rules

    def get(self, name):
        return self.rules.get(name)

    def require(self, name):
        """The rule, or UnknownRuleError with a did-you-mean."""
        try:
            return self.rules[name]
        except KeyError:
            raise exceptions.UnknownRuleError(
                name, self.release, self.suggest(name)) from None

    def suggest(self, name):
        close = difflib.get_close_matches(name, self.rules, n=1, cutoff=0.8)
        return close[0] if close else None

    def rule_defaults(self):
        return [r.to_rule_default() for r in self.rules.values()]

    def successors_of(self, name):
        """Rules whose DeprecatedRule names ``name`` (inherit its override)."""
        return [r for r in self.rules.values()
                if r.deprecated_rule and r.deprecated_rule.name == name
                and r.name != name]


def known_releases():
    """The Nova releases we ship a catalog for."""
    found = []
    for path in resources.policies_dir().glob('nova-*.yaml'):
        try:
            found.append(int(path.stem.split('-', 1)[1]))
        except ValueError:
            continue
    return sorted(found)


def check_release(release):
    """Return ``release`` as an int, or raise UnknownReleaseError."""
    known = known_releases()
    try:
        value = int(release) if release is not None else DEFAULT_RELEASE
    except (TypeError, ValueError):
        raise exceptions.UnknownReleaseError(release, known) from None
    if value not in known:
        raise exceptions.UnknownReleaseError(release, known)
    return value


@functools.lru_cache(maxsize=None)
def load_catalog(release=DEFAULT_RELEASE):
    """The policy catalog of a Nova major release (cached)."""
    release = check_release(release)
    path = resources.policies_dir() / f'nova-{release}.yaml'
    with open(path, encoding='utf-8') as f:
        data = yaml.load(f, Loader=_LOADER)
    rules = {}
    for name, entry in data['rules'].items():
        deprecated = entry.get('deprecated_rule')
        rules[name] = RuleInfo(
            name=name,
            check_str=entry['check_str'],
            description=entry.get('description') or '',
            operations=tuple((o['method'], o['path'])
                             for o in entry.get('operations') or ()),
            scope_types=tuple(entry.get('scope_types') or ()),
            deprecated_rule=DeprecatedRuleInfo(**deprecated)
            if deprecated else None,
            deprecated_for_removal=entry.get('deprecated_for_removal', False),
            deprecated_reason=entry.get('deprecated_reason'),
            deprecated_since=entry.get('deprecated_since'),
        )
    return Catalog(release=data['release'], nova_version=data['nova_version'],
                   rules=rules)
