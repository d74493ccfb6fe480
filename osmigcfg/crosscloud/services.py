"""Which services a cloud's catalog offers, and what their absence skips.

A cloud may lack any service osmigcfg reads (an edge cloud with keystone,
glance and neutron only has no compute nor block storage).  Every
resource type names the catalog service it lives in
(:attr:`ResourceType.service`), and a type part served by another one
(a quota's ``volume`` limits) names it in
:attr:`ResourceType.part_services`.  Export, plan, import and copy ask
:func:`has_service` and skip what an absent service would serve, with one
``XCL404`` line per type (:func:`missing_finding`); listings of an absent
service are empty (:class:`~osmigcfg.crosscloud.refs.RefBook`), and
quota or prerequisite reads of it are not made.
"""

import logging
from typing import Any
import weakref

from keystoneauth1 import exceptions as ksa_exceptions

from osmigcfg import exceptions
from osmigcfg import findings
from osmigcfg.crosscloud import codes

LOG = logging.getLogger(__name__)
_SEEN: weakref.WeakKeyDictionary[Any, dict[str, bool]] = (
    weakref.WeakKeyDictionary())


def has_service(conn, service_type):
    """Whether the connection's catalog offers ``service_type``.

    Asked once per connection and service (the catalog is the token's).
    """
    seen = _SEEN.setdefault(conn, {})
    if service_type not in seen:
        seen[service_type] = _lookup(conn, service_type)
        if not seen[service_type]:
            LOG.info('no %s service in the catalog', service_type)
    return seen[service_type]


def _lookup(conn, service_type):
    # what openstacksdk's Connection.has_service decides, without its
    # warning per absent service: disabled in clouds.yaml, an endpoint
    # override, else the token's catalog (aliases such as volumev3 count)
    config = conn.config
    if not config.has_service(service_type):
        return False
    if config.get_endpoint(service_type):
        return True
    try:
        return bool(conn.session.get_endpoint(
            service_type=service_type,
            interface=config.get_interface(service_type),
            region_name=config.get_region_name(service_type),
            service_name=config.get_service_name(service_type)))
    except ksa_exceptions.CatalogException:
        return False
    except ksa_exceptions.ClientException as e:
        raise exceptions.CloudUnreachableError(
            f'the catalog ({service_type})', _first_line(e)) from None


def _first_line(error):
    return (str(error).splitlines() or [type(error).__name__])[0]


def missing_service(conn, rtype):
    """The catalog service ``rtype`` needs that ``conn`` lacks, or None."""
    if rtype.service and not has_service(conn, rtype.service):
        return rtype.service
    return None


def missing_parts(conn, rtype):
    """``{part: service}`` of the type's parts ``conn`` cannot serve."""
    return {part: service for part, service in rtype.part_services.items()
            if not has_service(conn, service)}


def missing_finding(what, service, *, side, count=None, severity=None):
    """The ``XCL404`` line for one type (or type part) left out.

    :param what: ``volume``, or a part: ``quota volume``.
    :param side: ``source`` (not exported) or ``destination`` (not
        planned, so not imported nor copied).
    :param count: how many document resources were left out.
    """
    verb = 'not exported' if side == 'source' else 'not planned'
    many = f' ({count} in the documents)' if count else ''
    return findings.make_finding(
        codes.NO_SERVICE, f'{verb}{many}: the {side} catalog has no '
        f'{service} service', subject=what, severity=severity)
