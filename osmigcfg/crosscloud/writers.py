"""How each resource type is created and updated in the destination.

A :class:`Writer` turns a resource's *wanted* params (refs already
replaced by destination ids) into API calls: ``create`` returns the new
id, ``update`` sends only the fields that differ.  Writers are registered
per type with :func:`writer` from :mod:`.write_network`,
:mod:`.write_storage`, :mod:`.write_identity` and :mod:`.write_compute`.

Creates are not retried blindly: a run killed after a create call may
resume.  Resources a plan cannot find again by their identity (a floating
IP without a port, a nameless port or volume) are created with a
*marker* in one field (``marker_field``) and renamed right after; a
resumed run looks for the marker before it creates again.
"""

import hashlib
import logging

from osmigcfg.crosscloud import api

LOG = logging.getLogger(__name__)
WRITERS = {}


def writer(cls):
    """Class decorator: register a Writer for its ``type``."""
    WRITERS[cls.type] = cls()
    return cls


def get_writer(type_name):
    """The Writer of a type (KeyError when the type has none)."""
    return WRITERS[type_name]


def marker_for(type_name, source_id):
    """A deterministic create marker for one source resource."""
    digest = hashlib.sha1(f'{type_name}:{source_id}'.encode()).hexdigest()
    return f'osmigcfg-{digest[:12]}'


def body_of(rtype, want, skip=()):
    """The API body of ``want``: API field names, None values dropped."""
    body = {}
    for key, value in want.items():
        if key in skip or value is None:
            continue
        param = rtype.param(key)
        body[param.api_key if param else key] = value
    return body


class WriteContext:
    """What a writer gets: the destination connection and a recorder.

    :param conn: the destination openstacksdk Connection.
    :param record: ``record(phase, **details)`` journals progress.
    :param target_project: the destination project id the resource goes
        to when it is not the credential's own (admin imports), or None.
    """

    def __init__(self, conn, record=None, target_project=None):
        self.conn = conn
        self.record = record or (lambda phase, **details: None)
        self.target_project = target_project

    def send(self, proxy_name, method, path, what, body=None, **kwargs):
        """One API call on a service of the destination."""
        proxy = getattr(self.conn, proxy_name)
        return api.send_json(proxy, method, path, what, body, **kwargs)


class Writer:
    """Base writer; subclasses set ``type`` and implement the verbs."""

    type = None
    #: a field that can carry a create marker (see the module doc)
    marker_field = None

    def create(self, w, rtype, want, entry):
        """Create the resource; return its destination id."""
        raise NotImplementedError

    def update(self, w, rtype, dst_id, changed, want, entry):
        """Change the fields in ``changed`` (``{key: wanted value}``)."""
        raise NotImplementedError

    def find_marked(self, w, marker):
        """The id of a resource carrying ``marker`` (or None)."""
        return None

    def clear_marker(self, w, rtype, dst_id, want):
        """Give the marked field its wanted value."""
        self.update(w, rtype, dst_id,
                    {self.marker_field: want.get(self.marker_field) or ''},
                    want, None)
