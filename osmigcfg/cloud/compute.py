"""One compute API session: microversion negotiated once, errors made plain.

Every Nova call of the migrator and of cross-cloud's Nova types goes
through :class:`ComputeSession`, over the openstacksdk connection's compute
proxy (a keystoneauth adapter, so clouds.yaml, OS_* and every auth plugin
work) and :mod:`osmigcfg.cloud.http` (errors and retries).  It

- negotiates the microversion once: the newest we speak (``TARGET``) capped
  by the cloud's maximum, and refuses a feature the cloud is too old for
  with a :class:`MicroversionError` naming the feature (``require``);
- retries reads as :mod:`osmigcfg.cloud.http` does, but never re-sends a
  write, not even a DELETE: a write whose answer was lost (or was a 5xx)
  is ambiguous and the migrator reconciles with the cloud
  (:class:`~osmigcfg.exceptions.TransientError`);
- counts requests (the benchmark reports requests per migration).
"""

import threading
import time
from typing import Any, Callable

from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions

from osmigcfg import exceptions
from osmigcfg.cloud import http


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
    'listing migrations changed since a time': (2, 59),
}


def format_version(version: tuple[int, int]) -> str:
    return f'{version[0]}.{version[1]}'


class ComputeSession:
    """The compute API of one openstacksdk connection.

    :param conn: an ``openstack.connection.Connection``.
    :param sleep: the sleep function (tests pass a fake).
    """

    def __init__(self, conn: Any,
                 sleep: Callable[[float], object] = time.sleep) -> None:
        self.conn = conn
        self.proxy = None
        self.sleep = sleep
        self.requests = 0
        self.last_date = None  # the server's clock at the last answer
        self._lock = threading.Lock()
        self.max_version = self._negotiate()
        self._where = self.endpoint  # named when the API stops answering
        self.version = min(self.max_version, TARGET)

    @property
    def endpoint(self) -> str:
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
                self.endpoint, http.short(e)) from None
        except ks_exceptions.ClientException as e:
            raise exceptions.CloudError(
                f'cannot use the compute API: {http.short(e)}') from None
        if data is None:
            raise exceptions.CloudUnreachableError(
                'the compute API', 'no compute endpoint in the catalog')
        top = data.max_microversion
        if not top:
            return (2, 1)
        return (int(top[0]), int(top[1]))

    def supports(self, version: tuple[int, ...]) -> bool:
        """Whether the cloud offers ``version`` (a tuple)."""
        return self.max_version >= tuple(version)

    def require(self, feature: str) -> None:
        """Raise MicroversionError when the cloud is too old for ``feature``."""
        needed = FEATURES[feature]
        if not self.supports(needed):
            raise exceptions.MicroversionError(
                feature, format_version(needed),
                format_version(self.max_version))

    def get(self, url: str, what: str, params: dict | None = None,
            version: tuple[int, int] | None = None, full: bool = False) -> Any:
        """GET with retries; returns the JSON body (the Response if full).

        :param version: a lower microversion for this call only (a tuple),
            for data later microversions dropped.
        """
        response = self._send('GET', url, what, params=params,
                              version=version)
        return response if full else response.body

    def write(self, method: str, url: str, what: str,
              body: Any = None) -> http.Response:
        """One write (POST/PUT/DELETE), never retried here.

        :returns: :class:`~osmigcfg.cloud.http.Response`.
        :raises TransientError: when the answer was lost or was a 5xx
            (the write may or may not have happened).
        """
        return self._send(method, url, what, json=body)

    def _send(self, method, url, what, version=None, **kwargs):
        version = min(version or self.version, self.version)
        return http.send(self.proxy, method, url, what=what,
                         where=self._where, retry=method == 'GET',
                         sleep=self.sleep, observe=self._seen,
                         microversion=format_version(version), **kwargs)

    def _seen(self, response):
        with self._lock:
            self.requests += 1
        date = http.check_date(response)
        if date is not None:
            self.last_date = date
