"""Migration readiness across services (Nova, Neutron, Cinder, Placement).

The data it stands on::

    from osmigcfg import readiness
    # policies/migration-calls-nova-34.yaml
    table = readiness.load_calls(34)
    for call in table.for_kind('live'):
        call.service, call.rules, call.identity.name

Each call cites the Nova functions it was derived from;
:func:`source_errors` checks them against a Nova source tree.
"""

from osmigcfg.readiness.calls import KINDS
from osmigcfg.readiness.calls import known_releases
from osmigcfg.readiness.calls import load_calls
from osmigcfg.readiness.nova_source import source_errors

__all__ = [
    'KINDS',
    'known_releases',
    'load_calls',
    'source_errors',
]
