"""Neutron writers: networks, subnets, routers, security groups (and
their rules), ports and floating IPs.

Tags go through neutron's ``PUT /<resources>/<id>/tags`` after the
create.  An admin import puts ``project_id`` in the body of resources of
another project.  Security group rules are synchronised by their own
step (:func:`sync_rules`), after every group exists, because rules refer
to other groups.
"""

import logging

from osmigcfg import exceptions
from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.writers import Writer
from osmigcfg.crosscloud.writers import body_of
from osmigcfg.crosscloud.writers import writer

LOG = logging.getLogger(__name__)
RULE_KEYS = ('direction', 'ethertype', 'protocol', 'port_range_min',
             'port_range_max', 'remote_ip_prefix', 'remote_group_id',
             'description')


class NeutronWriter(Writer):
    """POST/PUT ``/<collection>`` with a ``{<key>: body}`` envelope."""

    collection = None
    key = None
    #: params sent by a later call, not in the create body
    later = ('tags',)

    def create_body(self, w, rtype, want, entry):
        body = body_of(rtype, want, self.later)
        if w.target_project:
            body['project_id'] = w.target_project
        return body

    def create(self, w, rtype, want, entry):
        found = w.send('network', 'POST', f'/{self.collection}',
                       f'create {self.key}',
                       {self.key: self.create_body(w, rtype, want, entry)})
        dst_id = found[self.key]['id']
        w.record('created', dst_id=dst_id)
        self.after_create(w, rtype, dst_id, want, entry)
        return dst_id

    def after_create(self, w, rtype, dst_id, want, entry):
        if want.get('tags'):
            self.set_tags(w, dst_id, want['tags'])

    def set_tags(self, w, dst_id, tags):
        w.send('network', 'PUT', f'/{self.collection}/{dst_id}/tags',
               f'tag {self.key}', {'tags': list(tags or ())})

    def update(self, w, rtype, dst_id, changed, want, entry):
        changed = dict(changed)
        retag = 'tags' in changed
        tags = changed.pop('tags', None)
        body = body_of(rtype, changed)
        if body:
            w.send('network', 'PUT', f'/{self.collection}/{dst_id}',
                   f'update {self.key}', {self.key: body})
        if retag:
            self.set_tags(w, dst_id, tags)

    def find_marked(self, w, marker):
        found = api.list_json(w.conn.network, f'/{self.collection}',
                              self.collection, f'list {self.collection}',
                              {self.marker_field: marker})
        return found[0]['id'] if found else None


@writer
class NetworkWriter(NeutronWriter):
    type, collection, key = 'network', 'networks', 'network'


@writer
class SubnetWriter(NeutronWriter):
    type, collection, key = 'subnet', 'subnets', 'subnet'


@writer
class PortWriter(NeutronWriter):
    type, collection, key = 'port', 'ports', 'port'
    marker_field = 'name'

    def create_body(self, w, rtype, want, entry):
        """Fixed IPs and MAC as the knobs say."""
        body = super().create_body(w, rtype, want, entry)
        keep_ips = rtype.knob(entry, 'keep_fixed_ips')
        body['fixed_ips'] = [
            {'subnet_id': f['subnet'], **({'ip_address': f['ip_address']}
                                          if keep_ips else {})}
            for f in want.get('fixed_ips') or ()]
        if not rtype.knob(entry, 'keep_mac'):
            body.pop('mac_address', None)
        return body

    def update(self, w, rtype, dst_id, changed, want, entry):
        changed = dict(changed)
        if 'fixed_ips' in changed:
            changed['fixed_ips'] = [
                {'subnet_id': f['subnet'], 'ip_address': f['ip_address']}
                for f in changed['fixed_ips'] or ()]
        super().update(w, rtype, dst_id, changed, want, entry)


@writer
class FloatingIpWriter(NeutronWriter):
    type, collection, key = 'floating_ip', 'floatingips', 'floatingip'
    marker_field = 'description'

    def create_body(self, w, rtype, want, entry):
        """The source address too, with ``floating_ip_mode: keep_address``."""
        body = super().create_body(w, rtype, want, entry)
        if rtype.knob(entry, 'floating_ip_mode') == 'keep_address':
            body['floating_ip_address'] = (
                entry.info.get('floating_ip_address') or entry.name)
        return body


@writer
class SecurityGroupWriter(NeutronWriter):
    type, collection, key = 'security_group', 'security-groups', \
        'security_group'
    later = ('tags', 'rules')

    def update(self, w, rtype, dst_id, changed, want, entry):
        changed = {k: v for k, v in changed.items() if k != 'rules'}
        super().update(w, rtype, dst_id, changed, want, entry)


def _rule_key(rule):
    return tuple((k, rule.get(k)) for k in RULE_KEYS if k != 'description')


def wanted_rule(rule):
    """A document rule (remote group resolved to an id) as an API rule."""
    data = {k: v for k, v in rule.items() if k != 'remote_group'}
    if rule.get('remote_group'):
        data['remote_group_id'] = rule['remote_group']
    return {k: data.get(k) for k in RULE_KEYS if data.get(k) is not None}


def sync_rules(w, group_id, rules):
    """Make a group's rules exactly ``rules``; returns (added, removed)."""
    have = api.list_json(w.conn.network, '/security-group-rules',
                         'security_group_rules', 'list rules',
                         {'security_group_id': group_id})
    have_keys = {_rule_key({k: r.get(k) for k in RULE_KEYS}): r['id']
                 for r in have}
    want = [wanted_rule(r) for r in rules or ()]
    want_keys = {_rule_key(r) for r in want}
    added = removed = 0
    for rule in want:
        if _rule_key(rule) not in have_keys:
            w.send('network', 'POST', '/security-group-rules',
                   'create security group rule',
                   {'security_group_rule': {'security_group_id': group_id,
                                            **rule}})
            added += 1
    for key, rule_id in have_keys.items():
        if key not in want_keys:
            w.send('network', 'DELETE', f'/security-group-rules/{rule_id}',
                   'delete security group rule')
            removed += 1
    return added, removed


@writer
class RouterWriter(NeutronWriter):
    type, collection, key = 'router', 'routers', 'router'
    later = ('tags', 'interfaces', 'routes', 'external_gateway')

    def create_body(self, w, rtype, want, entry):
        body = super().create_body(w, rtype, want, entry)
        gateway = want.get('external_gateway') or {}
        if gateway.get('network'):
            body['external_gateway_info'] = {
                'network_id': gateway['network']}
        return body

    def after_create(self, w, rtype, dst_id, want, entry):
        super().after_create(w, rtype, dst_id, want, entry)
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
                if (p.get('device_owner') or '').startswith(
                    'network:router_interface')
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

    def update(self, w, rtype, dst_id, changed, want, entry):
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
        super().update(w, rtype, dst_id, changed, want, entry)
