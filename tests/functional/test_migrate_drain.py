"""Host drains on real Nova 34: plan, run, failures, a compute going down."""

import threading

import pytest

from osmigcfg import engine
from osmigcfg.migrate import compute as compute_mod
from osmigcfg.migrate import drain as drain_mod
from osmigcfg.migrate import options as options_mod
from osmigcfg.migrate import planner
from osmigcfg.migrate import preflight as pf
from osmigcfg.sandbox import servers
from tests.functional import migrate_support as ms
from tests.unit.migrate import test_report_html

pytestmark = pytest.mark.nova

ADMIN_ARGS = ms.identity_args(ms.ADMIN)


@pytest.fixture
def nova(nova_sandbox, monkeypatch, tmp_path):
    with ms.cli_environment(monkeypatch, nova_sandbox, ms.ADMIN, tmp_path):
        yield nova_sandbox
    ms.delete_everything(nova_sandbox.admin)
    ms.enable_all_computes(nova_sandbox.admin)


def _mixed_host(nova):
    """host1: four ACTIVE, one SHUTOFF, one SUSPENDED server."""
    admin = nova.admin
    flavor = ms.micro_flavor(admin)
    made = ms.boot_many(admin, [f'd-{i}' for i in range(6)], host='host1',
                        flavor=flavor)
    ms.stop(admin, made[4])
    admin.compute.suspend_server(made[5])
    servers.wait_for_status(admin, made[5], 'SUSPENDED')
    return made


def test_dry_run_prints_the_plan_and_changes_nothing(nova, capsys):
    made = _mixed_host(nova)
    status, out, err = ms.osmigcfg(capsys, 'drain', 'host1', '--dry-run',
                                   *ADMIN_ARGS)
    assert status == 0, err
    assert out.count(' live ') == 4 and out.count(' cold ') == 1
    assert 'MIG101 d-5' in out and 'suspended: resume it first' in out
    assert out.rstrip().endswith('5 to move, 1 skipped')
    assert {ms.host_of(nova.admin, s) for s in made} == {'host1'}


def test_drain_moves_live_and_cold_reports_a_failure_and_keeps_states(
        nova, capsys, tmp_path):
    made = _mixed_host(nova)
    nova.fail_live_migration(made[1].id)
    journal = str(tmp_path / 'drain.journal')
    status, out, err = ms.osmigcfg(
        capsys, 'drain', 'host1', '--yes', '--disable-service',
        '--enable-service', '--journal', journal, *ADMIN_ARGS)
    assert status == 1, err  # one server failed
    admin = nova.admin
    lines = dict(line.split(None, 1)[::-1] for line in out.splitlines()
                 if line.split(None, 1)[0] in ('migrated', 'failed',
                                               'skipped'))
    assert sorted(v for v in lines.values()) == ['failed', 'migrated',
                                                 'migrated', 'migrated',
                                                 'migrated', 'skipped']
    failed = next(k for k, v in lines.items() if v == 'failed')
    assert failed.startswith('d-1 (live') and 'rolled back' in failed
    assert ms.host_of(admin, made[1]) == 'host1'
    assert ms.status_of(admin, made[1]) == 'ACTIVE'
    for moved in (made[0], made[2], made[3], made[4]):
        assert ms.host_of(admin, moved) != 'host1'
    assert ms.status_of(admin, made[4]) == 'SHUTOFF'  # cold, confirmed
    service = next(admin.compute.services(binary='nova-compute',
                                          host='host1'))
    # not enabled again: a server could not leave
    assert (service.status, service.disabled_reason) == (
        'disabled', drain_mod.DISABLED_REASON)
    status, out, err = ms.osmigcfg(capsys, 'report', journal, '--timeline',
                                   str(tmp_path / 'drain.png'), '--html',
                                   str(tmp_path / 'drain.html'), '-f', 'csv')
    assert status == 1 and out.count('"migrated"') == 4, err
    assert (tmp_path / 'drain.png').read_bytes().startswith(b'\x89PNG')
    page = test_report_html.Page((tmp_path / 'drain.html').read_text())
    assert len(page.find('svg')) == 1 and not page.errors
    assert sorted(a['class'] for a in page.find('tr') if 'data-server' in a) \
        == ['failed'] + ['migrated'] * 4 + ['skipped']
    secret = nova.token_env(*ms.ADMIN)['OS_TOKEN'].encode()
    for path in tmp_path.glob('drain.journal*'):  # with -wal, events
        assert secret not in path.read_bytes(), path


