"""What a server's cutover needs, resolved to destination ids, as a spec.

Everything the server refers to, except the volumes the cutover copies
itself, must already be in the destination (``import`` made it): the
flavor, keypair, server group, ports or networks, security groups, and
the image when the server is re-imaged.  Every missing one is a finding,
listed before anything starts.  An image-booted server has no volume
to copy (Nova has no disk export): by default (``migration.boot:
snapshot``) the cutover snapshots the stopped source and boots from the
snapshot's copy (``volume``: from a volume made of it), or it re-images
it (``reimage``).
"""

import logging

from osmigcfg import findings
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import refs as refs_mod
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud.copy import specs as copy_plan
from osmigcfg.crosscloud.importing import items as import_items
from osmigcfg.crosscloud.types import server as server_type

LOG = logging.getLogger(__name__)


class _Resolver:
    """Refs of one server entry to destination ids, collecting problems."""

    def __init__(self, plan, entry):
        self.plan = plan
        self.entry = entry
        self.errors = []

    def need(self, ref, what):
        """The ref's Resolution if it exists in the destination, else a
        finding (and None)."""
        if not ref:
            return None
        found = self.plan.resolver.resolve(ref)
        if found.status != refs_mod.EXISTS:
            self.errors.append(findings.make_finding(
                codes.NEEDS_IMPORT, f'{what} {ref.get("name")!r} is not in '
                'the destination yet', file=self.entry.file,
                line=self.entry.line, subject=self.entry.label))
            return None
        return found

    def id(self, ref, what):
        """The destination id of an existing ref (None: see errors)."""
        found = self.need(ref, what)
        return found.dst_id if found else None

    def name(self, ref, what):
        """The destination name of an existing ref."""
        found = self.need(ref, what)
        return (found.dst_name or ref.get('name')) if found else None


def _plan_item(plan, entry):
    return next((p for p in plan.items if p.entry is entry), None)


def _volumes(plan, entry, boot, clouds, known, res):
    volumes, stale = [], []
    for vol in entry.params.get('volumes') or ():
        found = plan.resolver.resolve(vol.get('volume') or {})
        if found.entry is None:
            res.need(vol.get('volume'), 'volume')
            continue
        if boot == 'reimage' and vol.get('boot_index') == 0:
            continue
        p = _plan_item(plan, found.entry)
        spec = copy_plan.volume_spec(p, clouds)
        spec['temp_name'] += '-cutover'
        volumes.append({'boot_index': vol.get('boot_index'),
                        'device': vol.get('device'), 'copy': spec})
        earlier = known.get(('volume', spec['source_id']))
        if earlier:
            stale.append(earlier)
    return volumes, stale


def _networks(plan, entry, knob, res):
    networks, ports = [], []
    for net in entry.params.get('networks') or ():
        if net.get('port') and knob == 'keep':
            port = res.id(net['port'], 'port')
            if port:
                networks.append({'port': port})
                ports.append((net['port'], port))
        elif net.get('port'):
            port_entry = plan.resolver.resolve(net['port']).entry
            network = port_entry.params.get('network') if port_entry else None
            networks.append({'uuid': res.id(network, 'network')})
        else:
            item = {'uuid': res.id(net.get('network'), 'network')}
            if net.get('fixed_ip'):
                item['fixed_ip'] = net['fixed_ip']
            networks.append(item)
    return networks, ports


def _floating_ips(plan, ports):
    """Floating IPs of the server's ports: ``[{id, port}]`` to verify."""
    wanted = {(r.get('name'), r.get('project')): dst for r, dst in ports}
    found = []
    for p in plan.items:
        ref = p.entry.params.get('port') if p.type == 'floating_ip' else None
        key = (ref.get('name'), ref.get('project')) if ref else None
        if key in wanted and p.dst_id:
            found.append({'id': p.dst_id, 'port': wanted[key]})
    return found


def _boot_errors(entry, boot, res):
    from_image = server_type.image_booted(entry.params)
    problem = None
    if boot == 'copy' and from_image:
        code, problem = codes.NEEDS_REIMAGE, (
            'the server boots from an image and migration.boot is copy: it '
            'has no boot volume to copy')
    elif boot in ('snapshot', 'volume') and not from_image:
        code, problem = codes.BOOT_MISMATCH, (
            f'migration.boot is {boot} but the server boots from a volume '
            '(boot: copy copies it)')
    elif boot == 'reimage' and not entry.params.get('image'):
        code, problem = codes.BOOT_MISMATCH, (
            'migration.boot is reimage but params.image is empty (the '
            'source image is gone or was not exported); boot: snapshot '
            "moves the server's disk without it")
    if problem:
        res.errors.append(findings.make_finding(
            code, problem, file=entry.file, line=entry.line,
            subject=entry.label))


def build_spec(plan, entry, clouds, known):
    """``(spec, errors)`` of one server's cutover (see the module doc)."""
    rtype = resources.get_type('server')
    res = _Resolver(plan, entry)
    boot = rtype.knob(entry, 'boot')
    params = entry.params
    _boot_errors(entry, boot, res)
    volumes, stale = _volumes(plan, entry, boot, clouds, known, res)
    networks, ports = _networks(plan, entry, rtype.knob(entry, 'ports'),
                                res)
    spec = {
        'item': import_items.item_name(entry, 'cutover'), 'type': 'server',
        'source_id': import_items.source_key(entry), 'name': entry.name,
        'dst_name': entry.dst_name, 'src_id': entry.source.get('id'),
        'src_cloud': clouds[0], 'dst_cloud': clouds[1],
        'source_state': rtype.knob(entry, 'source_state'),
        'boot': boot,
        'boot_volume_size': rtype.knob(entry, 'boot_volume_size'),
        'flavor_id': res.id(params.get('flavor'), 'flavor'),
        'image_id': res.id(params.get('image'), 'image')
        if boot == 'reimage' else None,
        'volumes': volumes, 'stale_volumes': stale, 'networks': networks,
        'floating_ips': _floating_ips(plan, ports),
        'security_groups': [res.name(r, 'security group') for r in
                            params.get('security_groups') or ()],
        'key_name': res.id(params.get('key_name'), 'keypair'),
        'server_group': res.id(params.get('server_group'), 'server group'),
        'metadata': params.get('metadata'),
        'description': params.get('description'),
        'tags': params.get('tags'),
        'config_drive': bool(params.get('config_drive')),
        'user_data': params.get('user_data'),
        'availability_zone': rtype.knob(entry, 'availability_zone'),
    }
    return spec, res.errors
