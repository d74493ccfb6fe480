"""What a drain asks Nova, counted by a loopback proxy in front of real
Nova 34: the run's shared watch lists changed servers and changed
migration records once per interval for every waiting migration, so a
live migration's wait reads neither its server nor its record on its own.
"""

import collections
import re
import threading
import time

import pytest

from osmigcfg.migrate import compute as compute_mod
from osmigcfg.migrate import drivers
from osmigcfg.migrate import facts as facts_mod
from osmigcfg.migrate import preflight as pf
from osmigcfg.migrate import watch as watch_mod
from tests.functional import faultproxy
from tests.functional import migrate_support as ms

pytestmark = pytest.mark.nova

SERVER = re.compile(r'^/v2\.1/servers/[0-9a-f-]{36}$')


class Counter:
    """Passes every request; counts them by kind."""

    def __init__(self):
        self.kinds = collections.Counter()
        self.lock = threading.Lock()

    def __call__(self, method, path):
        bare, _, query = path.partition('?')
        if method == 'GET' and SERVER.match(bare):
            kind = 'server read'
        elif method == 'GET' and bare.endswith('/os-migrations'):
            kind = ('record read' if 'instance_uuid' in query else
                    'records changed' if 'changes-since' in query else
                    'records listed')
        elif method == 'GET' and bare.endswith('/servers/detail'):
            kind = ('servers changed' if 'changes-since' in query
                    else 'servers listed')
        elif method == 'GET' and bare.endswith('/migrations'):
            kind = 'progress look'
        else:
            kind = f'{method} {bare.split("/")[-1]}'
        with self.lock:
            self.kinds[kind] += 1
        return 'pass'


@pytest.fixture
def nova(nova_sandbox):
    yield nova_sandbox
    ms.delete_everything(nova_sandbox.admin)


def test_a_drain_waits_on_shared_lists_not_on_each_server(nova, tmp_path):
    admin = nova.admin
    made = ms.boot_many(admin, [f'r-{i}' for i in range(6)], host='host1',
                        flavor=ms.micro_flavor(admin))
    nova.set_migration_duration(live=2)
    counter = Counter()
    with faultproxy.FaultProxy(nova.port, counter) as proxy:
        found = ms.drain_through(proxy.endpoint, 'osmigcfg-requests', 'host1',
                                 str(tmp_path / 'j'), per_host=6)
    assert [o.outcome for o in found] == ['migrated'] * 6, \
        [(o.name, o.reason) for o in found]
    for server in made:
        assert ms.host_of(admin, server) != 'host1'
    kinds = counter.kinds
    assert kinds['POST action'] == 6, kinds
    # every wait learnt its record's end from the shared list of changed
    # records (a record read of its own is the fallback after 30 s)
    assert kinds['records changed'] >= 1, kinds
    assert kinds['record read'] == 0, kinds
    # a wait reads its server only when no look brought it within 5 s:
    # before the watch reached back, every wait read it at least twice
    assert kinds['server read'] < 6, kinds
    # migrations held 2 s never ran 15 s: no look at their bytes
    assert kinds['progress look'] == 0, kinds


def test_a_caller_who_may_not_list_records_waits_as_before(nova, tmp_path):
    """Nova refuses the list of changed records (403, as for a member
    under Nova's defaults): the watch stops asking for it, and the wait
    reads the record itself."""
    admin = nova.admin
    server, = ms.boot_many(admin, ['r-refused'], host='host1',
                           flavor=ms.micro_flavor(admin))
    nova.set_migration_duration(live=1)

    def refuse_changed_records(method, path):
        if path.split('?')[0].endswith('/os-migrations') and \
                'changes-since' in path:
            return 403
        return 'pass'

    with faultproxy.FaultProxy(nova.port, refuse_changed_records) as proxy:
        compute = compute_mod.Compute(ms.connect_admin(proxy.endpoint, 'osmigcfg-requests'))
        watch = watch_mod.ServerWatch(compute, all_projects=True,
                                      interval=0.3, migrations=True)
        driver = drivers.LiveDriver(
            compute, pf.Preflight(None, pf.Caller(None, None)),
            poll=(0.3, 1.5, 1.0), watch=watch)
        facts = facts_mod.snapshot(compute, server.id)
        start = driver.start(facts)
        assert start.get('since'), start
        moved = driver.wait(facts, start, deadline=time.time() + 120)
        result = driver.verify(facts, start, moved)
        assert proxy.count(403) == 1  # asked once, then not again
    assert watch.migrations is False
    assert result['migration_status'] == 'completed'
    assert ms.host_of(admin, server) != 'host1'
