"""Rolling maintenance on the real Nova sandbox (its own 4 computes).

Lean on purpose: one cluster, two waves of two hosts, ACTIVE and SHUTOFF
servers; every server moved exactly once (Nova's migration records), every
host enabled at the end, states kept.  Then the CLI as a user runs it (an
aggregate, mixed states, an anti-affinity pair), a plan refused for want
of room, and SIGKILLs mid-wave and mid-command followed by ``resume``.
"""

import collections
import json
import os
import signal
import subprocess
import time

import pytest

import osmigcfg
from osmigcfg import engine
from osmigcfg.migrate import compute as compute_mod
from osmigcfg.migrate.maintain import plan as plan_mod
from osmigcfg.migrate.maintain import run as run_mod
from osmigcfg.migrate import preflight as preflight_mod
from osmigcfg.sandbox.nova import sandbox as sandbox_mod
from osmigcfg.sandbox import servers
from tests.functional import migrate_support as ms

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


def _fresh(cluster):
    """No server, no aggregate, every compute enabled (tests share it)."""
    admin = cluster.admin
    ms.delete_everything(admin)
    ms.enable_all_computes(admin)
    for agg in list(admin.compute.aggregates()):
        for host in agg.hosts or []:
            admin.compute.remove_host_from_aggregate(agg, host)
        admin.compute.delete_aggregate(agg)
    return admin


def _boot(admin, name, host, flavor, group=None):
    extra = {'scheduler_hints': {'group': group}} if group else {}
    return admin.compute.create_server(
        name=name, flavor_id=flavor, image_id=servers.DEFAULT_IMAGE,
        networks='none', availability_zone=f'nova:{host}', **extra)


def _moves(admin):
    return collections.Counter(m.server_id for m in admin.compute.migrations())


def test_cli_aggregate_two_at_once_moves_every_server_once(
        cluster, tmp_path, monkeypatch, capsys):
    """Issue 13's "done means", as a user types it: aggregate m1-m3 (m4
    outside), two hosts at once, mixed states and an anti-affinity pair.
    m3 holds most, so m1+m2 go first (onto m4: m3 is held) and m3 last
    (onto m1, m2 or m4): everything moves once."""
    admin = _fresh(cluster)
    flavor = ms.micro_flavor(admin)
    group = admin.compute.create_server_group(name='apart',
                                              policy='anti-affinity')
    layout = [('a1', 'm1', None), ('g1', 'm1', group.id),
              ('s1', 'm2', None), ('p1', 'm2', None),
              ('a2', 'm3', None), ('g2', 'm3', group.id), ('a3', 'm3', None)]
    made = {name: _boot(admin, name, host, flavor, g)
            for name, host, g in layout}
    made = {n: servers.wait_for_status(admin, s, 'ACTIVE')
            for n, s in made.items()}
    ms.stop(admin, made['s1'])
    admin.compute.pause_server(made['p1'])
    servers.wait_for_status(admin, made['p1'], 'PAUSED')
    agg = admin.compute.create_aggregate(name='A')
    for host in ('m1', 'm2', 'm3'):
        admin.compute.add_host_to_aggregate(agg, host)
    before = {s.id: s.status for s in admin.compute.servers(
        all_projects=True)}
    moved_before = _moves(admin)
    with ms.cli_environment(monkeypatch, cluster, ms.ADMIN, tmp_path):
        status, out, err = ms.osmigcfg(
            capsys, 'maintain', '--aggregate', 'A', '--hosts-at-once', '2',
            '--exec', 'true', '--yes', '--journal',
            str(tmp_path / 'a.journal'), *ms.identity_args(ms.ADMIN))
        assert status == 0, (out, err)
        assert 'maintenance done' in out, out
        html = tmp_path / 'a.html'
        status, out, err = ms.osmigcfg(
            capsys, 'report', str(tmp_path / 'a.journal'), '-f', 'json',
            '--html', str(html))
    assert status == 0, (out, err)
    rows = json.loads(out)
    assert sorted(r['Name'] for r in rows if r['Outcome'] == 'migrated') \
        == sorted(name for name, _, _ in layout)
    assert 'maintain' in html.read_text()
    moved = _moves(admin)
    assert {s: moved[s] - moved_before[s] for s in before} == \
        {s: 1 for s in before}
    after = {s.id: (s.status, s.compute_host)
             for s in admin.compute.servers(all_projects=True)}
    assert {s: st for s, (st, _) in after.items()} == before
    ids = {n: s.id for n, s in made.items()}
    assert {after[ids[n]][1] for n in ('a1', 'g1', 's1', 'p1')} == {'m4'}
    assert after[ids['g1']][1] != after[ids['g2']][1]
    assert all(s.status == 'enabled' for s in admin.compute.services(
        binary='nova-compute'))


