"""Races a drain must survive, staged on real Nova 34 with the sandbox's
knobs: a view from before the start delivered late, a revert that finds the
server still resizing, two servers failing at once.

Each test runs its work in a thread with a deadline of its own, so a wait
that would hang fails the test instead.
"""

import threading
import time

import pytest

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.migrate import compute as compute_mod
from osmigcfg.migrate import drain as drain_mod
from osmigcfg.migrate import drivers
from osmigcfg.migrate import facts as facts_mod
from osmigcfg.migrate import options as options_mod
from osmigcfg.migrate import planner
from osmigcfg.migrate import preflight as pf
from osmigcfg.migrate import watch as watch_mod
from osmigcfg.sandbox import servers
from tests.functional import migrate_support as ms

pytestmark = pytest.mark.nova

POLL = (0.2, 1.5, 1.0)


@pytest.fixture
def nova(nova_sandbox):
    yield nova_sandbox
    nova_sandbox.hold_server_lists(False)
    ms.delete_everything(nova_sandbox.admin)


def within(seconds, call, *args, **kwargs):
    """``call(*args, **kwargs)`` in a daemon thread; the test fails (rather
    than hangs) when it is still running after ``seconds``."""
    outcome = {}

    def run():
        try:
            outcome['value'] = call(*args, **kwargs)
        except BaseException as e:  # handed to the test thread
            outcome['error'] = e

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        pytest.fail(f'{getattr(call, "__name__", call)} still running after '
                    f'{seconds} s: a wait without a deadline')
    if 'error' in outcome:
        raise outcome['error']
    return outcome.get('value')


def _preflight():
    return pf.Preflight(None, pf.Caller(None, None))


@pytest.mark.parametrize('method,records', [
    ('cold', False), ('live', False), ('cold', True), ('live', True)])
def test_a_server_list_answered_before_the_start_is_not_the_end(
        nova, method, records):
    """The watch's list of changed servers is computed by Nova before the
    migration starts and arrives after the wait began: it shows the
    server idle on its source, as if the move had ended (or never
    begun).  The wait must decide from Nova's records instead (read by
    the wait itself, or listed by the watch: ``records``)."""
    admin = nova.admin
    other, server = ms.boot_many(admin, [f'{method}-other', f'{method}-race'],
                                 host='host1', flavor=ms.micro_flavor(admin))
    if method == 'cold':
        ms.stop(admin, server)
    nova.set_migration_duration(**{method: 4})
    compute = compute_mod.Compute(admin)
    watch = watch_mod.ServerWatch(compute, all_projects=True, interval=0.2,
                                  migrations=records)
    driver = drivers.DRIVERS[method](compute, _preflight(), poll=POLL,
                                     watch=watch)
    facts = facts_mod.snapshot(compute, server.id)
    # a change, so that the next list of changed servers shows the server
    admin.compute.update_server(server, name=f'{method}-race-renamed')
    nova.hold_server_lists()
    threading.Thread(target=watch.wait, args=(other.id, lambda v: False),
                     kwargs={'deadline': time.time() + 30},
                     daemon=True).start()
    servers.wait_until(lambda: nova.held_server_lists() >= 1,
                       'a held server list')
    start = driver.start(facts)
    waited = {}

    def wait():
        waited['server'] = driver.wait(facts, start,
                                       deadline=time.time() + 90)
    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    # the wait is registered with the watch (and read the server itself)
    servers.wait_until(lambda: watch._waiters >= 2, 'the wait to register')
    nova.hold_server_lists(False)  # the old list arrives now
    within(120, waiter.join)
    assert 'server' in waited, 'the wait raised (see the log)'
    server_after = waited['server']
    assert facts_mod.moved(facts, server_after), server_after
    if method == 'cold':
        assert server_after['status'] == 'VERIFY_RESIZE'
        server_after = within(120, driver.confirm, facts,
                              deadline=time.time() + 90)
    result = driver.verify(facts, start, server_after)
    assert result['migration_status'] in ('completed', 'confirmed')
    assert ms.host_of(admin, server) != 'host1'


def test_a_revert_that_finds_the_server_still_resizing_waits_then_reverts(
        nova):
    admin = nova.admin
    server = nova.boot(admin, 'revert-early', host='host1')
    nova.set_migration_duration(cold=5)
    compute = compute_mod.Compute(admin)
    cold = drivers.ColdDriver(compute, _preflight(), poll=POLL)
    facts = facts_mod.snapshot(compute, server.id)
    start = cold.start(facts)
    with pytest.raises(exceptions.MigrationTimeout) as timeout:
        within(30, cold.wait, facts, start, deadline=time.time() + 1)
    # what was seen last: the status, the task and Nova's record
    assert 'still RESIZE (task ' in timeout.value.message
    assert 'migration record' in timeout.value.message
    assert ms.status_of(admin, server) == 'RESIZE'  # still resizing
    phases = []
    back = within(120, cold.rollback, facts, deadline=time.time() + 60,
                  record=lambda phase, **d: phases.append(phase))
    assert (back['status'], back['host']) == ('ACTIVE', 'host1')
    assert 'reverting' in phases
    assert ms.host_of(admin, server) == 'host1'
    assert servers.migrations_of(admin, server)[0].status == 'reverted'


def test_two_servers_failing_at_once_are_reported_each_on_its_own(
        nova, tmp_path):
    """Each failure names its own server only; the others' moves stay."""
    admin = nova.admin
    made = ms.boot_many(admin, [f'two-{i}' for i in range(4)], host='host2',
                        flavor=ms.micro_flavor(admin))
    failing = {made[1].id: 'two-1', made[2].id: 'two-2'}
    for server_id in failing:
        nova.fail_live_migration(server_id)
    compute = compute_mod.Compute(admin)
    preflight = _preflight()
    plan = planner.plan_drain(compute, preflight, host='host2')
    events = []
    found, _ = within(300, drain_mod.drain_host, compute, preflight,
                      plan=plan, journal_path=str(tmp_path / 'two.journal'),
                      options=options_mod.RunOptions(
                          windows=engine.Windows.for_migrations(per_host=4)),
                      callbacks=[events.append])
    by_id = {o.id: o for o in found}
    failed_events = {e['item']: e['reason'] for e in events
                     if e['kind'] == 'item.failed'}
    assert set(failed_events) == set(failing)
    for server_id, name in failing.items():
        others = set(failing.values()) - {name}
        outcome = by_id[server_id]
        assert outcome.outcome == 'failed' and name in outcome.reason
        for reason in (outcome.reason, failed_events[server_id]):
            assert name in reason
            assert not any(other in reason for other in others), reason
        assert ms.host_of(admin, server_id) == 'host2'
    for server in (made[0], made[3]):
        assert by_id[server.id].outcome == 'migrated'
        assert ms.host_of(admin, server) != 'host2'
        assert ms.status_of(admin, server) == 'ACTIVE'
        assert not [e for e in events if e['item'] == server.id and
                    e['kind'] in ('item.failed', 'item.rolled-back')]
