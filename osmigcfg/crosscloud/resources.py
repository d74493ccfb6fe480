"""Declarative resource types and their registry.

A :class:`ResourceType` says, for one kind of cloud resource, which API
fields are recreated in the destination (:class:`Param`: kind, reference,
required, updatable), which are only informational (``info``), which
per-resource migration knobs it takes (:class:`Knob`), how to list it and
which types it depends on.  Types register themselves with
:func:`register`; export, validation and plan only walk the registry, so
new types (Nova's flavors, keypairs, server groups, servers) slot in by
adding one module of declarations.
"""

import dataclasses
import graphlib

REGISTRY = {}


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

    @property
    def api_key(self):
        return self.api or self.key


@dataclasses.dataclass(frozen=True)
class Knob:
    """A per-resource migration knob under ``migration``."""

    name: str
    default: object
    choices: tuple | None = None
    kinds: tuple = (str,)
    help: str = ''


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

    type = None
    file = None
    depends_on = ()
    admin_only = False
    #: the source name is made up (floating IPs, assignments, quotas)
    nameless = False
    #: lives in a project (its destination twin is looked up there)
    project_scoped = True
    params = ()
    info = ()
    knobs = ()
    #: (service, quota resource) one create consumes, for the plan's check
    quota = None
    #: the catalog service type it lives in (a cloud may lack it:
    #: :mod:`~osmigcfg.crosscloud.services`)
    service = None
    #: ``{params key: service}`` for parts another service holds (a
    #: quota's ``volume`` limits): left out where that service is absent
    part_services = {}

    def list_visible(self, conn, scope):
        """Every resource of this type the credential sees (API dicts)."""
        raise NotImplementedError

    def owner(self, raw):
        """The project id owning an API resource."""
        return raw.get('project_id') or raw.get('tenant_id')

    def source_name(self, raw):
        """The name references use for this resource."""
        return raw.get('name') or ''

    def tags(self, raw):
        return list(raw.get('tags') or ())

    def export_params(self, raw, refs):
        """``params`` of one API resource; ids become refs through ``refs``."""
        params = {}
        for param in self.params:
            value = raw.get(param.api_key)
            if param.ref and value is not None:
                value = (refs.refs(param.ref, value) if isinstance(value, list)
                         else refs.ref(param.ref, value))
            if value is not None and value != [] or param.required:
                params[param.key] = value
        return params

    def export_info(self, raw):
        """``info`` of one API resource (empty values left out)."""
        return {k: raw[k] for k in self.info
                if raw.get(k) not in (None, '', [], {})}

    def default_knobs(self):
        return {k.name: k.default for k in self.knobs}

    def knob(self, entry, name):
        """A knob's effective value for an entry."""
        value = entry.migration.get(name)
        return self.default_knobs().get(name) if value is None else value

    def effective_params(self, entry):
        """What the destination should hold: params with knobs applied."""
        return dict(entry.params)

    def comparable(self, entry, params):
        """The params a plan compares (a knob may exclude some)."""
        return params

    def param(self, key):
        return next((p for p in self.params if p.key == key), None)

    def match_key(self, entry, resolve):
        """What finds an entry's resource in the destination.

        ``resolve(ref)`` gives a reference's destination id (or None).
        The default is the destination name; None means "cannot be
        matched" (the plan then creates it).
        """
        name = entry.params.get('name')
        return ('name', name) if name else None

    def dst_keys(self, raw):
        """Every identity key of a destination API resource."""
        return [('name', raw['name'])] if raw.get('name') else []

    def in_scope(self, raw, scope, refs):
        """Whether an API resource belongs to the exported projects."""
        return scope.includes(self.owner(raw))


def register(cls):
    """Class decorator: add a resource type to the registry."""
    instance = cls()
    if instance.type in REGISTRY:
        raise ValueError(f'resource type {instance.type} registered twice')
    REGISTRY[instance.type] = instance
    return cls


def known_types():
    return sorted(REGISTRY)


def get_type(name):
    """The registered ResourceType ``name`` (KeyError if unknown)."""
    return REGISTRY[name]


def ordered_types(names=None):
    """Type names in dependency order (a type after those it refers to)."""
    names = set(REGISTRY if names is None else names)
    graph = {n: {d for d in REGISTRY[n].depends_on if d in names}
             for n in sorted(names)}
    return list(graphlib.TopologicalSorter(graph).static_order())
