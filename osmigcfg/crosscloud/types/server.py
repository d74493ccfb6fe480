"""The Nova server type: what ``cutover`` rebuilds in the destination.

``params`` name the server's flavor (Nova embeds it by name since 2.47),
its image (None when it boots from a volume), ``volumes`` (each
``{volume: ref, boot_index, device, delete_on_termination}``; the boot
volume has ``boot_index: 0``), ``networks`` (``{port: ref}`` when the
port is visible, else ``{network: ref, fixed_ip}``), security groups,
keypair, server group, metadata, description, tags, config drive and
user data (as text, when the credential may see it: Nova shows it to
admins by default; never when it looks like it holds a secret).  The knobs say how
the cutover boots it (``boot: copy`` from the copied boot volume,
``snapshot`` from a snapshot of the stopped source copied to the
destination, ``volume`` from a volume made of that copy, or ``reimage``
from the image), whether it may stop the source
(``source_state``), the zone, and ``ports: keep | new``.
"""

import base64
import binascii

from osmigcfg import exceptions
from osmigcfg.crosscloud.resources import BOOL
from osmigcfg.crosscloud.resources import DICT
from osmigcfg.crosscloud.resources import Knob
from osmigcfg.crosscloud.resources import LIST
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types import nova
#: what a plan compares for a server that exists (the rest is recreated
#: by the cutover; device names and port ids legitimately differ)
COMPARED = ('name', 'flavor', 'metadata', 'description', 'tags')
#: Nova shows a server's user data (base64) here, since 2.3, to those
#: its os-extended-server-attributes policy allows (admins by default)
USER_DATA = 'OS-EXT-SRV-ATTR:user_data'
#: what ``info.user_data`` says of exported user data
USER_DATA_NOTE = ('re-supplied from this document at cutover (the user '
                  'data the source was booted with, as Nova kept it)')


def _attachments(conn, server_id):
    body = nova.session(conn).get(f'/servers/{server_id}/os-volume_'
                                  'attachments', 'list volume attachments')
    return sorted(body.get('volumeAttachments') or (),
                  key=lambda a: a.get('device') or '')


def _interfaces(conn, server_id):
    body = nova.session(conn).get(f'/servers/{server_id}/os-interface',
                                  'list server interfaces')
    return body.get('interfaceAttachments') or []


def export_volumes(raw, refs):
    """``volumes`` of a server: the boot volume first (``boot_index 0``)."""
    from_volume = not raw.get('image')
    volumes = []
    for index, att in enumerate(_attachments(refs.conn, raw['id'])):
        ref = refs.ref('volume', att['volumeId'])
        if ref is None:
            continue
        volumes.append({'volume': ref, 'device': att.get('device'),
                        'boot_index': 0 if from_volume and index == 0
                        else None,
                        'delete_on_termination': bool(att.get(
                            'delete_on_termination'))})
    return volumes


def export_networks(raw, refs):
    """``networks`` of a server: its ports, or their networks."""
    ports = {p['id'] for p in refs.visible('port')}
    networks = []
    for iface in _interfaces(refs.conn, raw['id']):
        if iface.get('port_id') in ports:
            networks.append({'port': refs.ref('port', iface['port_id'])})
            continue
        ref = refs.ref('network', iface.get('net_id'))
        if ref is not None:
            fixed = [f['ip_address'] for f in iface.get('fixed_ips') or ()]
            networks.append({'network': ref, 'fixed_ip': fixed[0]
                             if fixed else None})
    return networks


def user_data_text(raw):
    """The server's user data as text, or None (not shown to this
    credential, none, or not UTF-8 text: binary user data is not
    exported)."""
    encoded = raw.get(USER_DATA)
    if not encoded:
        return None
    try:
        return base64.b64decode(encoded, validate=True).decode('utf-8')
    except (binascii.Error, ValueError):
        return None


def image_booted(params):
    """Whether a server's params have no boot volume (image-booted)."""
    return not any(v.get('boot_index') == 0 for v in
                   params.get('volumes') or ())


