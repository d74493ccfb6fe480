"""Raw REST reads through an openstacksdk connection.

The documents use the services' own field names (``admin_state_up``,
``enable_dhcp``, ``router:external``), so resources are read as the API
returns them, through the connection's service proxies (catalog, auth and
microversions stay openstacksdk's job).  Errors become
:class:`~osmigcfg.exceptions.CloudRequestError` with the service's reason.
"""

import logging

from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions

from osmigcfg import exceptions

LOG = logging.getLogger(__name__)


def _reason(error):
    for attr in ('details', 'message'):
        text = getattr(error, attr, None)
        if text:
            return str(text).splitlines()[0]
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def get_json(proxy, path, what, params=None):
    """GET ``path`` on a service proxy and return the JSON body."""
    try:
        response = proxy.get(path, params=params or None)
    except (ksa_exceptions.HttpError, sdk_exceptions.HttpException) as e:
        status = getattr(e, 'http_status', None) or getattr(
            e, 'status_code', None)
        raise exceptions.CloudRequestError(what, status, _reason(e)) from None
    except (ksa_exceptions.ClientException,
            sdk_exceptions.SDKException) as e:
        raise exceptions.CloudUnreachableError(what, _reason(e)) from None
    if response.status_code >= 400:
        raise exceptions.CloudRequestError(
            what, response.status_code, response.reason or 'refused')
    return response.json()


def _next_link(body, key):
    for link in body.get(f'{key}_links') or ():
        if link.get('rel') == 'next':
            return link['href']
    return body.get('next')


def list_json(proxy, path, key, what, params=None):
    """Every item of a paginated list (neutron/cinder links, glance next)."""
    items = []
    url, query = path, dict(params or {})
    while url:
        body = get_json(proxy, url, what, query)
        items.extend(body.get(key) or [])
        url, query = _next_link(body, key), None
        # neutron and cinder link absolute URLs (used as they are); glance
        # links a path from the service root, and its proxy ends in /v2
        if url and url.startswith('/v2/'):
            url = url[len('/v2'):]
    return items


def token_roles(conn):
    """Role names and project of the connection's token."""
    access = conn.session.auth.get_access(conn.session)
    return set(access.role_names or ()), access.project_id, access.project_name


def is_admin(conn):
    """Whether the connection's token carries the ``admin`` role."""
    return 'admin' in token_roles(conn)[0]
