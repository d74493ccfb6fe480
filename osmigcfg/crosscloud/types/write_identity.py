"""Keystone and quota writers (admin imports): projects, users, role
assignments, quotas.

Users are created without a password (none was exported): the
destination's operator sets one, or the user signs in through a
federated identity.  Role assignments and quotas are idempotent PUTs.
"""

import logging

from osmigcfg import exceptions
from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.writers import Writer
from osmigcfg.crosscloud.writers import writer

LOG = logging.getLogger(__name__)


def _lookup(conn, collection, name, what):
    found = api.list_json(conn.identity, f'/{collection}', collection,
                          f'list {collection}', {'name': name})
    if not found:
        raise exceptions.CloudRequestError(what, 404, f'no {name!r} in the '
                                           'destination')
    return found[0]['id']


def _domain_id(conn, name):
    return _lookup(conn, 'domains', name or 'Default', 'find domain')


class KeystoneWriter(Writer):
    collection = None
    key = None

    def create_body(self, w, want):
        body = {k: v for k, v in want.items()
                if v is not None and k != 'domain'}
        body['domain_id'] = _domain_id(w.conn, want.get('domain'))
        return body

    def create(self, w, rtype, want, entry):
        body = self.create_body(w, want)
        if 'default_project' in body:
            body['default_project_id'] = body.pop('default_project')
        found = w.send('identity', 'POST', f'/{self.collection}',
                       f'create {self.key}', {self.key: body})
        w.record('created', dst_id=found[self.key]['id'])
        return found[self.key]['id']

    def update(self, w, rtype, dst_id, changed, want, entry):
        body = {k: v for k, v in changed.items() if k != 'domain'}
        if 'default_project' in body:
            body['default_project_id'] = body.pop('default_project')
        if body:
            w.send('identity', 'PATCH', f'/{self.collection}/{dst_id}',
                   f'update {self.key}', {self.key: body})


@writer
class ProjectWriter(KeystoneWriter):
    type, collection, key = 'project', 'projects', 'project'


@writer
class UserWriter(KeystoneWriter):
    type, collection, key = 'user', 'users', 'user'


@writer
class RoleAssignmentWriter(Writer):
    type = 'role_assignment'

    def create(self, w, rtype, want, entry):
        role = _lookup(w.conn, 'roles', want['role'], 'find role')
        w.send('identity', 'PUT', f'/projects/{want["project"]}/users/'
               f'{want["user"]}/roles/{role}', 'assign role')
        return f'{want["user"]}/{want["project"]}/{want["role"]}'

    def update(self, w, rtype, dst_id, changed, want, entry):
        self.create(w, rtype, want, entry)


@writer
class QuotaWriter(Writer):
    type = 'quota'

    def create(self, w, rtype, want, entry):
        self.update(w, rtype, want['project'],
                    {k: want.get(k) for k in ('network', 'volume')},
                    want, entry)
        return want['project']

    def update(self, w, rtype, dst_id, changed, want, entry):
        project = want['project']
        if changed.get('network'):
            w.send('network', 'PUT', f'/quotas/{project}', 'set network '
                   'quota', {'quota': changed['network']})
        if changed.get('volume'):
            w.send('block_storage', 'PUT', f'/os-quota-sets/{project}',
                   'set volume quota', {'quota_set': changed['volume']})
