"""Neutron resource types: networks, subnets, routers, security groups,
ports and floating IPs.

Fields keep neutron's API names.  Router interfaces and gateway, security
group rules and port fixed IPs are nested in their owner's ``params``,
with references instead of ids.  Ports neutron makes itself (router
interfaces, DHCP, gateways, floating IPs: ``device_owner`` ``network:*``)
are not exported.
"""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.resources import Knob
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import ResourceType
from osmigcfg.crosscloud.resources import register

BOOL, INT, LIST, DICT = (bool,), (int,), (list,), (dict,)


def _list(conn, path, key):
    return api.list_json(conn.network, path, key, f'list {key}')


def _tags():
    return Param('tags', LIST, unordered=True)


@register
class Network(ResourceType):
    type = 'network'
    service = 'network'
    file = 'networks.yaml'
    depends_on = ('project',)
    quota = ('network', 'network')
    params = (
        Param('name', required=True),
        Param('description'),
        Param('admin_state_up', BOOL),
        Param('mtu', INT),
        Param('port_security_enabled', BOOL),
        Param('shared', BOOL),
        Param('router:external', BOOL),
        Param('provider:network_type', updatable=False),
        Param('provider:physical_network', updatable=False),
        Param('provider:segmentation_id', INT, updatable=False),
        Param('availability_zone_hints', LIST, unordered=True),
        Param('dns_domain'),
        _tags(),
    )
    info = ('id', 'status', 'project_id', 'availability_zones', 'created_at')

    def list_visible(self, conn, scope):
        return _list(conn, '/networks', 'networks')


@register
class Subnet(ResourceType):
    type = 'subnet'
    service = 'network'
    file = 'subnets.yaml'
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
        _tags(),
    )
    info = ('id', 'project_id', 'subnetpool_id', 'created_at')

    def list_visible(self, conn, scope):
        return _list(conn, '/subnets', 'subnets')


def _is_service_port(raw):
    return (raw.get('device_owner') or '').startswith('network:')


def all_ports(book):
    """Every port the credential sees, neutron's own included (cached)."""
    return book.cached('ports:all', lambda: _list(book.conn, '/ports',
                                                  'ports'))


@register
class Router(ResourceType):
    type = 'router'
    service = 'network'
    file = 'routers.yaml'
    depends_on = ('network', 'subnet')
    quota = ('network', 'router')
    params = (
        Param('name', required=True),
        Param('description'),
        Param('admin_state_up', BOOL),
        Param('external_gateway', DICT),
        Param('interfaces', LIST, unordered=True),
        Param('routes', LIST, unordered=True),
        _tags(),
    )
    info = ('id', 'status', 'project_id', 'external_gateway_info',
            'created_at')

    def list_visible(self, conn, scope):
        return _list(conn, '/routers', 'routers')

    def export_params(self, raw, refs):
        """Add the gateway network and the interfaces (from its ports)."""
        params = super().export_params(raw, refs)
        gateway = raw.get('external_gateway_info') or {}
        if gateway.get('network_id'):
            params['external_gateway'] = {
                'network': refs.ref('network', gateway['network_id'])}
        interfaces = []
        for port in all_ports(refs):
            if (port.get('device_id') == raw['id'] and port.get(
                    'device_owner', '').startswith('network:router_interface')):
                for fixed in port.get('fixed_ips') or ():
                    interfaces.append({
                        'subnet': refs.ref('subnet', fixed['subnet_id']),
                        'ip_address': fixed['ip_address']})
        if interfaces:
            params['interfaces'] = sorted(
                interfaces, key=lambda i: i['ip_address'])
        return params


def _rule_params(rule, refs):
    data = {key: rule.get(key) for key in (
        'direction', 'ethertype', 'protocol', 'port_range_min',
        'port_range_max', 'remote_ip_prefix', 'description')}
    if rule.get('remote_group_id'):
        data['remote_group'] = refs.ref('security_group',
                                        rule['remote_group_id'])
    return {k: v for k, v in data.items() if v not in (None, '')}


@register
class SecurityGroup(ResourceType):
    type = 'security_group'
    service = 'network'
    file = 'security_groups.yaml'
    depends_on = ('project',)
    quota = ('network', 'security_group')
    params = (
        Param('name', required=True),
        Param('description'),
        Param('stateful', BOOL),
        Param('rules', LIST, unordered=True),
        _tags(),
    )
    info = ('id', 'project_id', 'created_at')

    def list_visible(self, conn, scope):
        return _list(conn, '/security-groups', 'security_groups')

    def export_params(self, raw, refs):
        params = super().export_params(raw, refs)
        params['rules'] = sorted(
            (_rule_params(r, refs) for r in raw.get(
                'security_group_rules') or ()),
            key=lambda r: sorted((k, str(v)) for k, v in r.items()))
        return params


