"""A test cloud stitched from two sandboxes: a local cloud and a Nova.

The local clouds (:mod:`.clouds`) run real keystone, glance, neutron and
cinder, but no Nova; :class:`~osmigcfg.sandbox.nova.NovaSandbox` runs real
Nova, but with Nova's own in-process fake glance, neutron and cinder.  A
:class:`StitchedConnection` presents both as one cloud to osmigcfg: its
``compute`` is the NovaSandbox's, everything else (identity, image,
network, block storage, the session and its token) is the local cloud's.
:func:`stitch` makes the Nova token name the local project's *id*, so
servers belong to the same project as the local resources.

What is real and what is stitched, precisely:

- every Nova call (servers, flavors, keypairs, server groups, stop/start,
  boot from volume, volume attachments) is answered by real Nova 34;
- every glance/neutron/cinder call osmigcfg makes is answered by the real
  local services;
- but Nova itself does not call those local services: its fixtures
  answer it.  Nova's CinderFixture accepts any volume id, so a server can
  boot from, and attach, the *real* local volumes by id (Nova does not
  read their bytes; osmigcfg copies them through the real glance and
  cinder).  Nova's GlanceFixture knows only its own images (a test can
  create, in the local glance, an image with the same id), and its
  NeutronFixture only its own network, so a stitched server boots
  without NICs: the ports and floating IPs are real on the neutron side
  only.
"""


class StitchedConnection:
    """``compute`` from one connection, everything else from another."""

    def __init__(self, services, compute):
        self._services = services
        self._compute = compute

    @property
    def compute(self):
        """The NovaSandbox's compute proxy."""
        return self._compute.compute

    @property
    def config(self):
        """The local cloud's config, with the Nova sandbox's endpoint for
        ``compute`` (the local catalog has none, so the cross-cloud
        catalog check would leave servers out)."""
        return _StitchedConfig(self._services.config,
                               self._compute.compute.get_endpoint())

    def __getattr__(self, name):
        return getattr(self._services, name)


class _StitchedConfig:
    """A CloudRegion whose ``compute`` endpoint is the Nova sandbox's."""

    def __init__(self, config, compute_endpoint):
        self._config = config
        self._compute_endpoint = compute_endpoint

    def get_endpoint(self, service_type):
        if service_type == 'compute':
            return self._compute_endpoint
        return self._config.get_endpoint(service_type)

    def __getattr__(self, name):
        return getattr(self._config, name)


def stitch(services, nova, user='stitched', roles=None):
    """A StitchedConnection of a local-cloud connection and a NovaSandbox.

    The Nova identity is ``user`` in the local connection's project (its
    id), with the local token's roles unless ``roles`` is given.
    """
    access = services.session.auth.get_access(services.session)
    roles = list(roles if roles is not None else access.role_names)
    compute = nova.connect(user, access.project_id, roles,
                           implied=False)
    return StitchedConnection(services, compute)

