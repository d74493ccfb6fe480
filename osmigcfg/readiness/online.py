"""Reading a cloud's facts for readiness: the only module here with I/O.

Through an openstacksdk connection (clouds.yaml, ``OS_*``, any auth
plugin): the compute services and hypervisors, the compute API's
microversion range, whether the services a migration calls are in the
catalog, and (as an admin) the role assignments of the service users.
Every request carries ``timeout``; a request that fails, times out or is
refused becomes a :class:`Problem` in the facts, never an exception, so
that a cloud without Placement or without keystone access still gets a
report.  These are read-only snapshots: nothing is retried or written.
"""

import dataclasses
import logging

import openstack
from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions

from osmigcfg import exceptions
from osmigcfg.readiness import assignments as assignments_mod

LOG = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
#: The microversion we read services and hypervisors at (UUID ids,
#: hypervisor service host); every Nova since Pike offers it.
READ_MICROVERSION = '2.53'
#: service type -> the proxy openstacksdk names it by.
SERVICES = {'compute': 'compute', 'network': 'network',
            'block-storage': 'block_storage', 'placement': 'placement',
            'identity': 'identity'}
_ERRORS = (ks_exceptions.ClientException, sdk_exceptions.SDKException,
           OSError, ValueError)


@dataclasses.dataclass(frozen=True)
class Problem:
    """A read that did not work: what, and why (one line)."""

    what: str
    why: str
    service: str


@dataclasses.dataclass(frozen=True)
class CloudFacts:
    services: tuple | None = None     # nova-compute os-services (None:
    hypervisors: tuple | None = None  # ...and os-hypervisors/detail) unread
    microversion: tuple = ()      # (min 'x.y', max 'x.y') or ()
    missing: tuple = ()           # service types not in the catalog
    problems: tuple = ()          # Problem
    endpoint: str = ''


def connect(cloud, *, timeout=DEFAULT_TIMEOUT):
    """A connection to a clouds.yaml entry whose every request has a
    timeout (InputError when there is no such entry)."""
    try:
        return openstack.connect(cloud=cloud, api_timeout=timeout)
    except sdk_exceptions.ConfigException as e:
        raise exceptions.InputError(
            f'cloud {cloud!r}: {_short(e)}',
            hint='name an entry of clouds.yaml (OS_CLIENT_CONFIG_FILE)'
        ) from None


def _short(error):
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]


class _Reader:
    """GETs through the connection's proxies, each with a timeout."""

    def __init__(self, conn, timeout):
        self.conn = conn
        self.timeout = timeout
        self.problems = []

    def get(self, service, path, what, *, params=None, microversion=None):
        try:
            # building the proxy may authenticate and discover versions
            proxy = getattr(self.conn, SERVICES[service])
            resp = proxy.get(path, params=params, timeout=self.timeout,
                             raise_exc=False, microversion=microversion)
        except _ERRORS as e:
            self.problems.append(Problem(what, _short(e), service))
            return None
        if resp.status_code >= 400:
            self.problems.append(Problem(
                what, f'HTTP {resp.status_code}', service))
            return None
        try:
            return resp.json()
        except ValueError:
            self.problems.append(Problem(what, 'the answer is not JSON',
                                         service))
            return None


def _missing_services(conn):
    missing = []
    for service_type in SERVICES:
        try:
            url = conn.session.get_endpoint(
                service_type=service_type,
                interface=conn.config.get_interface(),
                region_name=conn.config.get_region_name(service_type))
        except _ERRORS:
            url = None
        if not url:
            missing.append(service_type)
    return tuple(missing)


def _microversion(reader):
    body = reader.get('compute', '/', 'read the compute API version')
    version = (body or {}).get('version') or {}
    if version.get('version'):
        return (version.get('min_version') or '2.1', version['version'])
    return ()


def gather_facts(conn, *, timeout=DEFAULT_TIMEOUT):
    """Read what readiness needs from a cloud (no exception for a failure).

    Args:
        conn: an ``openstack.connection.Connection`` (an admin's, to see
            every compute service).
        timeout: seconds each request may take.
    Returns:
        :class:`CloudFacts`; what could not be read is in ``problems``.
    """
    reader = _Reader(conn, timeout)
    missing = _missing_services(conn)
    services = hypervisors = None
    version = ()
    if 'compute' not in missing:
        version = _microversion(reader)
        body = reader.get('compute', '/os-services', 'list compute services',
                          params={'binary': 'nova-compute'},
                          microversion=READ_MICROVERSION)
        if body is not None:
            services = tuple(body.get('services', ()))
        body = reader.get('compute', '/os-hypervisors/detail',
                          'list hypervisors', microversion=READ_MICROVERSION)
        if body is not None:
            hypervisors = tuple(body.get('hypervisors', ()))
    LOG.debug('read %s compute services and %s hypervisors',
              len(services or ()), len(hypervisors or ()))
    return CloudFacts(services=services, hypervisors=hypervisors,
                      microversion=version, missing=missing,
                      problems=tuple(reader.problems))


def read_assignments(conn, users, *, timeout=DEFAULT_TIMEOUT):
    """The effective role assignments of ``users`` (names) from keystone.

    Returns:
        ``(Assignments or None, problems)``: None when keystone could not
        be asked (no identity endpoint, not an admin, a timeout).
    """
    reader = _Reader(conn, timeout)
    rows, found = [], []
    for name in dict.fromkeys(u for u in users if u):
        body = reader.get('identity', '/users', f'find user {name}',
                          params={'name': name})
        if body is None:
            return None, tuple(reader.problems)
        for user in body.get('users', ()):
            found.append(name)
            body = reader.get('identity', '/role_assignments',
                              f'list the role assignments of {name}',
                              params={'user.id': user['id'],
                                      'effective': True,
                                      'include_names': True})
            if body is None:
                return None, tuple(reader.problems)
            rows += body.get('role_assignments', ())
    source = f'keystone ({conn.config.name or "the cloud"})'
    return (assignments_mod.from_keystone_rows(rows, users=found,
                                               source=source),
            tuple(reader.problems))
