"""Paired reference resolvers: source id → name ref, name ref → dest id.

Export side, :class:`RefBook` (``mode='name'``) turns the ids an API
resource holds into name-based refs, from what the credential sees in the
source cloud (ids it cannot see are recorded as ``hidden``).  Plan side,
:class:`Resolver` turns a document's ref back into a destination id: the
ref names a source identity; if the documents hold that resource, its
*destination* name (``params.name``, possibly edited) is looked up in the
destination, else the ref's own name is.  The same :class:`RefBook` in
``mode='id'`` renders destination resources with ``{ref, id}`` so that a
document's params and a destination resource compare field by field.
"""

import dataclasses

from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import services

EXISTS, PLANNED, MISSING, AMBIGUOUS = 'exists', 'planned', 'missing', 'ambiguous'


class RefBook:
    """Listings of one cloud, and id → ref rendering over them."""

    def __init__(self, conn, scope, project_names=None, mode='name'):
        self.conn = conn
        self.scope = scope
        self.project_names = dict(project_names or {})
        self.mode = mode
        self.hidden = []  # (referring label, type, id)
        self.referrer = None
        self._cache = {}

    def cached(self, key, func):
        """``func()`` once per key (listings, domains, assignments)."""
        if key not in self._cache:
            self._cache[key] = func()
        return self._cache[key]

    def forget(self, type_name):
        """Drop a type's cached listing (it changed)."""
        for key in (('list', type_name), ('ids', type_name)):
            self._cache.pop(key, None)

    def visible(self, type_name):
        """What the credential sees of a type (API dicts, cached); none
        when the cloud has no service for the type."""
        rtype = resources.get_type(type_name)
        if services.missing_service(self.conn, rtype):
            return []
        return self.cached(('list', type_name),
                           lambda: rtype.list_visible(self.conn, self.scope))

    def by_id(self, type_name):
        return self.cached(('ids', type_name), lambda: {
            r.get('id') or r.get('project_id'): r
            for r in self.visible(type_name)})

    def ref(self, type_name, resource_id):
        """A ref to a resource by id, or None (recorded) if not visible."""
        if self.mode == 'id':
            return {'ref': type_name, 'id': resource_id}
        raw = self.by_id(type_name).get(resource_id)
        if raw is None:
            self.hidden.append((self.referrer, type_name, resource_id))
            return None
        rtype = resources.get_type(type_name)
        project = self.project_names.get(rtype.owner(raw))
        return model.Ref(type_name, rtype.source_name(raw),
                         project).to_yaml()

    def refs(self, type_name, ids):
        return [r for r in (self.ref(type_name, i) for i in ids) if r]


@dataclasses.dataclass
class Resolution:
    """Where a ref leads in the destination."""

    status: str
    dst_id: str | None = None
    entry: object = None
    dst_name: str | None = None


class Resolver:
    """Resolve document refs against the documents and the destination."""

    def __init__(self, entries, dst_book, dst_project_id, dst_projects=None,
                 known_ids=None):
        self.dst = dst_book
        self.dst_project_id = dst_project_id
        #: {(type, source id): destination id} an import recorded; it wins
        #: over matching by name (renamed or nameless resources)
        self.known_ids = dict(known_ids or {})
        #: destination project name -> id; given for admins, whose entries
        #: go to the project of their source project's name
        self.dst_projects = dst_projects
        self._entries = {}
        for entry in entries:
            self._entries.setdefault((entry.type, entry.name), []).append(
                entry)
        self._keys = {}
        self._resolving = set()

    def forget(self, type_name):
        """Forget what the destination held of a type (it changed)."""
        self.dst.forget(type_name)
        self._keys.pop(type_name, None)

    def dst_index(self, type_name):
        """Destination resources of a type by every identity key."""
        if type_name not in self._keys:
            rtype = resources.get_type(type_name)
            index = {}
            for raw in self.dst.visible(type_name):
                for key in rtype.dst_keys(raw):
                    index.setdefault(key, []).append(raw)
            self._keys[type_name] = index
        return self._keys[type_name]

    def _prefer_own(self, type_name, found):
        if len(found) > 1:
            rtype = resources.get_type(type_name)
            own = [r for r in found if rtype.owner(r) == self.dst_project_id]
            found = own or found
        return found

    def target_project(self, entry):
        """The destination project id an entry goes to (None: not yet)."""
        if self.dst_projects is None:
            return self.dst_project_id
        return self.dst_projects.get(entry.project)

    def existing(self, entry):
        """Destination resources matching an entry (by its match key)."""
        rtype = resources.get_type(entry.type)
        known = self.known_ids.get((entry.type, entry.source.get('id')))
        if known:
            return [r for r in self.dst.visible(entry.type)
                    if r.get('id') == known]
        key = rtype.match_key(entry, self.dst_id)
        if key is None:
            return []
        found = self.dst_index(entry.type).get(key, [])
        if rtype.project_scoped:
            target = self.target_project(entry)
            found = [r for r in found if rtype.owner(r) == target]
        return found

    def entry_for(self, ref):
        """The document entry a ref names (None, or a list if ambiguous)."""
        found = self._entries.get((ref.get('ref'), ref.get('name')), [])
        if ref.get('project'):
            found = [e for e in found if e.project in (None, ref['project'])]
        return found

    def resolve(self, ref):
        """A :class:`Resolution` for a ref mapping."""
        marker = (ref.get('ref'), ref.get('name'), ref.get('project'))
        if marker in self._resolving:  # a self-reference: will exist
            return Resolution(PLANNED)
        self._resolving.add(marker)
        try:
            return self._resolve(ref)
        finally:
            self._resolving.discard(marker)

    def _resolve(self, ref):
        entries = self.entry_for(ref)
        if len(entries) > 1:
            return Resolution(AMBIGUOUS)
        if entries:
            entry = entries[0]
            found = self.existing(entry)
            if len(found) > 1:
                return Resolution(AMBIGUOUS, entry=entry)
            if found:
                return Resolution(EXISTS, found[0].get('id'), entry,
                                  entry.dst_name)
            return Resolution(PLANNED, entry=entry, dst_name=entry.dst_name)
        found = self._prefer_own(ref['ref'], self.dst_index(ref['ref']).get(
            ('name', ref.get('name')), []))
        if len(found) > 1:
            return Resolution(AMBIGUOUS)
        if found:
            return Resolution(EXISTS, found[0].get('id'),
                              dst_name=ref.get('name'))
        return Resolution(MISSING)

    def dst_id(self, ref):
        """A ref's destination id, or None (not there yet, or unknown)."""
        return self.resolve(ref).dst_id if ref else None
