"""The keystone project type."""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.resources import BOOL
from osmigcfg.crosscloud.resources import LIST
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types.keystone import NamedKeystoneType


@register
class Project(NamedKeystoneType):
    type = 'project'
    file = 'projects.yaml'
    collection, key = 'projects', 'project'
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
