"""Fixtures for tests against real Nova 34 (marker ``nova``).

The sandbox fixtures live in ``tests.harness.nova_fixtures``; here a missing
nova skips locally and fails under CI (``tests.conftest.require_or_skip``).
"""

import pytest

from tests.harness.nova_fixtures import (  # noqa: F401
    nova_policy, nova_sandbox, nova_sandbox_session)
from tests.conftest import require_or_skip


@pytest.fixture(scope='session')
def nova_missing():
    return require_or_skip
