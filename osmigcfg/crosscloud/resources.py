"""Declarative resource types and their registry.

A :class:`ResourceType` says, for one kind of cloud resource, which API
fields are recreated in the destination (:class:`Param`: kind, reference,
required, updatable, admin-only), which are only informational (``info``),
which per-resource migration knobs it takes (:class:`Knob`), how to list
it, which types it depends on, which service it lives in, and how it is
created and updated in the destination (``create``/``update``, over a
:class:`~osmigcfg.crosscloud.writing.WriteContext`).  Each type is one
module of :mod:`osmigcfg.crosscloud.types` and registers itself with
:func:`register`; export, validation, plan, import and copy only walk the
registry and ask the type, so adding a field or a type touches that one
module.
"""

import dataclasses
import graphlib
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from osmigcfg.crosscloud.model import Entry
    from osmigcfg.crosscloud.refs import RefBook
    from osmigcfg.crosscloud.writing import WriteContext

#: one resource as the cloud API returns it (JSON)
Raw = dict[str, Any]

#: resource type name -> the registered :class:`ResourceType` instance
REGISTRY: dict[str, 'ResourceType'] = {}
#: the YAML kinds a Param accepts
BOOL, INT, LIST, DICT = (bool,), (int,), (list,), (dict,)


@dataclasses.dataclass(frozen=True)
class Param:
    """One recreated field: its key in ``params`` (and usually the API's)."""

    key: str
    kinds: tuple = (str,)
    api: str | None = None
    ref: str | None = None
    required: bool = False
    updatable: bool = True
    unordered: bool = False
    #: only an admin may set it at create (the plan says so, XCL304)
    admin: bool = False

    @property
    def api_key(self) -> str:
        return self.api or self.key


@dataclasses.dataclass(frozen=True)
class Knob:
    """A per-resource migration knob under ``migration``."""

    name: str
    default: object
    choices: tuple | None = None
    kinds: tuple = (str,)
    help: str = ''


#: the knob of every type with data (``has_data``)
COPY_DATA = Knob('copy_data', True, kinds=(bool,),
                 help='copy the data (false: create the record only)')


@dataclasses.dataclass(frozen=True)
class Scope:
    """Whose resources are exported: some projects, or all (admin)."""

    current_project_id: str
    is_admin: bool
    project_ids: frozenset | None = None

    def includes(self, project_id):
        if self.project_ids is None:
            return True
        return project_id in self.project_ids