def _flavor(admin, name, ram):
    found = admin.compute.find_flavor(name)
    return (found or admin.compute.create_flavor(
        name=name, ram=ram, vcpus=1, disk=1)).id


def test_third_wave_without_room_is_refused_before_anything_moves(
        cluster, tmp_path, monkeypatch, capsys):
    """Every host has 7,680 MB (8 GB less 512 reserved).  A suspended
    4 GB server stays on m1, m2 and m4 (outside the scope), so once m1 and
    m2 are done no host has 4 GB free: m3's 4 GB server, in wave 3, fits
    nowhere.  Waves 1 and 2 each move a small server and fit."""
    admin = _fresh(cluster)
    big = _flavor(admin, 'osm.big', 4096)
    micro = ms.micro_flavor(admin)
    layout = [('s1', 'm1', big), ('t1', 'm1', micro), ('s2', 'm2', big),
              ('t2', 'm2', micro), ('s4', 'm4', big), ('b3', 'm3', big)]
    made = {name: _boot(admin, name, host, flavor)
            for name, host, flavor in layout}
    made = {n: servers.wait_for_status(admin, s, 'ACTIVE')
            for n, s in made.items()}
    for name in ('s1', 's2', 's4'):
        admin.compute.suspend_server(made[name])
        servers.wait_for_status(admin, made[name], 'SUSPENDED')
    moved_before = sum(_moves(admin).values())
    journal = tmp_path / 'c.journal'
    with ms.cli_environment(monkeypatch, cluster, ms.ADMIN, tmp_path):
        dry, plan, _ = ms.osmigcfg(
            capsys, 'maintain', '--hosts', 'm1,m2,m3', '--order', 'given',
            '--hosts-at-once', '1', '--exec', 'true', '--dry-run',
            *ms.identity_args(ms.ADMIN))
        status, out, err = ms.osmigcfg(
            capsys, 'maintain', '--hosts', 'm1,m2,m3', '--order', 'given',
            '--hosts-at-once', '1', '--exec', 'true', '--yes', '--journal',
            str(journal), *ms.identity_args(ms.ADMIN))
    assert status not in (0, None), (out, err)
    said = out + err
    assert 'MIG201' in said and 'wave 3 (m3)' in said, said
    assert 'MEMORY_MB' in said and 'b3' in said, said
    assert 'Traceback' not in said
    assert dry == 1 and 'error: MIG201 wave 3 (m3)' in plan
    assert plan.startswith('wave 1: m1: 1 to move\nwave 2: m2: 1 to move\n'
                           'wave 3: m3: does not fit (see the error below)\n')
    assert not journal.exists()
    assert sum(_moves(admin).values()) == moved_before
    assert {n: ms.host_of(admin, s) for n, s in made.items()} == \
        {n: h for n, h, _ in layout}
    assert all(s.status == 'enabled' for s in admin.compute.services(
        binary='nova-compute'))


def _start(cluster, tmp_path, *argv):
    """The real ``osmigcfg`` on this test's code, in its own session (its
    maintenance command dies with it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(cluster.token_env(*ms.ADMIN), OSMIGCFG_STATE_DIR=str(tmp_path),
               PYTHONPATH=os.path.dirname(os.path.dirname(
                   osmigcfg.__file__)))
    log = open(tmp_path / 'osmigcfg.log', 'a')  # noqa: SIM115 - closed below
    try:
        return subprocess.Popen(
            [ms.OSMIGCFG, *argv, '--json-events',
             *ms.identity_args(ms.ADMIN)], env=env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        log.close()


def _kill_when(proc, ready, what, timeout=120):
    """SIGKILL ``proc`` (and its command) once ``ready()`` holds."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f'osmigcfg ended before {what}'
        assert time.monotonic() < deadline, f'no {what} in {timeout} s'
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)


