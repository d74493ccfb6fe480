"""Fixtures for tests against real Nova 34 (marker ``nova``).

The sandbox fixtures live in the package (``osmigcfg.sandbox.pytest_fixtures``)
so other suites can use them; here a missing nova skips locally and fails
under CI (``tests.conftest.require_or_skip``).
"""

import pytest

from osmigcfg.sandbox.pytest_fixtures import (  # noqa: F401
    nova_policy, nova_sandbox, nova_sandbox_session)
from tests.conftest import require_or_skip


@pytest.fixture(scope='session')
def nova_missing():
    return require_or_skip
