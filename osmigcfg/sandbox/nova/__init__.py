"""The in-process Nova sandbox: real Nova 34 in one child process.

Used by ``policy rehearse`` and the fast migrator tests.  Parent side:
``sandbox`` (:class:`NovaSandbox`, which talks to the child over HTTP) and
``process``.  Child side, imported only inside the Nova process after nova
patched it: ``server`` (entry point), ``stack``, ``control``,
``fake_driver``.  ``NovaSandbox`` is re-exported lazily, so the child does
not pay for openstacksdk.
"""


__all__ = ['NovaSandbox']


def __getattr__(name):
    if name == 'NovaSandbox':
        from osmigcfg.sandbox.nova.sandbox import NovaSandbox
        return NovaSandbox
    raise AttributeError(name)
