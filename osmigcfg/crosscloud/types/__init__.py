"""The resource types, one module per type, registered on import.

Each module declares one :class:`~osmigcfg.crosscloud.resources.ResourceType`:
its fields (``params``, ``info``), references, knobs, dependencies,
service, ownership rules, how it is listed and exported, and how it is
created and updated in the destination.  Export, plan, import, copy and
cutover ask the type; adding a field to a type touches its module only.

What a service's types share is in a module named after the service:
:mod:`.neutron`, :mod:`.cinder`, :mod:`.keystone`, :mod:`.nova`.
"""

from osmigcfg.crosscloud.types import flavor  # noqa: F401
from osmigcfg.crosscloud.types import floating_ip  # noqa: F401
from osmigcfg.crosscloud.types import image  # noqa: F401
from osmigcfg.crosscloud.types import keypair  # noqa: F401
from osmigcfg.crosscloud.types import network  # noqa: F401
from osmigcfg.crosscloud.types import port  # noqa: F401
from osmigcfg.crosscloud.types import project  # noqa: F401
from osmigcfg.crosscloud.types import quota  # noqa: F401
from osmigcfg.crosscloud.types import role_assignment  # noqa: F401
from osmigcfg.crosscloud.types import router  # noqa: F401
from osmigcfg.crosscloud.types import security_group  # noqa: F401
from osmigcfg.crosscloud.types import server  # noqa: F401
from osmigcfg.crosscloud.types import server_group  # noqa: F401
from osmigcfg.crosscloud.types import subnet  # noqa: F401
from osmigcfg.crosscloud.types import user  # noqa: F401
from osmigcfg.crosscloud.types import volume  # noqa: F401
from osmigcfg.crosscloud.types import volume_snapshot  # noqa: F401
