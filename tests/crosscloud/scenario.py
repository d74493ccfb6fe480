"""A project with one of every exportable resource, built through the API.

Used by the export/plan tests against the local clouds: a member builds
it in its own project, so the export sees exactly what a tenant would.
"""

import os

import openstack.exceptions

IMAGE_BYTES = 2 * 1024 * 1024


def ensure_volume_type(admin, name):
    """A public volume type served by the sandbox's file backend."""
    found = admin.block_storage.find_type(name, ignore_missing=True)
    if found:
        return found
    return admin.block_storage.create_type(
        name=name, extra_specs={'volume_backend_name': 'file'})


def build_network(conn, prefix):
    """Network, subnet, router (gateway + interface), SGs, port, FIP."""
    net_api = conn.network
    public = net_api.find_network('public', ignore_missing=False)
    net = net_api.create_network(name=f'{prefix}-net', mtu=1400)
    subnet = net_api.create_subnet(
        network_id=net.id, name=f'{prefix}-subnet', ip_version=4,
        cidr='10.50.0.0/24', dns_nameservers=['192.0.2.53'])
    router = net_api.create_router(
        name=f'{prefix}-router',
        external_gateway_info={'network_id': public.id})
    net_api.add_interface_to_router(router, subnet=subnet.id)
    web = net_api.create_security_group(name=f'{prefix}-web',
                                        description='web tier')
    db = net_api.create_security_group(name=f'{prefix}-db')
    net_api.create_security_group_rule(
        security_group_id=web.id, direction='ingress', ethertype='IPv4',
        protocol='tcp', port_range_min=443, port_range_max=443,
        remote_ip_prefix='0.0.0.0/0')
    net_api.create_security_group_rule(
        security_group_id=db.id, direction='ingress', ethertype='IPv4',
        protocol='tcp', port_range_min=5432, port_range_max=5432,
        remote_group_id=web.id)
    port = net_api.create_port(
        network_id=net.id, name=f'{prefix}-port',
        security_group_ids=[web.id],
        fixed_ips=[{'subnet_id': subnet.id, 'ip_address': '10.50.0.20'}])
    net_api.create_ip(floating_network_id=public.id, port_id=port.id)


def build_storage(conn, prefix, volume_type):
    """An image with properties, a typed volume, its snapshot."""
    image = conn.image.create_image(
        name=f'{prefix}-image', data=os.urandom(IMAGE_BYTES),
        disk_format='raw', container_format='bare', wait=True,
        hw_disk_bus='scsi', os_distro='cirros', min_ram=64)
    volume = conn.block_storage.create_volume(
        name=f'{prefix}-vol', size=1, volume_type=volume_type,
        metadata={'tier': 'db'})
    boot = conn.block_storage.create_volume(
        name=f'{prefix}-boot', size=1, image_id=image.id)
    for vol in (volume, boot):
        conn.block_storage.wait_for_status(
            vol, 'available', failures=['error'], interval=0.3, wait=120)
    snap = conn.block_storage.create_snapshot(
        volume_id=volume.id, name=f'{prefix}-snap')
    conn.block_storage.wait_for_status(
        snap, 'available', failures=['error'], interval=0.3, wait=120)


def build_project(conn, prefix, volume_type):
    """Every exportable tenant resource, named ``<prefix>-...``."""
    build_network(conn, prefix)
    build_storage(conn, prefix, volume_type)


def delete_all(conn):
    """Best-effort removal of a project's resources (tests' cleanup)."""
    net_api, bs = conn.network, conn.block_storage
    steps = [
        lambda: [net_api.delete_ip(f) for f in net_api.ips()],
        lambda: [bs.delete_snapshot(s) for s in bs.snapshots()],
        lambda: [bs.delete_volume(v) for v in bs.volumes()],
        lambda: [conn.image.delete_image(i) for i in conn.image.images(
            owner=conn.current_project_id)],
        lambda: [net_api.delete_port(p) for p in net_api.ports(
            project_id=conn.current_project_id)
            if not (p.device_owner or '').startswith('network:')],
        lambda: [_delete_router(net_api, r) for r in net_api.routers(
            project_id=conn.current_project_id)],
        lambda: [net_api.delete_network(n) for n in net_api.networks(
            project_id=conn.current_project_id)],
        lambda: [net_api.delete_security_group(g) for g in
                 net_api.security_groups(project_id=conn.current_project_id)
                 if g.name != 'default'],
    ]
    for step in steps:
        try:
            step()
        except openstack.exceptions.SDKException:
            pass


def _delete_router(net_api, router):
    for port in net_api.ports(device_id=router.id):
        if port.device_owner == 'network:router_interface':
            net_api.remove_interface_from_router(router, port_id=port.id)
    net_api.delete_router(router)
