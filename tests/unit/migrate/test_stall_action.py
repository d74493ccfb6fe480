"""The stall policy acting on a live migration (mocked HTTP: the sandbox's
fake driver reports no memory bytes, so a stall cannot be staged on real
Nova)."""

from osmigcfg.migrate import compute as compute_mod
from osmigcfg.migrate import drivers
from osmigcfg.migrate import preflight as pf
from osmigcfg.migrate import stall
from tests.unit.migrate.conftest import ENDPOINT

SID = '11111111-2222-3333-4444-555555555555'
FACTS = {'id': SID, 'name': 'vm', 'status': 'ACTIVE', 'host': 'h1',
         'host_id': 'x', 'project_id': 'p', 'last_migration': 0}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def _server(status, host, task):
    return {'json': {'server': {
        'id': SID, 'name': 'vm', 'status': status, 'hostId': host,
        'OS-EXT-SRV-ATTR:host': host, 'OS-EXT-STS:task_state': task}}}


def test_a_stalled_live_migration_is_force_completed_once(conn, nova_http):
    clock = Clock()
    migrating = [_server('MIGRATING', 'h1', 'migrating')] * 30
    nova_http.get(f'{ENDPOINT}/servers/{SID}',
                  migrating + [_server('ACTIVE', 'h2', None)])
    nova_http.get(f'{ENDPOINT}/servers/{SID}/migrations', json={
        'migrations': [{'id': 7, 'status': 'running',
                        'memory_remaining_bytes': 4096,
                        'disk_remaining_bytes': 0}]})
    nova_http.post(f'{ENDPOINT}/servers/{SID}/migrations/7/action',
                   status_code=202)
    nova_http.get(f'{ENDPOINT}/os-migrations', json={'migrations': [
        {'id': 7, 'status': 'completed', 'instance_uuid': SID}]})
    compute = compute_mod.Compute(conn, sleep=clock.sleep)
    driver = drivers.LiveDriver(compute, pf.Preflight(None, pf.Caller(
        None, None)), sleep=clock.sleep, clock=clock)
    phases = []
    server = driver.wait(
        FACTS, {}, deadline=clock() + 600,
        stall=stall.StallPolicy('force-complete', after=10),
        record=lambda p, **d: phases.append(p))
    assert server['host'] == 'h2'
    posts = [r for r in nova_http.request_history if r.method == 'POST']
    assert [r.json() for r in posts] == [{'force_complete': None}]
    assert phases == ['stalled', 'stall-force-complete-sent']