@register
class Port(ResourceType):
    type = 'port'
    service = 'network'
    file = 'ports.yaml'
    depends_on = ('network', 'subnet', 'security_group')
    quota = ('network', 'port')
    params = (
        Param('name'),
        Param('description'),
        Param('network', api='network_id', ref='network', required=True,
              updatable=False),
        Param('fixed_ips', LIST, unordered=True),
        Param('mac_address', updatable=False),
        Param('security_groups', LIST, ref='security_group', unordered=True),
        Param('admin_state_up', BOOL),
        Param('port_security_enabled', BOOL),
        Param('allowed_address_pairs', LIST, unordered=True),
        Param('binding:vnic_type', updatable=False),
        Param('dns_name'),
        _tags(),
    )
    info = ('id', 'status', 'project_id', 'device_owner', 'device_id',
            'binding:host_id', 'created_at')
    knobs = (
        Knob('keep_mac', True, kinds=(bool,),
             help='create the port with the source MAC address'),
        Knob('keep_fixed_ips', True, kinds=(bool,),
             help='create the port with the source fixed IPs'),
    )

    def list_visible(self, conn, scope):
        return [p for p in _list(conn, '/ports', 'ports')
                if not _is_service_port(p)]

    def source_name(self, raw):
        # server ports are often nameless: their MAC names them
        return raw.get('name') or raw.get('mac_address') or ''

    def export_params(self, raw, refs):
        params = super().export_params(raw, refs)
        params['fixed_ips'] = [
            {'subnet': refs.ref('subnet', f['subnet_id']),
             'ip_address': f['ip_address']}
            for f in raw.get('fixed_ips') or ()]
        return params

    def comparable(self, entry, params):
        """Leave out the MAC / the IPs when the knobs do not keep them."""
        params = dict(params)
        if not self.knob(entry, 'keep_mac'):
            params.pop('mac_address', None)
        if not self.knob(entry, 'keep_fixed_ips') and params.get('fixed_ips'):
            params['fixed_ips'] = [{'subnet': f.get('subnet')}
                                   for f in params['fixed_ips']]
        return params

    def match_key(self, entry, resolve):
        """By name; a nameless port by its MAC when the MAC is kept."""
        if entry.params.get('name'):
            return ('name', entry.params['name'])
        if self.knob(entry, 'keep_mac') and entry.params.get('mac_address'):
            return ('mac', entry.params['mac_address'])
        return None

    def dst_keys(self, raw):
        keys = [('mac', raw.get('mac_address'))]
        return keys + ([('name', raw['name'])] if raw.get('name') else [])


@register
class FloatingIp(ResourceType):
    type = 'floating_ip'
    service = 'network'
    file = 'floating_ips.yaml'
    depends_on = ('network', 'port', 'router')
    nameless = True
    quota = ('network', 'floatingip')
    params = (
        Param('floating_network', api='floating_network_id', ref='network',
              required=True, updatable=False),
        Param('port', api='port_id', ref='port'),
        Param('fixed_ip_address'),
        Param('description'),
        _tags(),
    )
    info = ('id', 'floating_ip_address', 'status', 'router_id', 'project_id',
            'created_at')
    knobs = (
        Knob('floating_ip_mode', 'new', choices=('new', 'keep_address'),
             help='new: any free address; keep_address: the source address '
                  '(an admin right in neutron by default)'),
    )

    def list_visible(self, conn, scope):
        return _list(conn, '/floatingips', 'floatingips')

    def source_name(self, raw):
        return raw.get('floating_ip_address') or ''

    def match_key(self, entry, resolve):
        """By the kept address, else by the (resolved) port it serves."""
        if self.knob(entry, 'floating_ip_mode') == 'keep_address':
            return ('address', entry.info.get('floating_ip_address')
                    or entry.name)
        port = entry.params.get('port')
        port_id = resolve(port) if port else None
        return ('port', port_id) if port_id else None

    def dst_keys(self, raw):
        keys = [('address', raw.get('floating_ip_address'))]
        return keys + ([('port', raw['port_id'])] if raw.get('port_id')
                       else [])
