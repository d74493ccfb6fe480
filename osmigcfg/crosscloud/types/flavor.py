"""The Nova flavor type (created by admins only)."""

from osmigcfg.crosscloud.resources import BOOL
from osmigcfg.crosscloud.resources import DICT
from osmigcfg.crosscloud.resources import INT
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types import nova
from osmigcfg.crosscloud.writing import body_of


@register
class Flavor(nova.NovaType):
    type = 'flavor'
    file = 'flavors.yaml'
    project_scoped = False
    policy_rules = (
        ('os_compute_api:os-flavor-manage:create', 'create flavors'),
        ('os_compute_api:os-flavor-extra-specs:create',
         'set flavor extra specs'))
    params = (
        Param('name', required=True),
        Param('ram', INT, required=True, updatable=False),
        Param('vcpus', INT, required=True, updatable=False),
        Param('disk', INT, updatable=False),
        Param('ephemeral', INT, api='OS-FLV-EXT-DATA:ephemeral',
              updatable=False),
        Param('swap', INT, updatable=False),
        Param('is_public', BOOL, api='os-flavor-access:is_public',
              updatable=False),
        Param('description'),
        Param('extra_specs', DICT),
    )
    info = ('id', 'rxtx_factor')

    def list_visible(self, conn, scope):
        params = {'is_public': 'None'} if scope.is_admin else None
        flavors = nova.session(conn).get('/flavors/detail', 'list flavors',
                                         params)['flavors']
        for flavor in flavors:
            if flavor.get('swap') == '':
                flavor['swap'] = 0
        return flavors

    def in_scope(self, raw, scope, refs):
        return True

    def create(self, w, want, entry):
        body = body_of(self, want, ('extra_specs',))
        flavor = nova.write(w, 'POST', '/flavors', 'create flavor',
                            {'flavor': body})['flavor']
        w.record('created', dst_id=flavor['id'])
        if want.get('extra_specs'):
            self._set_extra_specs(w, flavor['id'], want['extra_specs'])
        return flavor['id']

    def update(self, w, dst_id, changed, want, entry):
        if 'description' in changed:
            nova.write(w, 'PUT', f'/flavors/{dst_id}', 'update flavor',
                       {'flavor': {'description': changed['description']}})
        if changed.get('extra_specs'):
            self._set_extra_specs(w, dst_id, changed['extra_specs'])

    @staticmethod
    def _set_extra_specs(w, flavor_id, extra_specs):
        nova.write(w, 'POST', f'/flavors/{flavor_id}/os-extra_specs',
                   'set flavor extra specs', {'extra_specs': extra_specs})
