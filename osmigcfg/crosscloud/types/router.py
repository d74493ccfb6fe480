"""The neutron router type: its gateway, interfaces and routes.

The external gateway (``{network: ref}``) and the interfaces (``{subnet:
ref, ip_address}``, read from the router's ports) are nested in the
router's ``params``; they are written after the create, each once.
"""

from osmigcfg import exceptions
from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.resources import BOOL
from osmigcfg.crosscloud.resources import DICT
from osmigcfg.crosscloud.resources import LIST
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types.neutron import NeutronType
from osmigcfg.crosscloud.types.neutron import all_ports
from osmigcfg.crosscloud.types.neutron import is_router_interface
from osmigcfg.crosscloud.types.neutron import tags_param


@register
class Router(NeutronType):
    type = 'router'
    file = 'routers.yaml'
    collection, key = 'routers', 'router'
    later = ('tags', 'interfaces', 'routes', 'external_gateway')
    depends_on = ('network', 'subnet')
    quota = ('network', 'router')
    params = (
        Param('name', required=True),
        Param('description'),
        Param('admin_state_up', BOOL),
        Param('external_gateway', DICT),
        Param('interfaces', LIST, unordered=True),
        Param('routes', LIST, unordered=True),
        Param('availability_zone_hints', LIST, unordered=True,
              updatable=False),
        tags_param(),
    )
    info = ('id', 'status', 'project_id', 'external_gateway_info',
            'created_at')

    def export_params(self, raw, refs):
        """Add the gateway network and the interfaces (from its ports)."""
        params = super().export_params(raw, refs)
        gateway = raw.get('external_gateway_info') or {}
        if gateway.get('network_id'):
            params['external_gateway'] = {
                'network': refs.ref('network', gateway['network_id'])}
        interfaces = []
        for port in all_ports(refs):
            if port.get('device_id') == raw['id'] and is_router_interface(
                    port):
                for fixed in port.get('fixed_ips') or ():
                    interfaces.append({
                        'subnet': refs.ref('subnet', fixed['subnet_id']),
                        'ip_address': fixed['ip_address']})
        if interfaces:
            params['interfaces'] = sorted(
                interfaces, key=lambda i: i['ip_address'])
        return params

    def create_body(self, w, want, entry):
        body = super().create_body(w, want, entry)
        gateway = want.get('external_gateway') or {}
        if gateway.get('network'):
            body['external_gateway_info'] = {
                'network_id': gateway['network']}
        return body

    def after_create(self, w, dst_id, want, entry):
        super().after_create(w, dst_id, want, entry)
        self.ensure_gateway(w, dst_id, want)
        self.add_interfaces(w, dst_id, want.get('interfaces'))
        if want.get('routes'):
            self._put(w, dst_id, {'routes': want['routes']})

    def ensure_gateway(self, w, dst_id, want):
        """Set the wanted gateway if the router does not have it (a busy
        neutron may answer the create and drop the gateway)."""
        network = (want.get('external_gateway') or {}).get('network')
        if not network:
            return
        router = api.get_json(w.conn.network, f'/routers/{dst_id}',
                              'read router')['router']
        if (router.get('external_gateway_info') or {}).get(
                'network_id') != network:
            self._put(w, dst_id, {'external_gateway_info': {
                'network_id': network}})

    def _put(self, w, dst_id, body):
        w.send('network', 'PUT', f'/routers/{dst_id}', 'update router',
               {'router': body})

    @staticmethod
    def _attached(w, dst_id):
        """``{(subnet, ip)}`` of the router's interfaces (a port a failed
        attach left behind, without the interface owner, is not one)."""
        return {(f['subnet_id'], f['ip_address'])
                for p in api.list_json(w.conn.network, '/ports', 'ports',
                                       'list router ports',
                                       {'device_id': dst_id})
                if is_router_interface(p)
                for f in p.get('fixed_ips') or ()}

    def add_interfaces(self, w, dst_id, interfaces):
        """Attach each wanted subnet at its address (once)."""
        have = self._attached(w, dst_id)
        for iface in interfaces or ():
            if (iface['subnet'], iface.get('ip_address')) in have:
                continue
            try:
                self._add_interface(w, dst_id, iface)
            except exceptions.CloudError:
                # an answer lost to a 5xx may hide a done attach: look
                if not any(s == iface['subnet'] for s, _ in
                           self._attached(w, dst_id)):
                    raise
        missing = [i['subnet'] for i in interfaces or () if not any(
            s == i['subnet'] for s, _ in self._attached(w, dst_id))]
        if missing:
            raise exceptions.CrossCloudFailed(
                f'router {dst_id}: no interface on subnet(s) '
                f'{", ".join(missing)} after attaching them')

    def _add_interface(self, w, dst_id, iface):
        subnet = api.get_json(w.conn.network,
                              f'/subnets/{iface["subnet"]}',
                              'read subnet')['subnet']
        if iface.get('ip_address') in (None, subnet.get('gateway_ip')):
            body = {'subnet_id': iface['subnet']}
        else:
            port = w.send('network', 'POST', '/ports',
                          'create router port', {'port': {
                              'network_id': subnet['network_id'],
                              'fixed_ips': [{
                                  'subnet_id': iface['subnet'],
                                  'ip_address': iface['ip_address']}]}})
            body = {'port_id': port['port']['id']}
        w.send('network', 'PUT', f'/routers/{dst_id}/add_router_interface',
               'add router interface', body)

    def update(self, w, dst_id, changed, want, entry):
        changed = dict(changed)
        if 'external_gateway' in changed:
            gateway = changed.pop('external_gateway') or {}
            self._put(w, dst_id, {'external_gateway_info': (
                {'network_id': gateway['network']}
                if gateway.get('network') else {})})
        if 'interfaces' in changed:
            self.add_interfaces(w, dst_id, changed.pop('interfaces'))
        if 'routes' in changed:
            self._put(w, dst_id, {'routes': changed.pop('routes') or []})
        super().update(w, dst_id, changed, want, entry)
