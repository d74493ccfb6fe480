"""The policy catalogs: every registered rule of a service release.

The catalogs (``policies/<service>-<release>.yaml``) are generated from the
real wheels by ``policies/regenerate.py``: Nova's, and Neutron's, Cinder's
and Placement's named by the Nova release of the same series (so
``neutron-34.yaml`` is the Neutron that goes with Nova 34; the file records
Neutron's own version).  This module loads them and turns them into
oslo.policy ``RuleDefault`` objects for a real Enforcer.
"""

import dataclasses
import difflib
import functools

import yaml
from oslo_policy import policy as oslo_policy

from osmigcfg import exceptions
from osmigcfg import resources

DEFAULT_RELEASE = 34
#: The services we ship catalogs for.
SERVICES = ('nova', 'neutron', 'cinder', 'placement')
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
    """One service's rules for the release matching Nova ``release``."""

    release: int
    nova_version: str | None  # None in the other services' catalogs
    rules: dict[str, RuleInfo]  # name -> RuleInfo, in the service's order
    service: str = 'nova'
    service_version: str | None = None  # the service's own version
    series: str | None = None  # e.g. '2026.2' (not in Nova's catalogs)

    def __contains__(self, name):
        return name in self.rules

    def get(self, name: str) -> 'RuleInfo | None':
        return self.rules.get(name)

    def require(self, name: str) -> 'RuleInfo':
        """The rule, or UnknownRuleError with a did-you-mean."""
        try:
            return self.rules[name]
        except KeyError:
            raise exceptions.UnknownRuleError(
                name, self.release, self.suggest(name),
                service=self.service) from None

    def suggest(self, name: str) -> str | None:
        close = difflib.get_close_matches(name, self.rules, n=1, cutoff=0.8)
        return close[0] if close else None

    def rule_defaults(self) -> list[oslo_policy.RuleDefault]:
        return [r.to_rule_default() for r in self.rules.values()]

    def successors_of(self, name: str) -> list['RuleInfo']:
        """Rules whose DeprecatedRule names ``name`` (inherit its override)."""
        return [r for r in self.rules.values()
                if r.deprecated_rule and r.deprecated_rule.name == name
                and r.name != name]


def _check_service(service):
    if service not in SERVICES:
        raise exceptions.InputError(
            f'no policy catalogs for service {service!r}',
            hint=f'known services: {", ".join(SERVICES)}')
    return service


def known_releases(service: str = 'nova') -> list[int]:
    """The Nova releases we ship a ``service`` catalog for."""
    found = []
    pattern = f'{_check_service(service)}-*.yaml'
    for path in resources.policies_dir().glob(pattern):
        try:
            found.append(int(path.stem.split('-', 1)[1]))
        except ValueError:
            continue
    return sorted(found)


def check_release(release, service='nova'):
    """Return ``release`` as an int, or raise UnknownReleaseError."""
    known = known_releases(service)
    try:
        value = int(release) if release is not None else DEFAULT_RELEASE
    except (TypeError, ValueError):
        raise exceptions.UnknownReleaseError(
            release, known, service=service) from None
    if value not in known:
        raise exceptions.UnknownReleaseError(release, known, service=service)
    return value


def _rule_info(name, entry):
    deprecated = entry.get('deprecated_rule')
    return RuleInfo(
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


def load_catalog(release: int | str | None = DEFAULT_RELEASE,
                 service: str = 'nova') -> Catalog:
    """The policy catalog of ``service`` for a Nova major release (cached).

    Args:
        release: the Nova major release (the other services' catalogs are
            named by the Nova release of their series).
        service: ``nova`` (default), ``neutron``, ``cinder`` or
            ``placement``.

    Raises:
        InputError: unknown service; UnknownReleaseError: no such catalog.
    """
    return _load(check_release(release, service), service)


@functools.lru_cache(maxsize=None)
def _load(release, service):
    path = resources.policies_dir() / f'{service}-{release}.yaml'
    with open(path, encoding='utf-8') as f:
        data = yaml.load(f, Loader=_LOADER)
    rules = {name: _rule_info(name, entry)
             for name, entry in data['rules'].items()}
    return Catalog(
        release=data['release'], nova_version=data.get('nova_version'),
        rules=rules, service=data.get('service', 'nova'),
        service_version=data.get('service_version', data.get('nova_version')),
        series=data.get('series'))


# tests clear the cache through the public name
load_catalog.cache_clear = _load.cache_clear  # type: ignore[attr-defined]
