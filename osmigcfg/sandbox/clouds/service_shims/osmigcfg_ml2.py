"""An ML2 mechanism driver that binds every port on any host, no agents.

The local clouds run neutron without agents.  This driver stands in for
the L2 agent and its mechanism driver together:

* ``bind_port`` binds to the first segment of a type it knows (flat, vlan,
  vxlan, geneve, local) with vif type ``ovs`` and marks the port ACTIVE,
  as an OVS agent would once it saw the tap device;
* when neutron activates a port's binding on a new host (the end of a
  live migration) it sets the port DOWN; an agent on the new host would
  report the device up again, so ``update_port_postcommit`` does that,
  a moment later and outside the API transaction.

ML2 loads mechanism drivers only by entry point name, so the directory
holding this module also holds ``osmigcfg_sandbox_shims-1.0.dist-info``
declaring ``osmigcfg_any_host`` in ``neutron.ml2.mechanism_drivers``.
Neutron's own ``test`` driver binds only magic host names and fails on
pre-created ports, so it cannot serve a real Nova.
"""

import threading

from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib import context as n_context
from neutron_lib.plugins import directory
from neutron_lib.plugins.ml2 import api
from oslo_log import log as logging

LOG = logging.getLogger(__name__)
BINDABLE = ('flat', 'vlan', 'vxlan', 'geneve', 'local')
VIF_DETAILS = {portbindings.CAP_PORT_FILTER: True,
               portbindings.OVS_HYBRID_PLUG: False}
#: how long the "agent" takes to report a re-bound device up (seconds)
AGENT_DELAY = 0.05


class AnyHostMechanismDriver(api.MechanismDriver):
    """Binds any host; ports go ACTIVE as soon as their binding is."""

    def initialize(self):
        pass

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            if segment[api.NETWORK_TYPE] in BINDABLE:
                context.set_binding(segment[api.ID], portbindings.VIF_TYPE_OVS,
                                    dict(VIF_DETAILS),
                                    status=constants.PORT_STATUS_ACTIVE)
                return

    def update_port_postcommit(self, context):
        port = context.current
        if (context.host and port.get('status') == constants.PORT_STATUS_DOWN
                and context.vif_type == portbindings.VIF_TYPE_OVS
                and port.get(portbindings.HOST_ID) == context.host):
            timer = threading.Timer(AGENT_DELAY, _report_up,
                                    (port['id'], context.host))
            timer.daemon = True
            timer.start()


def _report_up(port_id, host):
    """Set the port ACTIVE on ``host``, as an L2 agent's RPC would."""
    try:
        directory.get_plugin().update_port_status(
            n_context.get_admin_context(), port_id,
            constants.PORT_STATUS_ACTIVE, host=host)
    except Exception:  # the port may be gone by now: an agent would log too
        LOG.exception('could not report port %s up on %s', port_id, host)
