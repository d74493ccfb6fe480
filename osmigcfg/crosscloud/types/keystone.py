"""What the keystone types share (admin exports and imports only):
domain names, role assignments, lookups by name, the create/update of
projects and users.

:mod:`.project`, :mod:`.user`, :mod:`.role_assignment` and :mod:`.quota`
use it.  Users never carry a password: keystone does not return one, and
a document holding one is refused; they are created without one (the
destination's operator sets one, or the user signs in through a
federated identity).
"""

from osmigcfg import exceptions
from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.resources import ResourceType


def domain_names(conn, refs):
    """``{domain id: name}`` of the source (cached in ``refs``)."""
    return {d['id']: d['name'] for d in refs.cached(
        'domains', lambda: api.list_json(conn.identity, '/domains',
                                         'domains', 'list domains'))}


def assignments(conn):
    """Every role assignment, with names."""
    return api.list_json(conn.identity, '/role_assignments',
                         'role_assignments', 'list role assignments',
                         {'include_names': 'true'})


def user_project(assignment):
    """``(user id, project id)`` of a user-on-project assignment."""
    scope = assignment.get('scope') or {}
    if 'project' not in scope or 'user' not in assignment:
        return None, None
    return assignment['user']['id'], scope['project']['id']


def lookup(conn, collection, name, what):
    """The destination id of a keystone resource known by name."""
    found = api.list_json(conn.identity, f'/{collection}', collection,
                          f'list {collection}', {'name': name})
    if not found:
        raise exceptions.CloudRequestError(what, 404, f'no {name!r} in the '
                                           'destination')
    return found[0]['id']


class KeystoneType(ResourceType):
    """An admin-only identity resource."""

    service = 'identity'
    admin_only = True
    project_scoped = False


class NamedKeystoneType(KeystoneType):
    """A project or user: POST/PATCH ``/<collection>``, in a domain."""

    collection: str | None = None
    key: str | None = None

    def export_params(self, raw, refs):
        params = super().export_params(raw, refs)
        params['domain'] = domain_names(refs.conn, refs).get(
            raw.get('domain_id'), raw.get('domain_id'))
        return params

    def create(self, w, want, entry):
        body = {k: v for k, v in want.items()
                if v is not None and k != 'domain'}
        body['domain_id'] = lookup(w.conn, 'domains',
                                   want.get('domain') or 'Default',
                                   'find domain')
        found = w.send('identity', 'POST', f'/{self.collection}',
                       f'create {self.key}', {self.key: self._api(body)})
        w.record('created', dst_id=found[self.key]['id'])
        return found[self.key]['id']

    def update(self, w, dst_id, changed, want, entry):
        body = {k: v for k, v in changed.items() if k != 'domain'}
        if body:
            w.send('identity', 'PATCH', f'/{self.collection}/{dst_id}',
                   f'update {self.key}', {self.key: self._api(body)})

    def _api(self, body):
        """Document keys as keystone's (``default_project_id``)."""
        params = {p.key: p.api_key for p in self.params}
        return {params.get(k, k): v for k, v in body.items()}