class ResourceType:
    """Base of every resource type (subclass it and ``@register`` it)."""

    type: str | None = None
    file: str | None = None
    depends_on: tuple[str, ...] = ()
    admin_only = False
    #: the source name is made up (floating IPs, assignments, quotas)
    nameless = False
    #: lives in a project (its destination twin is looked up there)
    project_scoped = True
    params: tuple[Param, ...] = ()
    info: tuple[str, ...] = ()
    knobs: tuple[Knob, ...] = ()
    #: (service, quota resource) one create consumes, for the plan's check
    quota: tuple[str, str] | None = None
    #: the catalog service type it lives in (a cloud may lack it:
    #: :mod:`~osmigcfg.crosscloud.services`)
    service: str | None = None
    #: ``{params key: service}`` for parts another service holds (a
    #: quota's ``volume`` limits): left out where that service is absent
    part_services: dict[str, str] = {}
    #: an admin cannot create it in another project through the API
    #: (cinder and Nova create in the credential's own project)
    own_project_only = False
    #: its data is copied by ``copy`` (images, volumes, snapshots)
    has_data = False
    #: import items of these types run before this type's items
    after_types: tuple[str, ...] = ()
    #: params an import step of their own writes (a group's rules)
    own_step_params: tuple[str, ...] = ()
    #: ``(Nova policy rule, what it allows)`` an import create needs
    policy_rules: tuple[tuple[str, str], ...] = ()
    #: a field that can carry a create marker (see :mod:`.writing`)
    marker_field: str | None = None

    def list_visible(self, conn: Any, scope: Scope) -> list[Raw]:
        """Every resource of this type the credential sees (API dicts)."""
        raise NotImplementedError

    def owner(self, raw: Raw) -> str | None:
        """The project id owning an API resource."""
        return raw.get('project_id') or raw.get('tenant_id')

    def source_name(self, raw: Raw) -> str:
        """The name references use for this resource."""
        return raw.get('name') or ''

    def tags(self, raw: Raw) -> list[str]:
        return list(raw.get('tags') or ())

    def export_params(self, raw: Raw, refs: 'RefBook') -> dict[str, Any]:
        """``params`` of one API resource; ids become refs through ``refs``."""
        params: dict[str, Any] = {}
        for param in self.params:
            value = raw.get(param.api_key)
            if param.ref and value is not None:
                value = (refs.refs(param.ref, value) if isinstance(value, list)
                         else refs.ref(param.ref, value))
            if value is not None and value != [] or param.required:
                params[param.key] = value
        return params

    def export_info(self, raw: Raw) -> dict[str, Any]:
        """``info`` of one API resource (empty values left out)."""
        return {k: raw[k] for k in self.info
                if raw.get(k) not in (None, '', [], {})}

    def default_knobs(self) -> dict[str, object]:
        return {k.name: k.default for k in self.knobs}

    def export_knobs(self, raw: Raw) -> dict[str, object]:
        """The knobs an exported entry starts with (the defaults)."""
        return self.default_knobs()

    def knob(self, entry: 'Entry', name: str) -> Any:
        """A knob's effective value for an entry."""
        value = entry.migration.get(name)
        return self.default_knobs().get(name) if value is None else value

    def effective_params(self, entry: 'Entry') -> dict[str, Any]:
        """What the destination should hold: params with knobs applied."""
        return dict(entry.params)

    def comparable(self, entry: 'Entry',
                   params: dict[str, Any]) -> dict[str, Any]:
        """The params a plan compares (a knob may exclude some)."""
        return params

    def param(self, key: str) -> Param | None:
        return next((p for p in self.params if p.key == key), None)

    def match_key(self, entry: 'Entry',
                  resolve: Callable[[Any], str | None]
                  ) -> tuple[str, Any] | None:
        """What finds an entry's resource in the destination.

        ``resolve(ref)`` gives a reference's destination id (or None).
        The default is the destination name; None means "cannot be
        matched" (the plan then creates it).
        """
        name = entry.params.get('name')
        return ('name', name) if name else None

    def dst_keys(self, raw: Raw) -> list[tuple[str, Any]]:
        """Every identity key of a destination API resource."""
        return [('name', raw['name'])] if raw.get('name') else []

    def in_scope(self, raw: Raw, scope: Scope, refs: 'RefBook') -> bool:
        """Whether an API resource belongs to the exported projects."""
        return scope.includes(self.owner(raw))

    def quota_need(self, want: dict[str, Any]
                   ) -> list[tuple[tuple[str, str], int]]:
        """``[((service, quota resource), count)]`` one create consumes."""
        return [(self.quota, 1)] if self.quota else []

    def deferred_by(self, entry: 'Entry') -> str | None:
        """Why a create waits for a later command (None: import makes it)."""
        return None

    def create(self, w: 'WriteContext', want: dict[str, Any],
               entry: 'Entry') -> str:
        """Create the resource from ``want`` (refs resolved to ids);
        return its destination id."""
        raise NotImplementedError

    def update(self, w: 'WriteContext', dst_id: str,
               changed: dict[str, Any], want: dict[str, Any],
               entry: 'Entry | None') -> None:
        """Change the fields in ``changed`` (``{key: wanted value}``)."""
        raise NotImplementedError

    def find_marked(self, w: 'WriteContext', marker: str) -> str | None:
        """The id of a resource carrying a create ``marker`` (or None)."""
        return None

    def clear_marker(self, w: 'WriteContext', dst_id: str,
                     want: dict[str, Any]) -> None:
        """Give the marked field its wanted value."""
        field = self.marker_field
        if field is None:
            raise NotImplementedError(f'{self.type} carries no create marker')
        self.update(w, dst_id, {field: want.get(field) or ''}, want, None)


def register(cls: type[ResourceType]) -> type[ResourceType]:
    """Class decorator: add a resource type to the registry."""
    instance = cls()
    if instance.type is None:
        raise ValueError(f'{cls.__name__} names no resource type')
    if instance.type in REGISTRY:
        raise ValueError(f'resource type {instance.type} registered twice')
    REGISTRY[instance.type] = instance
    return cls


def known_types():
    return sorted(REGISTRY)


def get_type(name):
    """The registered ResourceType ``name`` (KeyError if unknown)."""
    return REGISTRY[name]


def ordered_types(names: Iterable[str] | None = None) -> list[str]:
    """Type names in dependency order (a type after those it refers to)."""
    names = set(REGISTRY if names is None else names)
    graph = {n: {d for d in REGISTRY[n].depends_on if d in names}
             for n in sorted(names)}
    return list(graphlib.TopologicalSorter(graph).static_order())
