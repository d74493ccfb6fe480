"""The keystone user type (never a password)."""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.resources import BOOL
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types import keystone


@register
class User(keystone.NamedKeystoneType):
    type = 'user'
    file = 'users.yaml'
    collection, key = 'users', 'user'
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
        """A user with a role on one of the exported projects."""
        found = refs.cached('role_assignments',
                            lambda: keystone.assignments(refs.conn))
        return any(keystone.user_project(a)[0] == raw['id'] and
                   scope.includes(keystone.user_project(a)[1])
                   for a in found)
