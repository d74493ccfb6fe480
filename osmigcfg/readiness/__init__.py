"""Migration readiness across services (Nova, Neutron, Cinder, Placement).

Will each kind of migration work in this cloud, and if not, why and how to
fix it::

    from osmigcfg import readiness
    inputs = readiness.Inputs(nova_conf='nova.conf',
                              neutron_conf='neutron.conf',
                              role_assignments='roles.yaml')
    result = readiness.assess(inputs)            # or conn=an admin's
    result.verdict('live')                       # 'ready' | 'blocked' | ...
    result.report                                # every RDY/CFG finding

The data it stands on::

    # policies/migration-calls-nova-34.yaml
    table = readiness.load_calls(34)
    for call in table.for_kind('live'):
        call.service, call.rules, call.identity.name

Each call cites the Nova functions it was derived from;
:func:`source_errors` checks them against a Nova source tree.
"""

from osmigcfg.readiness import codes  # noqa: F401 (registers RDY codes)
from osmigcfg.readiness.assessment import Inputs
from osmigcfg.readiness.assessment import assess
from osmigcfg.readiness.calls import KINDS
from osmigcfg.readiness.calls import known_releases
from osmigcfg.readiness.calls import load_calls
from osmigcfg.readiness.nova_source import source_errors
from osmigcfg.readiness.report_html import render_html
from osmigcfg.readiness.result import ReadinessResult

__all__ = [
    'Inputs',
    'KINDS',
    'ReadinessResult',
    'assess',
    'known_releases',
    'load_calls',
    'render_html',
    'source_errors',
]
