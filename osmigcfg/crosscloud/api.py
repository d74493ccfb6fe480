"""Cross-cloud's JSON requests: the services' own documents, paginated.

The documents use the services' own field names (``admin_state_up``,
``enable_dhcp``, ``router:external``), so resources are read as the API
returns them, through the connection's service proxies (catalog, auth and
microversions stay openstacksdk's job).  Reads and writes go through
:mod:`osmigcfg.cloud.http` (its error mapping and retry policy).
"""

from osmigcfg import exceptions
from osmigcfg.cloud import http


def get_json(proxy, path, what, params=None):
    """GET ``path`` on a service proxy and return the JSON body."""
    return http.send(proxy, 'GET', path, what=what,
                     params=params or None).body


def send_json(proxy, method, path, what, body=None, params=None,
              headers=None, microversion=None):
    """One request on a service proxy; the JSON answer (``{}`` if empty).

    Errors and retries are :mod:`osmigcfg.cloud.http`'s: GET, PUT and
    DELETE are sent again after a 5xx or a lost answer, a POST never is
    (the import looks before it creates again).
    """
    kwargs = {'params': params or None, 'headers': headers}
    if body is not None:
        kwargs['json'] = body
    if microversion:
        kwargs['microversion'] = microversion
    return http.send(proxy, method, path, what=what, **kwargs).body


def delete_json(proxy, path, what):
    """DELETE ``path``; one already gone (404) is fine."""
    try:
        send_json(proxy, 'DELETE', path, what)
    except exceptions.CloudRequestError as e:
        if e.status != 404:
            raise


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
