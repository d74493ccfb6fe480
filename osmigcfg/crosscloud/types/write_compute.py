"""Nova writers: flavors (admin), keypairs (public key only), server groups.

Servers are not written by ``import``: ``cutover`` boots them
(:mod:`~osmigcfg.crosscloud.cutover.steps`).  A keypair is always created
*with* its public key: Nova would otherwise generate a key pair and
return the private key, which osmigcfg never handles.
"""

import logging

from osmigcfg import exceptions
from osmigcfg.crosscloud.types import compute
from osmigcfg.crosscloud.writers import Writer
from osmigcfg.crosscloud.writers import body_of
from osmigcfg.crosscloud.writers import writer

LOG = logging.getLogger(__name__)


def _write(w, method, url, what, body=None):
    return compute.nova(w.conn).write(method, url, what, body).body


@writer
class FlavorWriter(Writer):
    type = 'flavor'

    def create(self, w, rtype, want, entry):
        body = body_of(rtype, want, ('extra_specs',))
        flavor = _write(w, 'POST', '/flavors', 'create flavor',
                        {'flavor': body})['flavor']
        w.record('created', dst_id=flavor['id'])
        if want.get('extra_specs'):
            _write(w, 'POST', f'/flavors/{flavor["id"]}/os-extra_specs',
                   'set flavor extra specs',
                   {'extra_specs': want['extra_specs']})
        return flavor['id']

    def update(self, w, rtype, dst_id, changed, want, entry):
        if 'description' in changed:
            _write(w, 'PUT', f'/flavors/{dst_id}', 'update flavor',
                   {'flavor': {'description': changed['description']}})
        if changed.get('extra_specs'):
            _write(w, 'POST', f'/flavors/{dst_id}/os-extra_specs',
                   'set flavor extra specs',
                   {'extra_specs': changed['extra_specs']})


@writer
class KeypairWriter(Writer):
    type = 'keypair'

    def create(self, w, rtype, want, entry):
        if not want.get('public_key'):
            raise exceptions.InputError(
                f'keypair {entry.name}: no public key (osmigcfg never lets '
                'Nova generate a private key)')
        body = {k: v for k, v in want.items() if v is not None}
        keypair = _write(w, 'POST', '/os-keypairs', 'import keypair',
                         {'keypair': body})['keypair']
        w.record('created', dst_id=keypair['name'])
        return keypair['name']

    def update(self, w, rtype, dst_id, changed, want, entry):
        """Keypairs cannot change; the plan reports a differing key."""


@writer
class ServerGroupWriter(Writer):
    type = 'server_group'

    def create(self, w, rtype, want, entry):
        body = {k: v for k, v in want.items() if v is not None}
        group = _write(w, 'POST', '/os-server-groups', 'create server group',
                       {'server_group': body})['server_group']
        w.record('created', dst_id=group['id'])
        return group['id']

    def update(self, w, rtype, dst_id, changed, want, entry):
        """Server groups cannot change; the plan reports differences."""
