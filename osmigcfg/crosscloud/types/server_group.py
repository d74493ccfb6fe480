"""The Nova server group type (its members join it at cutover)."""

from osmigcfg.crosscloud.resources import DICT
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types import nova


@register
class ServerGroup(nova.NovaType):
    type = 'server_group'
    file = 'server_groups.yaml'
    own_project_only = True
    policy_rules = (('os_compute_api:os-server-groups:create',
                     'create server groups'),)
    params = (
        Param('name', required=True),
        Param('policy', required=True, updatable=False),
        Param('rules', DICT, updatable=False),
    )
    info = ('id', 'project_id', 'members')

    def list_visible(self, conn, scope):
        return nova.session(conn).get('/os-server-groups',
                                      'list server groups')['server_groups']

    def create(self, w, want, entry):
        body = {k: v for k, v in want.items() if v is not None}
        group = nova.write(w, 'POST', '/os-server-groups',
                           'create server group',
                           {'server_group': body})['server_group']
        w.record('created', dst_id=group['id'])
        return group['id']

    def update(self, w, dst_id, changed, want, entry):
        """Server groups cannot change; the plan reports differences."""
