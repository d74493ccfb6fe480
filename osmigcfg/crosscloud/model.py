"""The cross-cloud document model: versioned documents, entries, refs.

One YAML document per resource type (``networks.yaml`` ...)::

    osmigcfg_crosscloud_version: 1
    type: network
    exported_from: {cloud: src, projects: [demo]}
    resources:
    - source: {name: net1, project: demo, id: 4f1c...}   # identity, keep
      params: {name: net1, mtu: 1450}                     # what is created
      info: {status: ACTIVE}                              # informational
      migration: {}                                       # per-resource knobs

A reference to another resource is a mapping naming its *source*
identity, ``{ref: network, name: net1, project: demo}``: renaming a network
means editing its ``params.name``, and every reference still finds it.
"""

from collections.abc import Mapping
import dataclasses
from typing import Any

VERSION = 1
VERSION_KEY = 'osmigcfg_crosscloud_version'
ENTRY_KEYS = ('source', 'params', 'info', 'migration')
HEADER = """\
# osmigcfg cross-cloud document (format version {version}): one resource type.
# Edit `params` (what the destination gets) and `migration` (knobs).
# `source` is the resource's identity in the source cloud: references
# ({{ref: TYPE, name: ..., project: ...}}) point at it; do not edit it.
# `info` is informational.  Secrets are never exported and are refused.
"""


@dataclasses.dataclass(frozen=True)
class Ref:
    """A name-based reference to a resource's source identity."""

    type: str
    name: str
    project: str | None = None

    def to_yaml(self) -> dict[str, Any]:
        data = {'ref': self.type, 'name': self.name}
        if self.project:
            data['project'] = self.project
        return data

    @classmethod
    def from_yaml(cls, data: Mapping[str, Any]) -> 'Ref':
        return cls(data['ref'], data['name'], data.get('project'))

    def __str__(self):
        where = f' (project {self.project})' if self.project else ''
        return f'{self.type} {self.name!r}{where}'


def is_ref(value):
    """Whether a YAML value is a reference mapping."""
    return isinstance(value, dict) and 'ref' in value


def walk_refs(value, path=()):
    """Yield ``(path, ref mapping)`` for every reference inside ``value``."""
    if is_ref(value):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_refs(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_refs(item, path + (index,))


def map_refs(value, func):
    """A copy of ``value`` with every reference mapping ``r`` as ``func(r)``."""
    if is_ref(value):
        return func(value)
    if isinstance(value, dict):
        return {k: map_refs(v, func) for k, v in value.items()}
    if isinstance(value, list):
        return [map_refs(v, func) for v in value]
    return value


def path_text(path):
    """``('fixed_ips', 0, 'subnet')`` as ``fixed_ips[0].subnet``."""
    text = ''
    for part in path:
        text += f'[{part}]' if isinstance(part, int) else (
            f'.{part}' if text else str(part))
    return text


@dataclasses.dataclass
class Entry:
    """One resource of a document."""

    type: str
    source: dict
    params: dict
    info: dict = dataclasses.field(default_factory=dict)
    migration: dict = dataclasses.field(default_factory=dict)
    file: str | None = None
    line: int | None = None

    @property
    def name(self) -> str | None:
        """The source name (what references use)."""
        return self.source.get('name')

    @property
    def project(self) -> str | None:
        return self.source.get('project')

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.type, self.name, self.project)

    @property
    def dst_name(self) -> str | None:
        """The name the destination resource gets (``params.name``)."""
        return self.params.get('name', self.name)

    @property
    def label(self) -> str:
        return f'{self.type} {self.name}'

    def to_yaml(self) -> dict[str, Any]:
        return {'source': self.source, 'params': self.params,
                'info': self.info, 'migration': self.migration}


@dataclasses.dataclass
class Document:
    """All exported resources of one type."""

    type: str
    entries: list['Entry']
    exported_from: dict = dataclasses.field(default_factory=dict)
    file: str | None = None

    def to_yaml(self) -> dict[str, Any]:
        return {
            VERSION_KEY: VERSION,
            'type': self.type,
            'exported_from': self.exported_from,
            'resources': [e.to_yaml() for e in self.entries],
        }
