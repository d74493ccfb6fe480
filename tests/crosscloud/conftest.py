"""Session fixture: two whole local clouds, ``src`` and ``dst``.

Each runs keystone, glance, neutron, cinder, placement and Nova (api,
conductor, scheduler, two computes) as separate processes.  Started once
per test session (about 80 s and 4.3 GB on a busy 2-core box) and
stopped at the end, when the fixture also checks that no process it
started is left.  The services' virtualenv is provisioned into the
user's cache on first use (as ``osmigcfg sandbox up`` does); missing
RabbitMQ or Nova skip the ``clouds`` tests locally and fail them under CI.
"""

import itertools
import os
import sys

import pytest

from osmigcfg.sandbox import clouds
from osmigcfg.sandbox.clouds import proc
from osmigcfg.sandbox.clouds import provision
from tests.conftest import require_or_skip

_counter = itertools.count(1)


@pytest.fixture(scope='session')
def local_clouds():
    """A started :class:`~osmigcfg.sandbox.clouds.LocalClouds`."""
    problems = clouds.missing_requirements(provisioned=True)
    if problems:
        require_or_skip('local clouds unavailable: ' + '; '.join(problems))
    venv = provision.ensure_venv(
        lambda line: sys.stderr.write(f'local clouds: {line}\n'))
    sandbox = clouds.LocalClouds(venv=venv).start()
    pgids = [p.pgid for p in sandbox.processes().values()]
    yield sandbox
    sandbox.stop()
    leftover = [pid for g in pgids for pid in proc.group_pids(g)]
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
