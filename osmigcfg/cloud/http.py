"""One request to a cloud: error mapping and the retry policy.

Errors (one mapping for every caller):

* a refused connection -> :class:`~osmigcfg.exceptions.CloudUnreachableError`
  (the service is down: not worth another try);
* a connection that dropped, or an answer that never came ->
  :class:`~osmigcfg.exceptions.TransientError` "connection lost";
* a 5xx answer -> :class:`~osmigcfg.exceptions.TransientError` with the
  status (a busy API);
* any other error status -> :class:`~osmigcfg.exceptions.CloudRequestError`
  with the service's own reason (401 with a hint about credentials).

Retries: GET, HEAD, PUT and DELETE are sent again after a transient error,
after the delays in :data:`RETRY_DELAYS`.  A POST never is: its outcome is
unknown and the caller looks at the cloud before it creates again
(:func:`is_transient` tells it when to look).

keystoneauth's own ``connect_retries``/``status_code_retries`` are turned
off (``connect_retries=0``) because they retry a POST as readily as a GET,
retry a refused connection, sleep with the real clock and hide the number
of requests sent; the policy here is the one place that decides.
"""

import dataclasses
import datetime
import email.utils
import logging
import time
from typing import Any, Callable

from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions

from osmigcfg import exceptions

LOG = logging.getLogger(__name__)

#: methods safe to send again after a 5xx or a lost answer
IDEMPOTENT = ('GET', 'HEAD', 'PUT', 'DELETE')
#: the pause before each retry of an idempotent request
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0)


@dataclasses.dataclass
class Response:
    """An answer below 400: status, JSON body, request id and date."""

    status: int
    body: dict
    request_id: str | None
    date: object = None  # the server's clock (``Date``), a datetime
    raw: object = None   # the requests response (for streamed bodies)


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` is worth another try (5xx, lost answer)."""
    return isinstance(error, exceptions.TransientError)


def send(proxy: Any, method: str, path: str, *, what: str,
         where: str | None = None, retry: bool | None = None,
         sleep: Callable[[float], object] = time.sleep,
         observe: Callable[[Any], None] | None = None,
         **kwargs: Any) -> Response:
    """Send one request on a service proxy; the :class:`Response`.

    :param what: what the request does, for messages.
    :param where: the service named in "cannot reach ..." (``what`` if
        not given).
    :param retry: whether to retry transient errors; by default an
        idempotent method is retried and a POST is not.
    :param observe: called with each answer as it arrives (counting).
    :param kwargs: passed to the proxy's ``request`` (``json``, ``params``,
        ``headers``, ``data``, ``microversion``).
    """
    if retry is None:
        retry = method in IDEMPOTENT
    delays = RETRY_DELAYS if retry else ()
    for delay in delays:
        try:
            return _send_once(proxy, method, path, what, where, observe,
                              kwargs)
        except exceptions.TransientError as e:
            LOG.debug('%s: %s; retrying in %.1f s', what, e, delay)
            sleep(delay)
    try:
        return _send_once(proxy, method, path, what, where, observe, kwargs)
    except exceptions.TransientError as e:
        if delays:
            e.message = f'{e.message}; still failing after ' \
                        f'{len(delays)} retries'
        raise


def _send_once(proxy, method, path, what, where, observe, kwargs):
    response = request(proxy, method, path, what=what, where=where,
                       **kwargs)
    if observe is not None:
        observe(response)
    return check(response, what, read=not kwargs.get('stream'))


def request(proxy: Any, method: str, path: str, *, what: str,
            where: str | None = None, **kwargs: Any) -> Any:
    """Send once and return the raw answer, whatever its status.

    For callers that read refusals as data (the policy rehearsal); only a
    missing answer raises (:func:`connection_error`).
    """
    try:
        return proxy.request(path, method, raise_exc=False,
                             connect_retries=0, **kwargs)
    except (ksa_exceptions.HttpError, sdk_exceptions.HttpException) as e:
        status = getattr(e, 'http_status', None) or getattr(
            e, 'status_code', None)
        raise exceptions.CloudRequestError(what, status, short(e)) from None
    except (ksa_exceptions.ConnectionError, ksa_exceptions.ClientException,
            sdk_exceptions.SDKException) as e:
        raise connection_error(e, what=what, where=where) from None


def connection_error(error: BaseException, *, what: str,
                     where: str | None = None) -> exceptions.CloudError:
    """The exception for a request that got no answer."""
    reason = short(error)
    if 'refused' in reason.lower() or not isinstance(
            error, ksa_exceptions.ConnectFailure):
        return exceptions.CloudUnreachableError(where or what, reason)
    return exceptions.TransientError(what, None, f'connection lost ({reason})')


def check(response: Any, what: str, *, read: bool = True) -> Response:
    """:class:`Response` for an answer below 400; else raise (module doc).

    :param read: read the JSON body (not for a streamed download).
    """
    status = response.status_code
    if status >= 500:
        raise exceptions.TransientError(what, status, reason(response))
    if status == 401:
        raise exceptions.CloudRequestError(
            what, 401, 'not authenticated',
            hint='check your credentials (--os-cloud, OS_*)')
    if status >= 400:
        raise exceptions.CloudRequestError(what, status, reason(response))
    return Response(status, _json(response) if read else {},
                    response.headers.get('x-openstack-request-id'),
                    check_date(response), response)


def reason(response: Any) -> str:
    """The service's own message from an error answer, on one line.

    Nova, Cinder and Neutron wrap it (``{"badRequest": {"message": ...}}``,
    ``{"NeutronError": {"message": ...}}``), Glance says ``detail``.
    """
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
    text = response.text if response.text and len(response.text) < 300 \
        else response.reason
    return ' '.join(str(text or '').split()) or f'HTTP {response.status_code}'


def short(error: BaseException) -> str:
    """An exception's text on one line, at most 200 characters."""
    text = ' '.join(str(error).split()) or type(error).__name__
    return text[:200]


def _json(response):
    if not response.content:
        return {}
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if body is not None else {}


def check_date(response: Any) -> datetime.datetime | None:
    """The server's clock (``Date`` header) as an aware UTC datetime, or
    None.  ``-0000`` (RFC 2822's "UTC, zone unknown") parses naive; HTTP
    dates are UTC, and naive and aware datetimes cannot be compared."""
    try:
        date = email.utils.parsedate_to_datetime(response.headers['Date'])
    except (KeyError, TypeError, ValueError):
        return None
    return utc(date)


def utc(date: datetime.datetime) -> datetime.datetime:
    """``date`` as an aware UTC datetime (a naive one is taken as UTC)."""
    if date.tzinfo is None:
        return date.replace(tzinfo=datetime.timezone.utc)
    return date.astimezone(datetime.timezone.utc)
