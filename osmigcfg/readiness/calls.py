"""What each kind of migration asks of the other services, and as whom.

``policies/migration-calls-nova-<release>.yaml`` is derived from that Nova
release's source: every service call a migration makes (Neutron port
bindings, Cinder attachments, Placement allocations, Nova's own API and the
external events Neutron sends back), the policy rules of the target service
that guard it, the identity that makes it, the kinds of migration that make
it, and the Nova functions it comes from.  This module loads the table as
typed records; ``nova_source`` checks the cited functions.
"""

import dataclasses
import functools

import yaml

from osmigcfg import exceptions
from osmigcfg import resources
from osmigcfg.policy import catalog

CALLS_VERSION = 1
SERVICES = catalog.SERVICES

#: The kinds of migration, in the order we show them.
KINDS = ('cold', 'live', 'live_block', 'live_volumes', 'host_targeted',
         'evacuate')

_PREFIX = 'migration-calls-nova-'


@dataclasses.dataclass(frozen=True)
class SourceRef:
    """A Nova function and code fragments it must contain."""

    module: str       # e.g. 'nova.network.neutron'
    qualname: str     # e.g. 'API.bind_ports_to_host'
    contains: tuple   # fragments of ast.unparse(function), no comments

    def __str__(self):
        return f'{self.module}:{self.qualname}'


@dataclasses.dataclass(frozen=True)
class Identity:
    """Who makes a call: whose token, from which configuration."""

    name: str
    description: str
    config: str
    service_token: bool  # Nova's [service_user] token is sent along
    evidence: tuple      # SourceRef, ...


@dataclasses.dataclass(frozen=True)
class ServiceCall:
    """One call a migration makes to a service, guarded by its rules."""

    id: str
    service: str         # the target: nova, neutron, cinder, placement
    rules: tuple         # the target service's policy rule names
    request: str         # method and path, for people
    identity: Identity
    kinds: frozenset     # subset of KINDS
    when: str            # the condition under which Nova makes it
    evidence: tuple      # SourceRef, ...


@dataclasses.dataclass(frozen=True)
class CallTable:
    """The calls of every migration kind, derived from one Nova release."""

    nova_release: int
    nova_version: str
    kinds: dict          # kind -> description, in KINDS order
    identities: dict     # name -> Identity
    calls: tuple         # ServiceCall, in the file's order

    def for_kind(self, kind):
        """The calls a kind of migration makes (ValueError if unknown)."""
        if kind not in self.kinds:
            raise ValueError(f'unknown migration kind {kind!r}')
        return tuple(c for c in self.calls if kind in c.kinds)

    def rules_by_service(self):
        """service -> the set of rule names the table needs there."""
        out = {}
        for call in self.calls:
            out.setdefault(call.service, set()).update(call.rules)
        return out


def known_releases():
    """The Nova releases we ship a call table for."""
    found = []
    for path in resources.policies_dir().glob(f'{_PREFIX}*.yaml'):
        suffix = path.stem[len(_PREFIX):]
        if suffix.isdigit():
            found.append(int(suffix))
    return sorted(found)


def load_calls(release=catalog.DEFAULT_RELEASE):
    """The call table derived from a Nova release (cached).

    Raises:
        UnknownReleaseError: no table for that release.
        DataFileError: the shipped file is malformed (names the entry).
    """
    known = known_releases()
    try:
        value = int(release)
    except (TypeError, ValueError):
        raise exceptions.UnknownReleaseError(
            release, known, what='migration call table') from None
    if value not in known:
        raise exceptions.UnknownReleaseError(
            release, known, what='migration call table')
    return _load(value)


@functools.lru_cache(maxsize=None)
def _load(release):
    path = resources.policies_dir() / f'{_PREFIX}{release}.yaml'
    with open(path, encoding='utf-8') as f:
        data = yaml.safe_load(f)
    return parse_table(data, where=path.name)


def parse_table(data, *, where):
    """A :class:`CallTable` from the parsed YAML document ``data``."""
    try:
        if data.get('calls_version') != CALLS_VERSION:
            raise ValueError(f'calls_version must be {CALLS_VERSION}')
        kinds = data['kinds']
        if tuple(kinds) != KINDS:
            raise ValueError(f'kinds must be {", ".join(KINDS)}')
        identities = {name: _identity(name, entry)
                      for name, entry in data['identities'].items()}
        calls = tuple(_call(entry, identities) for entry in data['calls'])
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise exceptions.DataFileError(
            where, str(e), hint='fix the entry named (derive it from '
            'Nova\'s source)') from None
    ids = [c.id for c in calls]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise exceptions.DataFileError(where, f'duplicate ids {dupes}')
    return CallTable(nova_release=int(data['nova_release']),
                     nova_version=str(data['nova_version']),
                     kinds=dict(kinds), identities=identities, calls=calls)


def _refs(entries):
    refs = []
    for entry in entries:
        module, _, qualname = entry['function'].partition(':')
        if not qualname or not entry['contains']:
            raise ValueError(f'{entry["function"]!r}: want module:function '
                             'and at least one fragment in contains')
        refs.append(SourceRef(module, qualname,
                              tuple(str(c) for c in entry['contains'])))
    return tuple(refs)


def _identity(name, entry):
    description = ' '.join(entry['description'].split())
    return Identity(name=name, description=description,
                    config=entry['config'],
                    service_token=bool(entry['service_token']),
                    evidence=_refs(entry['evidence']))


def _call(entry, identities):
    cid = entry['id']
    service = entry['service']
    kinds = frozenset(entry['kinds'])
    problems = []
    if service not in SERVICES:
        problems.append(f'unknown service {service!r}')
    if not kinds or not kinds <= set(KINDS):
        problems.append(f'kinds {sorted(kinds - set(KINDS))} unknown')
    if entry['as'] not in identities:
        problems.append(f'unknown identity {entry["as"]!r}')
    if not entry['rules']:
        problems.append('no rules')
    if problems:
        raise ValueError(f'call {cid!r}: ' + '; '.join(problems))
    return ServiceCall(
        id=cid, service=service, rules=tuple(entry['rules']),
        request=entry['request'], identity=identities[entry['as']],
        kinds=kinds, when=' '.join(str(entry.get('when', 'always')).split()),
        evidence=_refs(entry['evidence']))
