"""sandbox: real OpenStack services for tests, benches, rehearsals and people.

* ``nova/``: the in-process Nova sandbox (:class:`NovaSandbox`), real Nova
  34 with its own fixtures in one child process; ``policy rehearse`` and
  the fast migrator tests use it.
* ``clouds/``: whole local clouds (:class:`~clouds.LocalClouds`), keystone,
  glance, neutron, cinder, placement and Nova as separate processes, with
  the shims the services load (``clouds/service_shims``); ``osmigcfg
  sandbox up`` and the ``clouds`` tests use them.
* ``servers``: boot / wait / host / migration helpers over openstacksdk,
  for either.
"""

__all__ = ['NovaSandbox']


def __getattr__(name):
    # Lazy, so the Nova child process does not pay for openstacksdk.
    if name == 'NovaSandbox':
        from osmigcfg.sandbox.nova.sandbox import NovaSandbox
        return NovaSandbox
    raise AttributeError(name)
