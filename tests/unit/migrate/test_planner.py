import pytest

from osmigcfg import engine
from osmigcfg.migrate import capacity
from osmigcfg.migrate import planner


def _server(status='ACTIVE', task_state=None, host='h1', **extra):
    return dict({'id': 'id-' + status, 'name': 'vm', 'status': status,
                 'task_state': task_state, 'host': host, 'host_id': 'x',
                 'project_id': 'p', 'flavor': {'original_name': 'm1.tiny',
                                               'vcpus': 1, 'ram': 512,
                                               'disk': 1}}, **extra)


@pytest.mark.parametrize('status, wanted, method, why', [
    ('ACTIVE', 'auto', 'live', None),
    ('PAUSED', 'auto', 'live', None),
    ('SHUTOFF', 'auto', 'cold', None),
    ('ACTIVE', 'cold', 'cold', None),
    ('SHUTOFF', 'live', None, 'only ACTIVE or PAUSED'),
    ('PAUSED', 'cold', None, 'Nova cannot migrate'),
    ('SUSPENDED', 'auto', None, 'resume it first'),
    ('ERROR', 'auto', None, 'repair it first'),
])
def test_method_follows_the_server_state(status, wanted, method, why):
    chosen, skip = planner.choose_method(_server(status), wanted)
    assert chosen == method
    assert (why is None and skip is None) or why in skip


def test_a_busy_server_is_skipped_with_its_task():
    item = planner.plan_item(_server(task_state='resize_prep'))
    assert item['method'] is None
    assert item['skip'] == 'busy: task resize_prep in progress'


def test_filters_select_by_name_flavor_and_project():
    servers = [_server(name='web-1'), _server(name='db-1'),
               _server(name='web-2', project_id='q')]
    assert [s['name'] for s in planner.filter_servers(
        servers, name_regex='^web')] == ['web-1', 'web-2']
    assert [s['name'] for s in planner.filter_servers(
        servers, name_regex='web', project='q')] == ['web-2']
    assert planner.filter_servers(servers, flavor='m1.big') == []


def test_plan_round_trips_through_a_dict():
    plan = planner.Plan('drain', 'h1', [planner.plan_item(_server())])
    again = planner.Plan.from_dict(plan.to_dict())
    assert again.to_dict() == plan.to_dict()
    assert len(again.movers) == 1


def test_packing_reports_servers_that_fit_nowhere():
    needs = [('a', {'MEMORY_MB': 600}), ('b', {'MEMORY_MB': 600}),
             ('c', {'MEMORY_MB': 300})]
    placed, unplaced = capacity.pack(needs, {'h2': {'MEMORY_MB': 1000},
                                             'h3': {'MEMORY_MB': 500}})
    assert placed == {'a': 'h2', 'c': 'h3'}
    assert unplaced == ['b']


def test_flavor_needs_count_ephemeral_disk():
    assert capacity.flavor_needs({'vcpus': 2, 'ram': 2048, 'disk': 10,
                                  'ephemeral': 5}) == {
        'VCPU': 2, 'MEMORY_MB': 2048, 'DISK_GB': 15}


def test_default_windows_keep_novas_queue_filled():
    # no global limit by default: the window is absent (unlimited)
    assert engine.Windows.for_migrations(nova_limit=1).limits == {
        'source': 3, 'dest': 3}
    assert engine.Windows.for_migrations(nova_limit=4).limits['source'] == 8
    assert engine.Windows.for_migrations(
        per_host=1, max_parallel=4).limits == {
        'global': 4, 'source': 1, 'dest': 1}


def test_a_host_on_a_cloud_older_than_2_56_is_a_plan_error(conn, nova_http):
    from osmigcfg.migrate import compute as compute_mod
    from osmigcfg.migrate import preflight as pf
    from tests.unit.migrate.conftest import ENDPOINT, version_document
    nova_http.get(ENDPOINT, json=version_document('2.53'))
    nova_http.get(ENDPOINT + '/', json=version_document('2.53'))
    sid = '11111111-2222-3333-4444-555555555555'
    nova_http.get(f'{ENDPOINT}/servers/{sid}', json={'server': {
        'id': sid, 'name': 'vm', 'status': 'ACTIVE', 'tenant_id': 'p',
        'hostId': 'x', 'OS-EXT-STS:task_state': None}})
    plan = planner.plan_servers(
        compute_mod.Compute(conn), pf.Preflight(None, pf.Caller(None, None)),
        refs=[sid], method='cold', host='host2')
    assert 'MIG005' in plan.report.codes()
    assert plan.report.fails('error')
