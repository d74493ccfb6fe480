"""One compute API session: microversion negotiated once, errors made plain.

Every Nova call of the migrator goes through :class:`ComputeSession`, over
the openstacksdk connection's compute proxy (a keystoneauth adapter, so
clouds.yaml, OS_* and every auth plugin work).  It

- negotiates the microversion once: the newest we speak (``TARGET``) capped
  by the cloud's maximum, and refuses a feature the cloud is too old for
  with a :class:`MicroversionError` naming the feature (``require``);
- retries reads on connection errors and 5xx with a short backoff, but
  never re-sends a write: a write whose answer was lost (or was a 5xx) is
  ambiguous and the caller reconciles with the cloud (:class:`TransientError`);
- turns error answers into one-line exceptions with Nova's own reason;
- counts requests (the benchmark reports requests per migration).
"""

import dataclasses
import email.utils
import logging
import threading
import time

from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions

from osmigcfg import exceptions

LOG = logging.getLogger(__name__)

#: The newest compute microversion the migrator speaks.
TARGET = (2, 96)

#: feature -> the microversion it needs (what OSC and Nova's api-ref say).
FEATURES = {
    'live migration with block_migration=auto': (2, 25),
    'live migration to a host checked by the scheduler': (2, 30),
    'cold migration to a chosen host': (2, 56),
    'force-complete of a live migration': (2, 22),
    "listing a server's in-progress migrations": (2, 23),
    'abort of a running live migration': (2, 24),
    'abort of a queued or preparing live migration': (2, 65),
    'migration uuids': (2, 59),
}

READ_RETRIES = 3
RETRY_DELAYS = (0.2, 0.5, 1.0)


def format_version(version):
    return f'{version[0]}.{version[1]}'


def parse_version(text):
    major, _, minor = str(text).partition('.')
    return int(major), int(minor or 0)


class TransientError(exceptions.CloudError):
    """A 5xx answer or a lost answer: retry a read, reconcile a write.

    For a write the outcome is unknown: the cloud may have done it.
    """


@dataclasses.dataclass
class Response:
    status: int
    body: dict
    request_id: str | None
    date: object = None  # the server's clock (``Date``), a datetime


class ComputeSession:
    """The compute API of one openstacksdk connection.

    :param conn: an ``openstack.connection.Connection``.
    :param sleep: the sleep function (tests pass a fake).
    """

    def __init__(self, conn, sleep=time.sleep):
        self.conn = conn
        self.proxy = None
        self.sleep = sleep
        self.requests = 0
        self.last_date = None  # the server's clock at the last answer
        self._lock = threading.Lock()
        self.max_version = self._negotiate()
        self.version = min(self.max_version, TARGET)

    @property
    def endpoint(self):
        """The compute endpoint URL (for messages and journals)."""
        try:
            if self.proxy is not None:
                return self.proxy.get_endpoint()
            return self.conn.config.get_endpoint('compute') or \
                self.conn.config.config.get('auth', {}).get('endpoint') or \
                '<compute endpoint>'
        except Exception:  # noqa: BLE001 - only used in messages
            return '<compute endpoint>'

    def _negotiate(self):
        try:
            self.proxy = self.conn.compute  # may run version discovery
            data = self.proxy.get_endpoint_data()
        except (ks_exceptions.ConnectionError,
                ks_exceptions.DiscoveryFailure,
                sdk_exceptions.SDKException) as e:
            raise exceptions.CloudUnreachableError(
                self.endpoint, _short(e)) from None
        except ks_exceptions.ClientException as e:
            raise exceptions.CloudError(
                f'cannot use the compute API: {_short(e)}') from None
        if data is None:
            raise exceptions.CloudUnreachableError(
                'the compute API', 'no compute endpoint in the catalog')
        top = data.max_microversion
        if not top:
            return (2, 1)
        return (int(top[0]), int(top[1]))

    def supports(self, version):
        """Whether the cloud offers ``version`` (a tuple)."""
        return self.max_version >= tuple(version)

    def require(self, feature):
        """Raise MicroversionError when the cloud is too old for ``feature``."""
        needed = FEATURES[feature]
        if not self.supports(needed):
            raise exceptions.MicroversionError(
                feature, format_version(needed),
                format_version(self.max_version))

    def get(self, url, what, params=None, version=None, full=False):
        """GET with retries; returns the JSON body (the Response if full).

        :param version: a lower microversion for this call only (a tuple),
            for data later microversions dropped.
        """
        for attempt in range(READ_RETRIES + 1):
            try:
                response = self._send('GET', url, what, params=params,
                                      version=version)
                return response if full else response.body
            except (TransientError, exceptions.CloudUnreachableError) as e:
                if attempt == READ_RETRIES:
                    raise _as_final(e, self.endpoint) from None
                LOG.debug('retrying %s after: %s', what, e)
                self.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
        raise AssertionError('unreachable')

    def write(self, method, url, what, body=None):
        """One write (POST/PUT/DELETE), never retried here.

        :returns: :class:`Response`.
        :raises TransientError: when the answer was lost or was a 5xx
            (the write may or may not have happened).
        """
        return self._send(method, url, what, json=body)

    def _send(self, method, url, what, version=None, **kwargs):
        with self._lock:
            self.requests += 1
        version = min(version or self.version, self.version)
        try:
            resp = self.proxy.request(
                url, method, microversion=format_version(version),
                connect_retries=0, raise_exc=False, **kwargs)
        except ks_exceptions.ConnectFailure as e:
            if method == 'GET' or 'refused' in str(e).lower():
                raise exceptions.CloudUnreachableError(
                    self.endpoint, _short(e)) from None
            raise TransientError(f'{what}: connection lost ({_short(e)})') \
                from None
        except ks_exceptions.ConnectionError as e:
            raise exceptions.CloudUnreachableError(
                self.endpoint, _short(e)) from None
        return self._check(resp, what)

    def _check(self, resp, what):
        request_id = resp.headers.get('x-openstack-request-id')
        date = _date(resp)
        if date is not None:
            self.last_date = date
        if resp.status_code < 400:
            body = {}
            if resp.content:
                try:
                    body = resp.json()
                except ValueError:
                    body = {}
            return Response(resp.status_code, body, request_id, date)
        reason = _reason(resp)
        if resp.status_code >= 500:
            raise TransientError(f'{what}: {reason} (HTTP {resp.status_code})')
        if resp.status_code == 401:
            raise exceptions.CloudRequestError(
                what, 401, 'not authenticated',
                hint='check your credentials (--os-cloud, OS_*)')
        raise exceptions.CloudRequestError(what, resp.status_code, reason)


def _reason(resp):
    """Nova's message from an error body (``{"badRequest": {"message"...}}``)."""
    text = None
    try:
        body = resp.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for value in [body, *body.values()]:
            if isinstance(value, dict) and value.get('message'):
                text = str(value['message'])
                break
    if text is None:
        text = resp.text if resp.text and len(resp.text) < 300 else \
            resp.reason
    return ' '.join(str(text or '').split()) or f'HTTP {resp.status_code}'


def _date(resp):
    try:
        return email.utils.parsedate_to_datetime(resp.headers['Date'])
    except (KeyError, TypeError, ValueError):
        return None


def _short(error):
    text = ' '.join(str(error).split())
    return text[:200]


def _as_final(error, endpoint):
    if isinstance(error, TransientError):
        return exceptions.CloudError(
            f'{error.message}; still failing after {READ_RETRIES} retries')
    return error
