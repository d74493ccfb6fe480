"""sandbox: real OpenStack services for tests, benches and rehearsals.

Parent side (import these; they never import nova):

* ``nova``: :class:`NovaSandbox`, real Nova 34 in a child process.
* ``servers``: boot / wait / host / migration helpers over openstacksdk.

Child side (imported only inside the Nova process, after nova patched it):
``nova_server`` (entry point), ``nova_stack``, ``control``, ``fake_driver``.
"""

__all__ = ['NovaSandbox']


def __getattr__(name):
    # Lazy, so the Nova child process does not pay for openstacksdk.
    if name == 'NovaSandbox':
        from osmigcfg.sandbox.nova import NovaSandbox
        return NovaSandbox
    raise AttributeError(name)
