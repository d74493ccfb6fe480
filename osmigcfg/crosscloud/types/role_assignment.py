"""The keystone role assignment type: a user's role on a project."""

from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types import keystone


@register
class RoleAssignment(keystone.KeystoneType):
    type = 'role_assignment'
    file = 'role_assignments.yaml'
    nameless = True
    depends_on = ('user', 'project')
    params = (
        Param('user', ref='user', required=True, updatable=False),
        Param('project', ref='project', required=True, updatable=False),
        Param('role', required=True, updatable=False),
    )

    def list_visible(self, conn, scope):
        rows = []
        for a in keystone.assignments(conn):
            user_id, project_id = keystone.user_project(a)
            if user_id:
                rows.append({'user_id': user_id, 'project_id': project_id,
                             'role': a['role']['name'],
                             'user_name': a['user'].get('name'),
                             'project_name': a['scope']['project'].get(
                                 'name')})
        return rows

    def source_name(self, raw):
        return f'{raw["user_name"]}/{raw["project_name"]}/{raw["role"]}'

    def export_params(self, raw, refs):
        return {'user': refs.ref('user', raw['user_id']),
                'project': refs.ref('project', raw['project_id']),
                'role': raw['role']}

    def match_key(self, entry, resolve):
        user, project = (resolve(entry.params.get(k)) for k in
                         ('user', 'project'))
        if not user or not project:
            return None
        return ('assignment', user, project, entry.params.get('role'))

    def dst_keys(self, raw):
        return [('assignment', raw['user_id'], raw['project_id'],
                 raw['role'])]

    def create(self, w, want, entry):
        """An idempotent PUT of the role (found by name)."""
        role = keystone.lookup(w.conn, 'roles', want['role'], 'find role')
        w.send('identity', 'PUT', f'/projects/{want["project"]}/users/'
               f'{want["user"]}/roles/{role}', 'assign role')
        return f'{want["user"]}/{want["project"]}/{want["role"]}'

    def update(self, w, dst_id, changed, want, entry):
        self.create(w, want, entry)
