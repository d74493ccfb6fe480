"""Nova resource types: flavors, keypairs, server groups, servers.

Nova is spoken through the migrator's :class:`ComputeSession`
(microversion negotiated once per connection, up to 2.96: flavors embedded
in servers, server group ``policy``/``rules``, keypair types).  Keypairs
carry their *public* key only (Nova never returns a private one after
creation, and a document holding one is refused).  A server refers to its
flavor, image, volumes (the boot volume has ``boot_index: 0``), ports or
networks, security groups, keypair and server group by name-based refs;
the server itself is created by ``cutover``, never by ``import``.
"""

import weakref

from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import ResourceType
from osmigcfg.crosscloud.resources import register
from osmigcfg.migrate import session as session_mod

BOOL, INT, LIST, DICT = (bool,), (int,), (list,), (dict,)
_SESSIONS = weakref.WeakKeyDictionary()


def nova(conn):
    """The (cached) ComputeSession of a connection."""
    found = _SESSIONS.get(conn)
    if found is None:
        found = _SESSIONS[conn] = session_mod.ComputeSession(conn)
    return found


class NovaType(ResourceType):
    """A type served by the compute service."""

    service = 'compute'


def ref_by_name(refs, type_name, name, owner=None):
    """A ref to a resource known by name (Nova gives names, not ids)."""
    if not name:
        return None
    rtype = resources.get_type(type_name)
    found = [r for r in refs.visible(type_name)
             if rtype.source_name(r) == name and (
                 owner is None or rtype.owner(r) in (None, owner))]
    if not found:
        refs.hidden.append((refs.referrer, type_name, name))
        return None
    if refs.mode == 'id':
        return {'ref': type_name, 'id': found[0].get('id')}
    project = refs.project_names.get(rtype.owner(found[0]))
    return model.Ref(type_name, name, project).to_yaml()


@register
class Flavor(NovaType):
    type = 'flavor'
    file = 'flavors.yaml'
    project_scoped = False
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
        flavors = nova(conn).get('/flavors/detail', 'list flavors',
                                 params)['flavors']
        for flavor in flavors:
            if flavor.get('swap') == '':
                flavor['swap'] = 0
        return flavors

    def in_scope(self, raw, scope, refs):
        return True


@register
class Keypair(NovaType):
    type = 'keypair'
    file = 'keypairs.yaml'
    project_scoped = False
    params = (
        Param('name', required=True),
        Param('public_key', required=True, updatable=False),
        Param('type', updatable=False),
    )
    info = ('fingerprint', 'user_id', 'created_at')

    def list_visible(self, conn, scope):
        body = nova(conn).get('/os-keypairs', 'list keypairs')
        # keypairs are known by name (unique per user): the name is the id
        return [dict(k['keypair'], id=k['keypair']['name'])
                for k in body.get('keypairs') or ()]

    def in_scope(self, raw, scope, refs):
        return True

    def owner(self, raw):
        return None


@register
class ServerGroup(NovaType):
    type = 'server_group'
    file = 'server_groups.yaml'
    params = (
        Param('name', required=True),
        Param('policy', required=True, updatable=False),
        Param('rules', DICT, updatable=False),
    )
    info = ('id', 'project_id', 'members')

    def list_visible(self, conn, scope):
        return nova(conn).get('/os-server-groups', 'list server groups')[
            'server_groups']