def test_a_compute_going_down_mid_drain_fails_the_rest_with_a_reason(
        nova, tmp_path):
    """host2 is down from the start; host3 goes down just before the second
    migration is sent: no destination is left, Nova's scheduler fails it."""
    admin = nova.admin
    made = ms.boot_many(admin, ['down-0', 'down-1', 'down-2'], host='host1',
                        flavor=ms.micro_flavor(admin))
    nova.stop_compute('host2')
    compute = compute_mod.Compute(admin)
    preflight = pf.Preflight(None, pf.Caller(None, None))
    plan = planner.plan_drain(compute, preflight, host='host1')
    assert 'MIG112' in plan.report.codes()
    calls = []

    def stop_host3(event):
        if event['kind'] == 'start.calling':
            calls.append(event['item'])
            if len(set(calls)) == 2 and not hasattr(stop_host3, 'done'):
                stop_host3.done = nova.stop_compute('host3')

    found, _ = drain_mod.drain_host(
        compute, preflight, plan=plan, journal_path=str(tmp_path / 'j'),
        options=options_mod.RunOptions(
            windows=engine.Windows.for_migrations(per_host=1)),
        callbacks=[stop_host3])
    by_id = {o.id: o for o in found}
    assert [by_id[s.id].outcome for s in made].count('migrated') == 1
    for s in made:
        outcome = by_id[s.id]
        if outcome.outcome == 'failed':
            assert 'still on its source host' in outcome.reason
            assert 'migration record' in outcome.reason
            assert ms.host_of(admin, s) == 'host1'
        else:
            assert ms.host_of(admin, s) == 'host3'
        assert ms.status_of(admin, s) == 'ACTIVE'


def test_a_member_cannot_drain(nova, capsys, monkeypatch, tmp_path):
    with ms.cli_environment(monkeypatch, nova, ms.MEMBER, tmp_path):
        status, out, err = ms.osmigcfg(capsys, 'drain', 'host1', '--dry-run',
                                       *ms.identity_args(ms.MEMBER))
    assert status == 1 and out == ''
    assert err.startswith('cannot list the servers of host host1: ')
    assert len(err.strip().splitlines()) == 1


def test_migrate_a_list_of_servers_by_name_regex(nova, capsys):
    admin = nova.admin
    made = ms.boot_many(admin, ['web-1', 'web-2', 'db-1'], host='host2',
                        flavor=ms.micro_flavor(admin))
    status, out, err = ms.osmigcfg(capsys, 'migrate', '--name-regex', '^web',
                                   '--method', 'live', '--yes', *ADMIN_ARGS)
    assert status == 0, err
    assert out.count('migrated  ') == 2 and 'db-1' not in out
    assert [ms.host_of(admin, s) != 'host2' for s in made] == [
        True, True, False]


def test_drain_run_from_a_thread_can_be_watched_by_events(nova, tmp_path):
    """The library API: events arrive while the run goes on."""
    admin = nova.admin
    ms.boot_many(admin, ['ev-0', 'ev-1'], host='host3',
                 flavor=ms.micro_flavor(admin))
    compute = compute_mod.Compute(admin)
    preflight = pf.Preflight(None, pf.Caller(None, None))
    plan = planner.plan_drain(compute, preflight, host='host3')
    kinds = []
    worker = threading.Thread(target=drain_mod.drain_host, args=(
        compute, preflight), kwargs={
            'plan': plan, 'journal_path': str(tmp_path / 'j'),
            'options': options_mod.RunOptions(
                windows=engine.Windows.for_migrations()),
            'callbacks': [lambda e: kinds.append(e['kind'])]})
    worker.start()
    worker.join(120)
    assert kinds[0] == 'run.plan' and kinds[-1] == 'run.outcomes'
    assert kinds.count('item.migrated') == 2


def test_a_timed_out_migration_is_resumed_not_restarted(nova, capsys,
                                                        tmp_path):
    admin = nova.admin
    made = ms.boot_many(admin, ['slow-a'], host='host2',
                        flavor=ms.micro_flavor(admin))
    nova.set_migration_duration(live=6)
    journal = str(tmp_path / 'slow.journal')
    status, out, err = ms.osmigcfg(capsys, 'drain', 'host2', '--yes',
                                   '--timeout', '1', '--journal', journal,
                                   *ADMIN_ARGS)
    assert status == 1 and out.startswith('timeout       slow-a'), err
    assert 'run `resume ' in out
    status, out, err = ms.osmigcfg(capsys, 'resume', journal, '--timeout',
                                   '0', *ADMIN_ARGS)
    assert status == 0 and out.startswith('migrated      slow-a'), err
    assert ms.host_of(admin, made[0]) != 'host2'
    assert len(ms.migration_actions(admin, made[0])) == 1  # not re-sent
