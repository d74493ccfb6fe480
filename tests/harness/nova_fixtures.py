"""pytest fixtures for the real-Nova sandbox (test-only: not installed).

Import them into a ``conftest.py``::

    from tests.harness.nova_fixtures import (  # noqa: F401
        nova_missing, nova_policy, nova_sandbox, nova_sandbox_session)

``nova_missing`` (session)
    ``callable(reason)`` run when nova is not installed; ``pytest.skip`` by
    default.  Define your own fixture of that name to fail instead (this
    project's ``tests/functional/conftest.py`` fails under CI).
``nova_sandbox_session`` (session)
    The :class:`~osmigcfg.sandbox.nova.NovaSandbox`: computes host1..host3,
    Nova 34 default policy.  Started on first use, stopped at session end.
``nova_sandbox`` (function)
    The same sandbox; after the test, whatever the test changed through it
    (policy file, policy dirs, enforce_new_defaults, faults, stopped
    computes) is put back.  Servers are left alone: delete what you boot
    (``servers.delete_all(sandbox.admin, all_projects=True)`` clears all);
    each host holds 15 ``m1.tiny`` servers.
``nova_policy`` (function)
    ``nova_policy(text=None, dirs=None, enforce_new_defaults=None)`` applies
    a policy for this test only.

Mark tests that use them ``@pytest.mark.nova``.
"""

import pytest

from osmigcfg.sandbox.nova import sandbox as nova_sandbox_mod

COMPUTES = ('host1', 'host2', 'host3')


@pytest.fixture(scope='session')
def nova_missing():
    """What to do when nova is not installed (default: skip)."""
    return pytest.skip


@pytest.fixture(scope='session')
def nova_sandbox_session(nova_missing, tmp_path_factory):
    """One real Nova for the whole session (3 computes, default policy)."""
    if not nova_sandbox_mod.nova_available():
        nova_missing('nova 34 is not installed: '
                     + nova_sandbox_mod.INSTALL_HINT)
    sandbox = nova_sandbox_mod.NovaSandbox(
        computes=COMPUTES, workdir=str(tmp_path_factory.mktemp('nova')))
    sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def nova_sandbox(nova_sandbox_session):
    """The session sandbox, restored after the test to how it started."""
    yield nova_sandbox_session
    if nova_sandbox_session.running:
        nova_sandbox_session.reset()


@pytest.fixture
def nova_policy(nova_sandbox):
    """``nova_policy(text, dirs=None, enforce_new_defaults=None)`` for one
    test; the defaults come back afterwards (through ``nova_sandbox``)."""
    def apply(text=None, dirs=None, enforce_new_defaults=None):
        nova_sandbox.set_policy(text)
        if dirs is not None:
            nova_sandbox.set_policy_dirs(dirs)
        if enforce_new_defaults is not None:
            nova_sandbox.set_enforce_new_defaults(enforce_new_defaults)
        return nova_sandbox
    return apply
