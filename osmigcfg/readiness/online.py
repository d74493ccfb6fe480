"""Reading a cloud's facts for readiness: the only module here with I/O.

Through an openstacksdk connection (clouds.yaml, ``OS_*``, any auth
plugin): the compute services and hypervisors, the compute API's
microversion range, whether the services a migration calls are in the
catalog, and (as an admin) the role assignments of the service users.
Every request carries ``timeout``; a request that fails, times out or is
refused becomes a :class:`Problem` in the facts, never an exception, so
that a cloud without Placement or without keystone access still gets a
report.  The requests go through :mod:`osmigcfg.cloud.http` (its error
mapping, and its retries of a read after a 5xx or a lost answer); nothing
is written.
"""

import dataclasses
import logging

import openstack
from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions

from osmigcfg import exceptions
from osmigcfg.cloud import http
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
            f'cloud {cloud!r}: {http.short(e)}',
            hint='name an entry of clouds.yaml (OS_CLIENT_CONFIG_FILE)'
        ) from None


class _Reader:
    """GETs through :mod:`osmigcfg.cloud.http` (its error mapping and
    retries), each with a timeout; a failure becomes a :class:`Problem`."""

    def __init__(self, conn, timeout):
        self.conn = conn
        self.timeout = timeout
        self.problems = []

    def get(self, service, path, what, *, key=None, params=None,
            microversion=None):
        """The answer's JSON (its ``key`` when given), or None."""
        try:
            # building the proxy may authenticate and discover versions
            proxy = getattr(self.conn, SERVICES[service])
            body = http.send(proxy, 'GET', path, what=what, where=service,
                             params=params, timeout=self.timeout,
                             microversion=microversion).body
        except exceptions.CloudError as e:
            why = e.message.removeprefix(f'{what}: ')
            self.problems.append(Problem(what, why, service))
            return None
        except _ERRORS as e:
            self.problems.append(Problem(what, http.short(e), service))
            return None
        if key is None:
            return body
        if not isinstance(body.get(key), list):
            self.problems.append(Problem(
                what, f'the answer has no {key!r} list', service))
            return None
        return body[key]


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
        found = reader.get('compute', '/os-services', 'list compute services',
                           key='services', params={'binary': 'nova-compute'},
                           microversion=READ_MICROVERSION)
        if found is not None:
            services = tuple(found)
        found = reader.get('compute', '/os-hypervisors/detail',
                           'list hypervisors', key='hypervisors',
                           microversion=READ_MICROVERSION)
        if found is not None:
            hypervisors = tuple(found)
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
        known = reader.get('identity', '/users', f'find user {name}',
                           key='users', params={'name': name})
        if known is None:
            return None, tuple(reader.problems)
        for user in known:
            found.append(name)
            assigned = reader.get(
                'identity', '/role_assignments',
                f'list the role assignments of {name}',
                key='role_assignments', params={
                    'user.id': user['id'], 'effective': True,
                    'include_names': True})
            if assigned is None:
                return None, tuple(reader.problems)
            rows += assigned
    source = f'keystone ({conn.config.name or "the cloud"})'
    return (assignments_mod.from_keystone_rows(rows, users=found,
                                               source=source),
            tuple(reader.problems))
