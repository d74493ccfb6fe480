"""The neutron port type.

Ports neutron makes itself (router interfaces, DHCP, gateways, floating
IPs: ``device_owner`` ``network:*``) are not exported.  A port's fixed
IPs are ``{subnet: ref, ip_address}``; the ``keep_mac`` and
``keep_fixed_ips`` knobs say whether the destination port gets the
source's MAC and addresses.
"""

from osmigcfg.crosscloud.resources import BOOL
from osmigcfg.crosscloud.resources import Knob
from osmigcfg.crosscloud.resources import LIST
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types.neutron import NeutronType
from osmigcfg.crosscloud.types.neutron import is_service_port
from osmigcfg.crosscloud.types.neutron import tags_param


def _api_fixed_ips(fixed_ips, keep_ips=True):
    return [{'subnet_id': f['subnet'],
             **({'ip_address': f['ip_address']} if keep_ips else {})}
            for f in fixed_ips or ()]


@register
class Port(NeutronType):
    type = 'port'
    file = 'ports.yaml'
    collection, key = 'ports', 'port'
    marker_field = 'name'
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
        tags_param(),
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
        return [p for p in super().list_visible(conn, scope)
                if not is_service_port(p)]

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

    def create_body(self, w, want, entry):
        """Fixed IPs and MAC as the knobs say."""
        body = super().create_body(w, want, entry)
        body['fixed_ips'] = _api_fixed_ips(
            want.get('fixed_ips'), self.knob(entry, 'keep_fixed_ips'))
        if not self.knob(entry, 'keep_mac'):
            body.pop('mac_address', None)
        return body

    def update(self, w, dst_id, changed, want, entry):
        changed = dict(changed)
        if 'fixed_ips' in changed:
            changed['fixed_ips'] = _api_fixed_ips(changed['fixed_ips'])
        super().update(w, dst_id, changed, want, entry)
