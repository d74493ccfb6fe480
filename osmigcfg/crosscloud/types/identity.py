"""Keystone and quota resource types, exported only by admins.

Projects, users, role assignments (user on project) and quotas (network
and volume, each when the cloud has that service) of the exported
projects.  Users never carry a password:
keystone does not return one, and a document holding one is refused.
"""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud import services
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import ResourceType
from osmigcfg.crosscloud.resources import register

BOOL, LIST, DICT = (bool,), (list,), (dict,)
NETWORK_QUOTAS = ('network', 'subnet', 'port', 'router', 'floatingip',
                  'security_group', 'security_group_rule')
VOLUME_QUOTAS = ('volumes', 'gigabytes', 'snapshots', 'backups',
                 'backup_gigabytes', 'per_volume_gigabytes')


def _domain_names(conn, refs):
    return {d['id']: d['name'] for d in refs.cached(
        'domains', lambda: api.list_json(conn.identity, '/domains',
                                         'domains', 'list domains'))}


@register
class Project(ResourceType):
    type = 'project'
    service = 'identity'
    file = 'projects.yaml'
    admin_only = True
    project_scoped = False
    params = (
        Param('name', required=True),
        Param('description'),
        Param('enabled', BOOL),
        Param('domain', updatable=False),
        Param('tags', LIST, unordered=True),
    )
    info = ('id', 'domain_id', 'parent_id')

    def list_visible(self, conn, scope):
        return api.list_json(conn.identity, '/projects', 'projects',
                             'list projects')

    def owner(self, raw):
        return raw['id']

    def export_params(self, raw, refs):
        params = super().export_params(raw, refs)
        params['domain'] = _domain_names(refs.conn, refs).get(
            raw.get('domain_id'), raw.get('domain_id'))
        return params


def _assignments(conn):
    return api.list_json(conn.identity, '/role_assignments',
                         'role_assignments', 'list role assignments',
                         {'include_names': 'true'})


def _user_project(assignment):
    scope = assignment.get('scope') or {}
    if 'project' not in scope or 'user' not in assignment:
        return None, None
    return assignment['user']['id'], scope['project']['id']


@register
class User(ResourceType):
    type = 'user'
    service = 'identity'
    file = 'users.yaml'
    admin_only = True
    project_scoped = False
    depends_on = ('project',)
    params = (
        Param('name', required=True),
        Param('description'),
        Param('email'),
        Param('enabled', BOOL),
        Param('domain', updatable=False),
        Param('default_project', api='default_project_id', ref='project'),
    )
    info = ('id', 'domain_id')

    def list_visible(self, conn, scope):
        return api.list_json(conn.identity, '/users', 'users', 'list users')

    def owner(self, raw):
        return raw.get('default_project_id')

    def in_scope(self, raw, scope, refs):
        assignments = refs.cached('role_assignments',
                                  lambda: _assignments(refs.conn))
        return any(_user_project(a)[0] == raw['id'] and scope.includes(
            _user_project(a)[1]) for a in assignments)

    def export_params(self, raw, refs):
        params = super().export_params(raw, refs)
        params['domain'] = _domain_names(refs.conn, refs).get(
            raw.get('domain_id'), raw.get('domain_id'))
        return params


@register
class RoleAssignment(ResourceType):
    type = 'role_assignment'
    service = 'identity'
    file = 'role_assignments.yaml'
    admin_only = True
    project_scoped = False
    nameless = True
    depends_on = ('user', 'project')
    params = (
        Param('user', ref='user', required=True, updatable=False),
        Param('project', ref='project', required=True, updatable=False),
        Param('role', required=True, updatable=False),
    )

    def list_visible(self, conn, scope):
        rows = []
        for a in _assignments(conn):
            user_id, project_id = _user_project(a)
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


@register
class Quota(ResourceType):
    type = 'quota'
    service = 'identity'
    file = 'quotas.yaml'
    admin_only = True
    project_scoped = False
    nameless = True
    depends_on = ('project',)
    part_services = {'network': 'network', 'volume': 'block-storage'}
    params = (
        Param('project', ref='project', required=True, updatable=False),
        Param('network', DICT),
        Param('volume', DICT),
    )

    def list_visible(self, conn, scope):
        projects = api.list_json(conn.identity, '/projects', 'projects',
                                 'list projects')
        return [self._read(conn, p) for p in projects
                if scope.includes(p['id'])]

    def _read(self, conn, project):
        """A project's quotas, without the parts of absent services."""
        pid = project['id']
        raw = {'project_id': pid, 'name': project['name']}
        absent = services.missing_parts(conn, self)
        if 'network' not in absent:
            net = api.get_json(conn.network, f'/quotas/{pid}',
                               'read network quota')['quota']
            raw['network'] = {k: net[k] for k in NETWORK_QUOTAS if k in net}
        if 'volume' not in absent:
            vol = api.get_json(conn.block_storage, f'/os-quota-sets/{pid}',
                               'read volume quota')['quota_set']
            raw['volume'] = {k: vol[k] for k in VOLUME_QUOTAS if k in vol}
        return raw

    def export_params(self, raw, refs):
        params = {'project': refs.ref('project', raw['project_id'])}
        params.update((k, raw[k]) for k in self.part_services if k in raw)
        return params

    def match_key(self, entry, resolve):
        project = resolve(entry.params.get('project'))
        return ('project', project) if project else None

    def dst_keys(self, raw):
        return [('project', raw['project_id'])]
