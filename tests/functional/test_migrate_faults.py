"""The API misbehaving: 5xx, 409 and dropped connections (before and after
Nova acted), injected by a loopback proxy in front of real Nova 34."""

import itertools
import re
import threading

import pytest

from tests.functional import faultproxy
from tests.functional import migrate_support as ms

pytestmark = pytest.mark.nova

ACTION = re.compile(r'^/v2\.1/servers/([0-9a-f-]+)/action$')
FIRST_POST_FAULTS = ('drop-after', 503, 409, 'drop')


class Schedule:
    """Each server's first migration POST meets a different fault (the
    second passes); every 7th read answers 500 and every 11th is dropped."""

    def __init__(self):
        self.seen_posts = {}
        self.reads = itertools.count(1)
        self.faults = itertools.cycle(FIRST_POST_FAULTS)
        self.lock = threading.Lock()

    def __call__(self, method, path):
        with self.lock:
            match = ACTION.match(path)
            if method == 'POST' and match:
                n = self.seen_posts.setdefault(match.group(1), 0)
                self.seen_posts[match.group(1)] = n + 1
                return next(self.faults) if n == 0 else 'pass'
            if method == 'GET' and '/servers/' in path:
                n = next(self.reads)
                if n % 7 == 0:
                    return 500
                if n % 11 == 0:
                    return 'drop'
            return 'pass'


@pytest.fixture
def nova(nova_sandbox):
    yield nova_sandbox
    ms.delete_everything(nova_sandbox.admin)


def test_a_drain_survives_5xx_409_and_lost_answers_without_duplicates(
        nova, tmp_path):
    admin = nova.admin
    made = ms.boot_many(admin, [f'f-{i}' for i in range(4)], host='host1',
                        flavor=ms.micro_flavor(admin))
    ms.stop(admin, made[3])
    nova.set_migration_duration(live=0.5)
    schedule = Schedule()
    with faultproxy.FaultProxy(nova.port, schedule) as proxy:
        found = ms.drain_through(proxy.endpoint, 'osmigcfg-faults', 'host1',
                                 str(tmp_path / 'j'), per_host=4)
    assert [o.outcome for o in found] == ['migrated'] * 4, \
        [(o.name, o.reason) for o in found]
    for action in FIRST_POST_FAULTS + (500,):
        assert proxy.count(action) >= 1, action
    for server in made:
        assert ms.host_of(admin, server) != 'host1'
        # exactly one migration per server: lost answers were not re-sent
        assert len(ms.migration_actions(admin, server)) == 1
    assert ms.status_of(admin, made[3]) == 'SHUTOFF'
    assert {ms.status_of(admin, s) for s in made[:3]} == {'ACTIVE'}
