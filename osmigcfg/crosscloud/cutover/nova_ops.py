"""Nova operations of a cutover: stop/start the source, boot, verify.

All through the migrator's :class:`ComputeSession` (one negotiated
microversion per connection).  Waits poll with a timeout; a server in
ERROR fails at once with Nova's fault message.
"""

import base64
import logging

from osmigcfg import exceptions
from osmigcfg.crosscloud import api
from osmigcfg.crosscloud import waits
from osmigcfg.crosscloud.types import nova

LOG = logging.getLogger(__name__)
STOP_TIMEOUT = 300.0
#: metadata key marking a destination server osmigcfg is booting
MARK = 'osmigcfg_cutover'
BOOT_TIMEOUT = 900.0


def server(conn, server_id):
    """A server (dict), or None when Nova says 404."""
    try:
        return nova.session(conn).get(f'/servers/{server_id}',
                                      'show server')['server']
    except exceptions.CloudRequestError as e:
        if e.status == 404:
            return None
        raise


def _wait(conn, server_id, status, what, timeout):
    def fetch():
        found = server(conn, server_id)
        if found is None:
            raise exceptions.CrossCloudFailed(f'{what}: server is gone')
        if found['status'] == 'ERROR' and status != 'ERROR':
            fault = (found.get('fault') or {}).get('message') or 'no fault'
            raise exceptions.CrossCloudFailed(f'{what}: ERROR ({fault})')
        return found
    return waits.wait_status(fetch, (status,), (), what, timeout)


def _action(conn, server_id, body, what):
    nova.session(conn).write('POST', f'/servers/{server_id}/action', what,
                             body)


def stop(conn, server_id):
    """Stop a server and wait until it is SHUTOFF."""
    _action(conn, server_id, {'os-stop': None}, 'stop server')
    return _wait(conn, server_id, 'SHUTOFF', 'stopping the source',
                 STOP_TIMEOUT)


def start(conn, server_id):
    """Start a server and wait until it is ACTIVE."""
    found = server(conn, server_id)
    if found is not None and found['status'] == 'ACTIVE':
        return found
    _action(conn, server_id, {'os-start': None}, 'start server')
    return _wait(conn, server_id, 'ACTIVE', 'restarting the source',
                 STOP_TIMEOUT)


def boot_body(spec, copied, disk=None):
    """The ``POST /servers`` body (refs already destination ids).

    :param copied: ``{'vol<N>': destination volume id}`` of the volumes
        this cutover copied.
    :param disk: ``{'image': id}`` (boot from the copied snapshot) or
        ``{'volume': id}`` (from the volume made of it).
    """
    disk = disk or {}
    bdm = []
    if disk.get('volume'):
        bdm.append({'uuid': disk['volume'], 'source_type': 'volume',
                    'destination_type': 'volume', 'boot_index': 0,
                    'delete_on_termination': False})
    for index, vol in enumerate(spec['volumes']):
        volume_id = copied.get(f'vol{index}') or vol.get('dst_id')
        if not volume_id:
            continue
        bdm.append({'uuid': volume_id, 'source_type': 'volume',
                    'destination_type': 'volume',
                    'boot_index': vol.get('boot_index'),
                    'delete_on_termination': False})
    body = {'name': spec['dst_name'], 'flavorRef': spec['flavor_id'],
            'networks': spec['networks'] or 'none'}
    image = None if disk.get('volume') else (
        disk.get('image') or spec.get('image_id'))
    if image:
        body['imageRef'] = image
        if bdm:  # Nova adds no root mapping of imageRef to a v2 list:
            # without one it refuses the boot sequence (clients add it)
            bdm.insert(0, {'uuid': image, 'source_type': 'image',
                           'destination_type': 'local', 'boot_index': 0,
                           'delete_on_termination': True})
    if bdm:
        body['block_device_mapping_v2'] = bdm
    for key in ('key_name', 'description', 'tags', 'availability_zone'):
        if spec.get(key):
            body[key] = spec[key]
    if spec.get('config_drive'):
        body['config_drive'] = True
    if spec.get('user_data'):  # the exported text; Nova wants base64
        body['user_data'] = base64.b64encode(
            spec['user_data'].encode('utf-8')).decode('ascii')
    # the mark finds the server again after a kill (removed by verify)
    body['metadata'] = dict(spec.get('metadata') or {},
                            **{MARK: spec['src_id']})
    if spec.get('security_groups') and not any(
            'port' in n for n in spec['networks'] or ()):
        body['security_groups'] = [{'name': n} for n in
                                   spec['security_groups']]
    request = {'server': body}
    if spec.get('server_group'):
        request['os:scheduler_hints'] = {'group': spec['server_group']}
    return request


