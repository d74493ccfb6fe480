"""Session fixture: two whole local clouds, ``src`` and ``dst``.

Each runs keystone, glance, neutron, cinder, placement and Nova (api,
conductor, scheduler, two computes) as separate processes.  Started once
per test session (about 80 s and 4.3 GB on a busy 2-core box) and
stopped at the end, when the fixture also checks that no process it
started is left.  Missing prerequisites (the clouds virtualenv,
RabbitMQ) skip the ``clouds`` tests locally and fail them under CI.
"""

import itertools
import os

import pytest

from osmigcfg.sandbox import clouds
from osmigcfg.sandbox import clouds_proc
from tests.conftest import require_or_skip

_counter = itertools.count(1)


@pytest.fixture(scope='session')
def local_clouds():
    """A started :class:`~osmigcfg.sandbox.clouds.LocalClouds`."""
    problems = clouds.missing_requirements()
    if problems:
        require_or_skip('local clouds unavailable: ' + '; '.join(problems))
    sandbox = clouds.LocalClouds().start()
    pgids = [p.pgid for p in sandbox.processes().values()]
    yield sandbox
    sandbox.stop()
    leftover = [pid for g in pgids for pid in clouds_proc.group_pids(g)]
    assert not leftover, f'local clouds left processes behind: {leftover}'


@pytest.fixture
def unique_name(request):
    """A short name unique in this session, for resources a test creates."""
    base = request.node.name.split('[')[0].replace('test_', '')[:20]
    return f'{base}-{os.getpid() % 1000}-{next(_counter)}'


@pytest.fixture
def cleanup():
    """Register callables to undo what a test created (run in reverse)."""
    undo = []
    yield undo.append
    for func in reversed(undo):
        try:
            func()
        except Exception:  # best effort: do not mask the test's result
            pass