@register
class Server(nova.NovaType):
    type = 'server'
    file = 'servers.yaml'
    own_project_only = True
    depends_on = ('flavor', 'image', 'volume', 'port', 'network',
                  'security_group', 'keypair', 'server_group')
    params = (
        Param('name', required=True),
        Param('flavor', ref='flavor', required=True, updatable=False),
        Param('image', ref='image', updatable=False),
        Param('volumes', LIST, updatable=False),
        Param('networks', LIST, updatable=False),
        Param('security_groups', LIST, ref='security_group',
              unordered=True, updatable=False),
        Param('key_name', ref='keypair', updatable=False),
        Param('server_group', ref='server_group', updatable=False),
        Param('metadata', DICT),
        Param('description'),
        Param('tags', LIST, unordered=True),
        Param('config_drive', BOOL, updatable=False),
        Param('user_data', updatable=False),
    )
    info = ('id', 'status', 'OS-EXT-AZ:availability_zone', 'created')
    knobs = (
        Knob('boot', 'copy', choices=('copy', 'snapshot', 'volume',
                                      'reimage'),
             help='copy: boot from the copied boot volume (the default of '
                  'a volume-booted server); snapshot: snapshot the '
                  'stopped source, boot from its copy (the default of an '
                  'image-booted server); volume: boot from a volume made '
                  'of that copy; reimage: boot params.image'),
        Knob('boot_volume_size', None, kinds=(int,),
             help='GiB of the boot volume of boot: volume (default: the '
                  "flavor's disk)"),
        Knob('source_state', 'stop', choices=('stop', 'require_shutoff'),
             help='stop: the cutover stops the source (and restarts it if '
                  'the cutover fails); require_shutoff: refuse unless '
                  'SHUTOFF'),
        Knob('availability_zone', None,
             help='the destination zone (default: the scheduler picks)'),
        Knob('ports', 'keep', choices=('keep', 'new'),
             help='keep: boot on the imported ports (MAC, IPs and floating '
                  'IPs follow them); new: new ports on their networks'),
    )

    def knob(self, entry, name):
        """``boot`` defaults to ``snapshot`` for an image-booted server."""
        value = super().knob(entry, name)
        if name == 'boot' and entry.migration.get(name) is None and \
                image_booted(entry.params):
            return 'snapshot'
        return value

    def export_knobs(self, raw):
        knobs = self.default_knobs()
        if raw.get('image'):
            knobs['boot'] = 'snapshot'
        return knobs

    def list_visible(self, conn, scope):
        params = {'all_tenants': 1} if scope.is_admin and (
            scope.project_ids is None or scope.project_ids != {
                scope.current_project_id}) else None
        return nova.session(conn).get('/servers/detail', 'list servers',
                                      params)['servers']

    def owner(self, raw):
        return raw.get('tenant_id') or raw.get('project_id')

    def export_params(self, raw, refs):
        """Flavor, image, volumes, networks, groups: refs, not ids."""
        owner = self.owner(raw)
        groups = sorted({g['name'] for g in raw.get('security_groups')
                         or ()})
        member_of = [g for g in refs.visible('server_group')
                     if raw['id'] in (g.get('members') or ())]
        params = {
            'name': raw.get('name'),
            'flavor': nova.ref_by_name(
                refs, 'flavor', (raw.get('flavor') or {}).get(
                    'original_name')),
            'image': refs.ref('image', raw['image']['id'])
            if raw.get('image') else None,
            'volumes': export_volumes(raw, refs),
            'networks': export_networks(raw, refs),
            'security_groups': [r for r in (nova.ref_by_name(
                refs, 'security_group', g, owner) for g in groups) if r],
            'key_name': nova.ref_by_name(refs, 'keypair',
                                         raw.get('key_name')),
            'server_group': refs.ref('server_group', member_of[0]['id'])
            if member_of else None,
            'metadata': raw.get('metadata') or None,
            'description': raw.get('description'),
            'tags': raw.get('tags') or None,
            'config_drive': True if str(raw.get('config_drive')).lower()
            in ('true', '1') else None,
            # a secret-looking user data is left out by the exporter
            # (validate.split_secrets), recorded in info.left_out
            'user_data': user_data_text(raw),
        }
        return {k: v for k, v in params.items()
                if v not in (None, []) or k in ('name', 'flavor')}

    def export_info(self, raw):
        info = super().export_info(raw)
        if user_data_text(raw) is not None:
            info['user_data'] = USER_DATA_NOTE
        return info

    def comparable(self, entry, params):
        return {k: params.get(k) for k in COMPARED}

    def deferred_by(self, entry):
        return 'created by cutover'

    def update(self, w, dst_id, changed, want, entry):
        """A server that exists is not changed by ``import``."""
        raise exceptions.CrossCloudFailed(
            f'server {entry.name}: the destination server differs in '
            f'{", ".join(sorted(changed))}; import does not change servers '
            '(cutover builds them): change it in the destination')
