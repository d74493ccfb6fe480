"""Destination prerequisites of a plan, every failure listed.

Volume types and availability zones exist, the image service accepts the
formats, quotas hold what the plan creates, roles exist, kept addresses
are free, and the credential has the rights the knobs need (neutron and
glance admin-only fields).  A prerequisite the credential cannot read is
a warning (``XCL309``), never a silent pass.  Only what the planned items
need is read: a type whose service the destination lacks is not planned
(:mod:`~osmigcfg.crosscloud.services`), so its quotas are not read.
"""

import collections

from osmigcfg import exceptions
from osmigcfg import findings
from osmigcfg.crosscloud import api
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud.types import neutron


def _finding(code, item, message):
    entry = item.entry
    return findings.make_finding(code, message, file=entry.file,
                                 line=entry.line, subject=entry.label)


def _skipped(what, error):
    return findings.make_finding(codes.CHECK_SKIPPED,
                                 f'{what} not checked: {error}')


def _creates(items, type_name):
    return [i for i in items if i.type == type_name and i.action == 'create']


def _changes(items, type_name):
    return [i for i in items if i.type == type_name
            and i.action in ('create', 'update')]


def _volume_errors(items, conn):
    volumes = _creates(items, 'volume')
    if not volumes:
        return []
    errors = []
    try:
        types = {t['name'] for t in api.list_json(
            conn.block_storage, '/types', 'volume_types', 'list volume types')}
        zones = {z['zoneName'] for z in api.get_json(
            conn.block_storage, '/os-availability-zone',
            'list availability zones')['availabilityZoneInfo']}
    except exceptions.CloudError as e:
        return [_skipped('volume types and zones', e)]
    for item in volumes:
        vtype, zone = item.want.get('volume_type'), item.want.get(
            'availability_zone')
        if vtype and vtype not in types:
            errors.append(_finding(codes.MISSING_VOLUME_TYPE, item, (
                f'volume type {vtype!r} is not in the destination '
                f'(it has: {", ".join(sorted(types))})')))
        if zone and zone not in zones:
            errors.append(_finding(codes.MISSING_ZONE, item, (
                f'availability zone {zone!r} is not in the destination '
                f'(it has: {", ".join(sorted(zones))})')))
    return errors


def _image_errors(items, conn, admin):
    images = _changes(items, 'image')
    if not images:
        return []
    errors = []
    for item in images:
        if item.want.get('visibility') == 'public' and not admin:
            errors.append(_finding(codes.NEEDS_ADMIN, item, (
                'a public image needs an admin; set params.visibility to '
                'private, shared or community')))
    try:
        schema = api.get_json(conn.image, '/schemas/image', 'image schema')
    except exceptions.CloudError as e:
        return errors + [_skipped('image formats', e)]
    props = schema.get('properties', {})
    for item in _creates(items, 'image'):
        for field in ('disk_format', 'container_format'):
            allowed = [v for v in props.get(field, {}).get('enum') or ()
                       if v]
            if allowed and item.want.get(field) not in allowed:
                errors.append(_finding(codes.UNSUPPORTED_FORMAT, item, (
                    f'{field} {item.want.get(field)!r} not accepted '
                    f'(accepted: {", ".join(allowed)})')))
    return errors


def _needed(items, resolver):
    """{(project id, service, quota resource): how many the plan creates}."""
    need = collections.Counter()
    for item in items:
        rtype = resources.get_type(item.type)
        project = resolver.target_project(item.entry)
        if item.action != 'create' or not rtype.quota or project is None:
            continue
        for quota, count in rtype.quota_need(item.want):
            need[(project, *quota)] += count
    return need


def _read_quota(conn, service, project_id):
    if service == 'network':
        body = api.get_json(conn.network, f'/quotas/{project_id}/details',
                            'read network quota')['quota']
        return {k: (v['limit'], v.get('used', 0) + v.get('reserved', 0))
                for k, v in body.items() if isinstance(v, dict)}
    body = api.get_json(conn.block_storage, f'/os-quota-sets/{project_id}',
                        'read volume quota', {'usage': 'true'})['quota_set']
    return {k: (v['limit'], v.get('in_use', 0) + v.get('reserved', 0))
            for k, v in body.items() if isinstance(v, dict)}


