"""The Nova keypair type: its *public* key only.

Nova never returns a private key after creation, and a document holding
one is refused.  A keypair is always created *with* its public key: Nova
would otherwise generate a key pair and return the private key, which
osmigcfg never handles.
"""

from osmigcfg import exceptions
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types import nova


@register
class Keypair(nova.NovaType):
    type = 'keypair'
    file = 'keypairs.yaml'
    project_scoped = False
    own_project_only = True
    policy_rules = (('os_compute_api:os-keypairs:create', 'import keypairs'),)
    params = (
        Param('name', required=True),
        Param('public_key', required=True, updatable=False),
        Param('type', updatable=False),
    )
    info = ('fingerprint', 'user_id', 'created_at')

    def list_visible(self, conn, scope):
        body = nova.session(conn).get('/os-keypairs', 'list keypairs')
        # keypairs are known by name (unique per user): the name is the id
        return [dict(k['keypair'], id=k['keypair']['name'])
                for k in body.get('keypairs') or ()]

    def in_scope(self, raw, scope, refs):
        return True

    def owner(self, raw):
        return None

    def create(self, w, want, entry):
        if not want.get('public_key'):
            raise exceptions.InputError(
                f'keypair {entry.name}: no public key (osmigcfg never lets '
                'Nova generate a private key)')
        body = {k: v for k, v in want.items() if v is not None}
        keypair = nova.write(w, 'POST', '/os-keypairs', 'import keypair',
                             {'keypair': body})['keypair']
        w.record('created', dst_id=keypair['name'])
        return keypair['name']

    def update(self, w, dst_id, changed, want, entry):
        """Keypairs cannot change; the plan reports a differing key."""
