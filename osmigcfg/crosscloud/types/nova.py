"""What the Nova types share: the compute session, refs by name, writes.

Nova is spoken through :class:`osmigcfg.cloud.compute.ComputeSession`
(microversion negotiated once per connection, up to 2.96: flavors embedded
in servers, server group ``policy``/``rules``, keypair types).
:mod:`.flavor`, :mod:`.keypair`, :mod:`.server_group` and :mod:`.server`
use it, and so do the cutover (:mod:`osmigcfg.crosscloud.cutover.nova_ops`)
and the policy preflight.
"""

from typing import Any
import weakref

from osmigcfg.cloud import compute as cloud_compute
from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud.resources import ResourceType

_SESSIONS: weakref.WeakKeyDictionary[
    Any, cloud_compute.ComputeSession] = weakref.WeakKeyDictionary()


def session(conn):
    """The (cached) ComputeSession of a connection."""
    found = _SESSIONS.get(conn)
    if found is None:
        found = _SESSIONS[conn] = cloud_compute.ComputeSession(conn)
    return found


def write(w, method, url, what, body=None):
    """One Nova write through a WriteContext; the answer's body."""
    return session(w.conn).write(method, url, what, body).body


class NovaType(ResourceType):
    """A type served by the compute service."""

    service = 'compute'


def ref_by_name(refs, type_name, name, owner=None):
    """A ref to a resource known by name (Nova gives names, not ids)."""
    if not name:
        return None
    rtype = resources.get_type(type_name)
    found = [r for r in refs.visible(type_name)
             if rtype.source_name(r) == name and (
                 owner is None or rtype.owner(r) in (None, owner))]
    if not found:
        refs.hidden.append((refs.referrer, type_name, name))
        return None
    if refs.mode == 'id':
        return {'ref': type_name, 'id': found[0].get('id')}
    project = refs.project_names.get(rtype.owner(found[0]))
    return model.Ref(type_name, name, project).to_yaml()
