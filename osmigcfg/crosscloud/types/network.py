"""The neutron network type."""

from osmigcfg.crosscloud.resources import BOOL
from osmigcfg.crosscloud.resources import INT
from osmigcfg.crosscloud.resources import LIST
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types.neutron import NeutronType
from osmigcfg.crosscloud.types.neutron import tags_param


@register
class Network(NeutronType):
    type = 'network'
    file = 'networks.yaml'
    collection, key = 'networks', 'network'
    depends_on = ('project',)
    quota = ('network', 'network')
    params = (
        Param('name', required=True),
        Param('description'),
        Param('admin_state_up', BOOL),
        Param('mtu', INT),
        Param('port_security_enabled', BOOL),
        Param('shared', BOOL, admin=True),
        Param('router:external', BOOL, admin=True),
        Param('provider:network_type', updatable=False, admin=True),
        Param('provider:physical_network', updatable=False, admin=True),
        Param('provider:segmentation_id', INT, updatable=False, admin=True),
        Param('availability_zone_hints', LIST, unordered=True),
        Param('dns_domain'),
        tags_param(),
    )
    info = ('id', 'status', 'project_id', 'availability_zones', 'created_at')