def marked(found, src_id):
    """Whether a destination server is one a cutover of src_id booted."""
    return (found.get('metadata') or {}).get(MARK) == src_id


def find_booted(conn, spec):
    """The id of the server a killed cutover of ``spec`` booted, or None."""
    body = nova.session(conn).get('/servers/detail', 'list servers',
                                  {'name': f'^{spec["dst_name"]}$'})
    for found in body['servers']:
        if marked(found, spec['src_id']) and found['status'] != 'DELETED':
            return found['id']
    return None


def unmark(conn, server_id):
    """Remove the boot mark of a verified server."""
    try:
        nova.session(conn).write('DELETE', f'/servers/{server_id}/metadata/'
                                 f'{MARK}', 'remove the cutover mark')
    except exceptions.CloudRequestError as e:
        if e.status != 404:
            raise


def flavor(conn, flavor_id):
    """A destination flavor (dict)."""
    return nova.session(conn).get(f'/flavors/{flavor_id}',
                                  'read flavor')['flavor']


def create_server(conn, body):
    """``POST /servers``; returns the new server's id."""
    return nova.session(conn).write('POST', '/servers', 'create server',
                                    body).body['server']['id']


def wait_active(conn, server_id, name):
    """Wait until a server is ACTIVE (CrossCloudFailed on ERROR)."""
    return _wait(conn, server_id, 'ACTIVE', f'booting {name}', BOOT_TIMEOUT)


def delete_server(conn, server_id, timeout=STOP_TIMEOUT):
    """Delete a destination server osmigcfg booted; wait until gone."""
    try:
        nova.session(conn).write('DELETE', f'/servers/{server_id}',
                                 'delete server')
    except exceptions.CloudRequestError as e:
        if e.status != 404:
            raise
    waits.wait_status(
        lambda: server(conn, server_id) or {'status': 'gone'}, ('gone',),
        (), f'deleting server {server_id}', timeout)


def _attached(found):
    return {v['id'] for v in found.get(
        'os-extended-volumes:volumes_attached') or ()}


def verify_server(src, dst, spec, boot):
    """Problems with a cut-over server ([] when it is right)."""
    problems = []
    found = server(dst, boot['dst_id'])
    if found is None or found['status'] != 'ACTIVE':
        return [f'destination server is {found and found["status"]}']
    missing = set(boot['volumes'].values()) - _attached(found)
    if missing:
        problems.append(f'volumes not attached: {sorted(missing)}')
    ports = [n['port'] for n in spec['networks'] or () if 'port' in n]
    if ports:
        body = nova.session(dst).get(f'/servers/{boot["dst_id"]}/'
                                     'os-interface', 'list interfaces')
        bound = {i['port_id'] for i in body['interfaceAttachments']}
        if set(ports) - bound:
            problems.append(f'ports not bound: {sorted(set(ports) - bound)}')
    for fip in spec.get('floating_ips') or ():
        now = api.get_json(dst.network, f'/floatingips/{fip["id"]}',
                           'read floating IP')['floatingip']
        if now.get('port_id') != fip['port']:
            problems.append(f'floating IP {now.get("floating_ip_address")} '
                            'is not on its port')
    source = server(src, spec['src_id'])
    if source is None:
        problems.append('the source server is gone')
    return problems