def _quota_errors(items, resolver):
    need = _needed(items, resolver)
    names = {v: k for k, v in (resolver.dst_projects or {}).items()}
    errors = []
    for project, service in sorted({(p, s) for p, s, _ in need}):
        try:
            quota = _read_quota(resolver.dst.conn, service, project)
        except exceptions.CloudError as e:
            errors.append(_skipped(f'{service} quota', e))
            continue
        for (pid, svc, name), count in sorted(need.items()):
            if (pid, svc) != (project, service) or name not in quota:
                continue
            limit, used = quota[name]
            if limit >= 0 and count > limit - used:
                errors.append(findings.make_finding(
                    codes.QUOTA_EXCEEDED, f'{service} quota {name}: the plan '
                    f'creates {count}, {max(0, limit - used)} free (limit '
                    f'{limit}, used {used})', subject=f'project {names.get(project, project)}'))
    return errors


def _admin_errors(items, admin, resolver):
    if admin:
        return []
    errors = []
    for item in (i for i in items if i.action == 'create'):
        fields = [p.key for p in resources.get_type(item.type).params
                  if p.admin and item.want.get(p.key)]
        if fields:
            errors.append(_finding(codes.NEEDS_ADMIN, item, (
                f'setting {", ".join(fields)} needs an admin')))
    for item in _creates(items, 'flavor'):
        errors.append(_finding(codes.NEEDS_ADMIN, item, (
            'creating a flavor needs an admin in the destination; ask one '
            'to create it, or map the servers to an existing flavor')))
    for item in _creates(items, 'floating_ip'):
        if item.entry.migration.get('floating_ip_mode') == 'keep_address':
            errors.append(_finding(codes.NEEDS_ADMIN, item, (
                'floating_ip_mode keep_address needs an admin')))
    owned = {n['id'] for n in resolver.dst.visible('network')
             if n.get('project_id') == resolver.dst_project_id}
    for item in _creates(items, 'port'):
        net = _port_network(item)
        keeps = _port_keeps(item)
        if net and net not in owned and keeps:
            errors.append(_finding(codes.NEEDS_ADMIN, item, (
                f'{" and ".join(keeps)} on a network of another project '
                'needs an admin')))
    return errors


def _port_network(item):
    return (item.want.get('network') or {}).get('id')


def _port_keeps(item):
    """Which of a port's ``keep_mac`` / ``keep_fixed_ips`` knobs hold."""
    port = resources.get_type('port')
    return [k for k in ('keep_mac', 'keep_fixed_ips')
            if port.knob(item.entry, k)]


def _address_errors(items, resolver):
    creates = _creates(items, 'port')
    if not creates:
        return []
    errors = []
    ports = neutron.all_ports(resolver.dst)
    for item in creates:
        net = _port_network(item)
        if not net:
            continue
        keeps = _port_keeps(item)
        on_net = [p for p in ports if p.get('network_id') == net]
        mac = item.want.get('mac_address')
        if 'keep_mac' in keeps and mac and any(
                p.get('mac_address') == mac for p in on_net):
            errors.append(_finding(codes.ADDRESS_IN_USE, item, (
                f'MAC {mac} is in use on the destination network')))
        used = {f['ip_address'] for p in on_net for f in p.get(
            'fixed_ips') or ()}
        if 'keep_fixed_ips' in keeps:
            for fixed in item.want.get('fixed_ips') or ():
                if fixed.get('ip_address') in used:
                    errors.append(_finding(codes.ADDRESS_IN_USE, item, (
                        f'IP {fixed["ip_address"]} is in use on the '
                        'destination network')))
    return errors


def _role_errors(items, conn):
    assignments = _creates(items, 'role_assignment')
    if not assignments:
        return []
    try:
        roles = {r['name'] for r in api.list_json(
            conn.identity, '/roles', 'roles', 'list roles')}
    except exceptions.CloudError as e:
        return [_skipped('roles', e)]
    return [_finding(codes.MISSING_ROLE, item, (
        f'role {item.want.get("role")!r} is not in the destination'))
        for item in assignments if item.want.get('role') not in roles]


def prerequisite_errors(items, resolver, admin):
    """Every unmet destination prerequisite of the planned items."""
    conn = resolver.dst.conn
    return (_volume_errors(items, conn) + _image_errors(items, conn, admin)
            + _quota_errors(items, resolver)
            + _admin_errors(items, admin, resolver)
            + _address_errors(items, resolver) + _role_errors(items, conn))
