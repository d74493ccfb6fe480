"""Raw REST reads through an openstacksdk connection.

The documents use the services' own field names (``admin_state_up``,
``enable_dhcp``, ``router:external``), so resources are read as the API
returns them, through the connection's service proxies (catalog, auth and
microversions stay openstacksdk's job).  Errors become
:class:`~osmigcfg.exceptions.CloudRequestError` with the service's reason.
"""

import logging
import time

from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions

from osmigcfg import exceptions

LOG = logging.getLogger(__name__)
#: methods safe to send again after a 5xx or a lost answer
IDEMPOTENT = ('GET', 'HEAD', 'PUT', 'DELETE')
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0)


def _reason(error):
    for attr in ('details', 'message'):
        text = getattr(error, attr, None)
        if text:
            return str(text).splitlines()[0]
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def get_json(proxy, path, what, params=None):
    """GET ``path`` on a service proxy and return the JSON body."""
    return send_json(proxy, 'GET', path, what, params=params)


def send_json(proxy, method, path, what, body=None, params=None,
              headers=None, microversion=None):
    """One request on a service proxy; the JSON answer (``{}`` if empty).

    GET, PUT and DELETE are sent again after a 5xx answer (a busy API)
    or a dropped connection;
    a POST never is: its outcome is unknown, and the caller reconciles
    with the cloud (the import looks before it creates again).

    :raises CloudRequestError: the service refused (its status, reason).
    :raises CloudUnreachableError: no answer.
    """
    kwargs = {'params': params or None, 'headers': headers}
    if body is not None:
        kwargs['json'] = body
    if microversion:
        kwargs['microversion'] = microversion
    retries = RETRY_DELAYS if method in IDEMPOTENT else ()
    for delay in retries:
        try:
            return _send_once(proxy, method, path, what, kwargs)
        except exceptions.CloudError as e:
            if not is_transient(e):
                raise
            LOG.debug('%s: %s; retrying in %.1f s', what, e, delay)
            time.sleep(delay)
    return _send_once(proxy, method, path, what, kwargs)


def is_transient(error):
    """A 5xx answer, or a connection the server dropped (a kept-alive
    connection it closed): worth another try for idempotent calls.  A
    refused connection is not: the service is down."""
    if isinstance(error, exceptions.CloudUnreachableError):
        return 'refused' not in error.message.lower()
    status = getattr(error, 'status', None)
    return status is not None and status >= 500


def _send_once(proxy, method, path, what, kwargs):
    try:
        response = proxy.request(path, method, raise_exc=False,
                                 connect_retries=0, **kwargs)
    except (ksa_exceptions.HttpError, sdk_exceptions.HttpException) as e:
        status = getattr(e, 'http_status', None) or getattr(
            e, 'status_code', None)
        raise exceptions.CloudRequestError(what, status, _reason(e)) from None
    except (ksa_exceptions.ClientException,
            sdk_exceptions.SDKException) as e:
        raise exceptions.CloudUnreachableError(what, _reason(e)) from None
    if response.status_code >= 400:
        raise exceptions.CloudRequestError(
            what, response.status_code, _body_reason(response))
    if not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        return {}


def send_raw(proxy, method, path, what, data, headers=None):
    """Send ``data`` (bytes or an iterator of chunks) as a request body."""
    try:
        response = proxy.request(path, method, data=data, headers=headers,
                                 raise_exc=False)
    except (ksa_exceptions.ClientException,
            sdk_exceptions.SDKException) as e:
        raise exceptions.CloudUnreachableError(what, _reason(e)) from None
    if response.status_code >= 400:
        raise exceptions.CloudRequestError(
            what, response.status_code, _body_reason(response))
    return response


def _body_reason(response):
    """The service's own message from an error body, else the reason."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for value in (body, *body.values()):
            if isinstance(value, dict):
                text = value.get('message') or value.get('detail')
                if text:
                    return ' '.join(str(text).split())[:300]
    return response.reason or 'refused'


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
