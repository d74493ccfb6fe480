"""What the neutron types share: listing, the ``{<key>: body}`` envelope,
tags, an admin's ``project_id``, create markers.

:class:`NeutronType` is the base of :mod:`.network`, :mod:`.subnet`,
:mod:`.router`, :mod:`.security_group`, :mod:`.port` and
:mod:`.floating_ip`.  Fields keep neutron's API names.  Tags go through
neutron's ``PUT /<resources>/<id>/tags`` after the create.  An admin
import puts ``project_id`` in the body of resources of another project.
"""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.resources import LIST
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import ResourceType
from osmigcfg.crosscloud.writing import body_of


def list_neutron(conn, path, key):
    """Every resource of one neutron collection the credential sees."""
    return api.list_json(conn.network, path, key, f'list {key}')


def tags_param():
    """The ``tags`` param every neutron type carries."""
    return Param('tags', LIST, unordered=True)


def is_service_port(raw):
    """A port neutron makes itself (``device_owner`` ``network:*``)."""
    return (raw.get('device_owner') or '').startswith('network:')


def is_router_interface(raw):
    """A port that is a router's interface."""
    return (raw.get('device_owner') or '').startswith(
        'network:router_interface')


def all_ports(book):
    """Every port the credential sees, neutron's own included (cached)."""
    return book.cached('ports:all', lambda: list_neutron(book.conn, '/ports',
                                                         'ports'))


class NeutronType(ResourceType):
    """A neutron resource: POST/PUT ``/<collection>`` with a ``{key: body}``
    envelope."""

    service = 'network'
    #: the URL collection (``security-groups``) and the body key
    collection: str | None = None
    key: str | None = None
    #: params sent by a later call, not in the create body
    later: tuple[str, ...] = ('tags',)

    @property
    def list_key(self):
        """The key of a listing's body (``security_groups``)."""
        return self.collection.replace('-', '_')

    def list_visible(self, conn, scope):
        return list_neutron(conn, f'/{self.collection}', self.list_key)

    def create_body(self, w, want, entry):
        """The create call's body (a subclass adds what its knobs say)."""
        body = body_of(self, want, self.later)
        if w.target_project:
            body['project_id'] = w.target_project
        return body

    def create(self, w, want, entry):
        found = w.send('network', 'POST', f'/{self.collection}',
                       f'create {self.key}',
                       {self.key: self.create_body(w, want, entry)})
        dst_id = found[self.key]['id']
        w.record('created', dst_id=dst_id)
        self.after_create(w, dst_id, want, entry)
        return dst_id

    def after_create(self, w, dst_id, want, entry):
        """What the create body cannot carry (tags; a router's parts)."""
        if want.get('tags'):
            self.set_tags(w, dst_id, want['tags'])

    def set_tags(self, w, dst_id, tags):
        w.send('network', 'PUT', f'/{self.collection}/{dst_id}/tags',
               f'tag {self.key}', {'tags': list(tags or ())})

    def update(self, w, dst_id, changed, want, entry):
        changed = dict(changed)
        retag = 'tags' in changed
        tags = changed.pop('tags', None)
        body = body_of(self, changed)
        if body:
            w.send('network', 'PUT', f'/{self.collection}/{dst_id}',
                   f'update {self.key}', {self.key: body})
        if retag:
            self.set_tags(w, dst_id, tags)

    def find_marked(self, w, marker):
        found = api.list_json(w.conn.network, f'/{self.collection}',
                              self.list_key, f'list {self.collection}',
                              {self.marker_field: marker})
        return found[0]['id'] if found else None