def test_sigkill_mid_wave_and_mid_command_then_resume(
        cluster, tmp_path):
    """Killed while wave 2 migrates, resumed; killed again while m1's
    command runs, resumed to the end: every server moved once, the
    command run again on m1, every host enabled."""
    admin = _fresh(cluster)
    flavor = ms.micro_flavor(admin)
    made = [_boot(admin, f'k{n}', host, flavor)
            for n, host in enumerate(['m1', 'm1', 'm2', 'm2'])]
    made = [servers.wait_for_status(admin, s, 'ACTIVE') for s in made]
    made[0] = ms.stop(admin, made[0])
    before = {s.id: s.status for s in made}
    ids = set(before)
    ran, ok = tmp_path / 'ran', tmp_path / 'ok'
    command = (f'echo {{host}} >> {ran}; '
               f'[ {{host}} != m1 ] || [ -e {ok} ] || sleep 300')
    journal = str(tmp_path / 'k.journal')
    cluster.set_migration_duration(live=3.0, cold=3.0)
    try:
        proc = _start(cluster, tmp_path, 'maintain', '--hosts',
                      'm1,m2,m3,m4', '--hosts-at-once', '2', '--exec',
                      command, '--yes', '--journal', journal)
        _kill_when(proc, lambda: any(m.server_id in ids for m in
                                     admin.compute.migrations()),
                   'migration of wave 2')
        proc = _start(cluster, tmp_path, 'resume', journal)
        _kill_when(proc, lambda: ran.exists() and
                   'm1' in ran.read_text().split(), "m1's command")
    finally:
        cluster.clear_faults()
    states = {s.host: s.status for s in admin.compute.services(
        binary='nova-compute')}
    assert states['m1'] == 'disabled', states  # killed: left as it was
    ok.write_text('')
    proc = _start(cluster, tmp_path, 'resume', journal)
    assert proc.wait(300) == 0, (tmp_path / 'osmigcfg.log').read_text()
    assert ran.read_text().split().count('m1') == 2  # run again
    moves = collections.Counter(m.server_id
                                for m in admin.compute.migrations())
    assert {sid: moves[sid] for sid in ids} == {sid: 1 for sid in ids}
    after = {s.id: (s.status, s.compute_host)
             for s in admin.compute.servers(all_projects=True)}
    assert {sid: st for sid, (st, _) in after.items()} == before
    assert {h for _, h in after.values()} <= {'m3', 'm4'}
    assert all(s.status == 'enabled' for s in admin.compute.services(
        binary='nova-compute'))
    kinds = [e['kind'] for e in engine.read_events(journal + '.events.jsonl')]
    assert kinds.count('maintain.finished') == 1
    drained = [e['kind'] for e in engine.read_events(
        journal + '.w2-1.events.jsonl')]
    assert 'item.reconciled' in drained  # the first kill hit mid-move


def test_sigkill_in_the_first_wave_then_resume(cluster, tmp_path):
    """Killed while the first (only) wave migrates, resumed: every server
    moved once, onto the hosts outside the scope, both hosts enabled."""
    admin = _fresh(cluster)
    flavor = ms.micro_flavor(admin)
    made = [_boot(admin, f'f{n}', host, flavor)
            for n, host in enumerate(['m1', 'm1', 'm2'])]
    made = [servers.wait_for_status(admin, s, 'ACTIVE') for s in made]
    ids = {s.id for s in made}
    journal = str(tmp_path / 'first.journal')
    cluster.set_migration_duration(live=3.0)
    try:
        proc = _start(cluster, tmp_path, 'maintain', '--hosts', 'm1,m2',
                      '--hosts-at-once', '2', '--exec', 'true', '--yes',
                      '--journal', journal)
        _kill_when(proc, lambda: any(m.server_id in ids for m in
                                     admin.compute.migrations()),
                   'migration of wave 1')
        states = {s.host: s.status for s in admin.compute.services(
            binary='nova-compute')}
        assert states['m1'] == states['m2'] == 'disabled', states
        proc = _start(cluster, tmp_path, 'resume', journal)
        assert proc.wait(300) == 0, (tmp_path / 'osmigcfg.log').read_text()
    finally:
        cluster.clear_faults()
    moves = collections.Counter(m.server_id
                                for m in admin.compute.migrations())
    assert {sid: moves[sid] for sid in ids} == {sid: 1 for sid in ids}
    after = {s.id: (s.status, s.compute_host)
             for s in admin.compute.servers(all_projects=True)}
    assert {st for st, _ in after.values()} == {'ACTIVE'}
    assert {h for _, h in after.values()} <= {'m3', 'm4'}
    assert all(s.status == 'enabled' for s in admin.compute.services(
        binary='nova-compute'))
    drained = [e['kind'] for e in engine.read_events(
        journal + '.w1-1.events.jsonl')]
    assert 'item.reconciled' in drained  # the kill hit mid-move
