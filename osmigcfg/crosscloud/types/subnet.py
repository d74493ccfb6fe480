"""The neutron subnet type."""

from osmigcfg.crosscloud.resources import BOOL
from osmigcfg.crosscloud.resources import INT
from osmigcfg.crosscloud.resources import LIST
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types.neutron import NeutronType
from osmigcfg.crosscloud.types.neutron import tags_param


@register
class Subnet(NeutronType):
    type = 'subnet'
    file = 'subnets.yaml'
    collection, key = 'subnets', 'subnet'
    depends_on = ('network',)
    quota = ('network', 'subnet')
    params = (
        Param('name', required=True),
        Param('description'),
        Param('network', api='network_id', ref='network', required=True,
              updatable=False),
        Param('cidr', required=True, updatable=False),
        Param('ip_version', INT, required=True, updatable=False),
        Param('gateway_ip'),
        Param('enable_dhcp', BOOL),
        Param('allocation_pools', LIST, unordered=True),
        Param('dns_nameservers', LIST),
        Param('host_routes', LIST, unordered=True),
        Param('ipv6_ra_mode', updatable=False),
        Param('ipv6_address_mode', updatable=False),
        tags_param(),
    )
    info = ('id', 'project_id', 'subnetpool_id', 'created_at')
