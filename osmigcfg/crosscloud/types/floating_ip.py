"""The neutron floating IP type.

A floating IP is known by its address (``floating_ip_mode:
keep_address``) or by the port it serves; one without a port is created
with a marker in its description.  Neutron refuses a floating IP until a
router connects the port's subnet, so its items wait for the routers.
"""

from osmigcfg.crosscloud.resources import Knob
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types.neutron import NeutronType
from osmigcfg.crosscloud.types.neutron import tags_param


@register
class FloatingIp(NeutronType):
    type = 'floating_ip'
    file = 'floating_ips.yaml'
    collection, key = 'floatingips', 'floatingip'
    marker_field = 'description'
    depends_on = ('network', 'port', 'router')
    after_types = ('router',)
    nameless = True
    quota = ('network', 'floatingip')
    params = (
        Param('floating_network', api='floating_network_id', ref='network',
              required=True, updatable=False),
        Param('port', api='port_id', ref='port'),
        Param('fixed_ip_address'),
        Param('description'),
        tags_param(),
    )
    info = ('id', 'floating_ip_address', 'status', 'router_id', 'project_id',
            'created_at')
    knobs = (
        Knob('floating_ip_mode', 'new', choices=('new', 'keep_address'),
             help='new: any free address; keep_address: the source address '
                  '(an admin right in neutron by default)'),
    )

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

    def create_body(self, w, want, entry):
        """The source address too, with ``floating_ip_mode: keep_address``."""
        body = super().create_body(w, want, entry)
        if self.knob(entry, 'floating_ip_mode') == 'keep_address':
            body['floating_ip_address'] = (
                entry.info.get('floating_ip_address') or entry.name)
        return body
