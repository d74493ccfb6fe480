"""The quota type: a project's network and volume limits (admin only).

Each part (``network``, ``volume``) is exported and imported when the
cloud has its service (``part_services``).  Quotas are idempotent PUTs.
"""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud import services
from osmigcfg.crosscloud.resources import DICT
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types import keystone

NETWORK_QUOTAS = ('network', 'subnet', 'port', 'router', 'floatingip',
                  'security_group', 'security_group_rule')
VOLUME_QUOTAS = ('volumes', 'gigabytes', 'snapshots', 'backups',
                 'backup_gigabytes', 'per_volume_gigabytes')


@register
class Quota(keystone.KeystoneType):
    type = 'quota'
    file = 'quotas.yaml'
    nameless = True
    depends_on = ('project',)
    part_services = {'network': 'network', 'volume': 'block-storage'}
    params = (
        Param('project', ref='project', required=True, updatable=False),
        Param('network', DICT),
        Param('volume', DICT),
    )

    def list_visible(self, conn, scope):
        projects = api.list_json(conn.identity, '/projects', 'projects',
                                 'list projects')
        return [self._read(conn, p) for p in projects
                if scope.includes(p['id'])]

    def _read(self, conn, project):
        """A project's quotas, without the parts of absent services."""
        pid = project['id']
        raw = {'project_id': pid, 'name': project['name']}
        absent = services.missing_parts(conn, self)
        if 'network' not in absent:
            net = api.get_json(conn.network, f'/quotas/{pid}',
                               'read network quota')['quota']
            raw['network'] = {k: net[k] for k in NETWORK_QUOTAS if k in net}
        if 'volume' not in absent:
            vol = api.get_json(conn.block_storage, f'/os-quota-sets/{pid}',
                               'read volume quota')['quota_set']
            raw['volume'] = {k: vol[k] for k in VOLUME_QUOTAS if k in vol}
        return raw

    def export_params(self, raw, refs):
        params = {'project': refs.ref('project', raw['project_id'])}
        params.update((k, raw[k]) for k in self.part_services if k in raw)
        return params

    def match_key(self, entry, resolve):
        project = resolve(entry.params.get('project'))
        return ('project', project) if project else None

    def dst_keys(self, raw):
        return [('project', raw['project_id'])]

    def create(self, w, want, entry):
        self.update(w, want['project'],
                    {k: want.get(k) for k in ('network', 'volume')},
                    want, entry)
        return want['project']

    def update(self, w, dst_id, changed, want, entry):
        project = want['project']
        if changed.get('network'):
            w.send('network', 'PUT', f'/quotas/{project}', 'set network '
                   'quota', {'quota': changed['network']})
        if changed.get('volume'):
            w.send('block_storage', 'PUT', f'/os-quota-sets/{project}',
                   'set volume quota', {'quota_set': changed['volume']})
