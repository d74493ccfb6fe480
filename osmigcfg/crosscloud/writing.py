"""What a resource type's ``create``/``update`` are given and share.

A type (:mod:`osmigcfg.crosscloud.types`) turns a resource's *wanted*
params (refs already replaced by destination ids) into API calls over a
:class:`WriteContext`: ``create`` returns the new id, ``update`` sends
only the fields that differ.

Creates are not retried blindly: a run killed after a create call may
resume.  Resources a plan cannot find again by their identity (a floating
IP without a port, a nameless port or volume) are created with a
*marker* in one field (the type's ``marker_field``, see
:func:`marker_for`) and renamed right after; a resumed run looks for the
marker before it creates again.
"""

import hashlib

from osmigcfg.crosscloud import api


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
    """What a type's writes get: the destination connection and a recorder.

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
