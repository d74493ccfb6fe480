"""Rolling maintenance on the real Nova sandbox (its own 4 computes).

Lean on purpose: one cluster, two waves of two hosts, ACTIVE and SHUTOFF
servers; every server moved exactly once (Nova's migration records), every
host enabled at the end, states kept.  The kill/resume and capacity
refusal cases of issue 13 are still to be written.
"""

import collections

import pytest

from osmigcfg.migrate import compute as compute_mod
from osmigcfg.migrate.maintain import plan as plan_mod
from osmigcfg.migrate.maintain import run as run_mod
from osmigcfg.migrate import preflight as preflight_mod
from osmigcfg.sandbox.nova import sandbox as sandbox_mod
from osmigcfg.sandbox import servers

pytestmark = pytest.mark.nova
HOSTS = ['m1', 'm2', 'm3', 'm4']


@pytest.fixture(scope='module')
def cluster(nova_missing, tmp_path_factory):
    if not sandbox_mod.nova_available():
        nova_missing('nova 34 is not installed')
    nova = sandbox_mod.NovaSandbox(
        computes=HOSTS, workdir=str(tmp_path_factory.mktemp('maint')),
        conf={'quota.driver': 'nova.quota.NoopQuotaDriver'})
    nova.start()
    yield nova
    nova.stop()


def test_two_waves_move_every_server_once(cluster, tmp_path):
    admin = cluster.admin
    made = servers.boot_multi(admin, 'a', 2, host='m1') + \
        servers.boot_multi(admin, 'b', 2, host='m2')
    admin.compute.stop_server(made[0])
    servers.wait_for_status(admin, made[0], 'SHUTOFF')
    before = {s.id: s.status for s in admin.compute.servers(
        all_projects=True)}
    conn = cluster.connect('admin', 'admin', ['admin'])
    compute = compute_mod.Compute(conn)
    policy, authoritative = preflight_mod.load_policy(release=34)
    preflight = preflight_mod.Preflight(policy, preflight_mod.
                                        caller_from_connection(
                                            conn, roles=['admin', 'member',
                                                         'reader'],
                                            project_id='admin'),
                                        authoritative)
    plan = plan_mod.plan_maintenance(compute, preflight, conn=conn,
                                     hosts=HOSTS, at_once=2)
    assert [w['hosts'] for w in plan.waves] == [['m3', 'm4'], ['m1', 'm2']]
    assert not any(w['twice'] for w in plan.waves)
    result = run_mod.start(
        compute, preflight, plan=plan,
        journal_path=str(tmp_path / 'm.journal'),
        options=run_mod.MaintainOptions(command='echo done {host}'))
    assert result.state == 'done', result.message
    moves = collections.Counter(m.server_id
                                for m in admin.compute.migrations())
    assert {sid: moves[sid] for sid in before} == {sid: 1 for sid in before}
    after = {s.id: (s.status, s.compute_host)
             for s in admin.compute.servers(all_projects=True)}
    assert {sid: st for sid, (st, _) in after.items()} == before
    assert all(h in ('m3', 'm4') for _, h in after.values())
    assert all(s.status == 'enabled' for s in admin.compute.services(
        binary='nova-compute'))


def test_failing_command_stops_there_and_resume_finishes(cluster, tmp_path):
    """Runs after the test above: the servers are on m3 and m4."""
    admin = cluster.admin
    conn = cluster.connect('admin', 'admin', ['admin'])
    compute = compute_mod.Compute(conn)
    policy, authoritative = preflight_mod.load_policy(release=34)
    preflight = preflight_mod.Preflight(
        policy, preflight_mod.caller_from_connection(
            conn, roles=['admin', 'member', 'reader'], project_id='admin'),
        authoritative)
    before = collections.Counter(m.server_id
                                 for m in admin.compute.migrations())
    flag = tmp_path / 'fixed'
    plan = plan_mod.plan_maintenance(compute, preflight, conn=conn,
                                     hosts=HOSTS, at_once=2)
    journal = str(tmp_path / 'f.journal')
    result = run_mod.start(
        compute, preflight, plan=plan, journal_path=journal,
        options=run_mod.MaintainOptions(
            command=f'[ {{host}} != m3 ] || [ -e {flag} ]'))
    assert result.state == 'failed' and 'm3' in result.message
    states = {s.host: s.status for s in admin.compute.services(
        binary='nova-compute')}
    assert states['m3'] == 'disabled' and result.services['m3'] == \
        'maintenance'
    flag.write_text('')
    result = run_mod.resume(compute, preflight, journal_path=journal)
    assert result.state == 'done', result.message
    after = collections.Counter(m.server_id
                                for m in admin.compute.migrations())
    assert {s: after[s] - before[s] for s in before} == \
        {s: 1 for s in before}
    assert all(s.status == 'enabled' for s in admin.compute.services(
        binary='nova-compute'))
