"""Single-server operations through the CLI on real Nova 34, as an admin
and as a member under the MOSK 24.3 policy; the preflight and Nova agree."""

import pytest
from openstack import exceptions as sdk_exc

from osmigcfg.migrate import preflight as pf
from osmigcfg.sandbox import servers
from tests.functional import migrate_support as ms

pytestmark = pytest.mark.nova

ADMIN_ARGS = ms.identity_args(ms.ADMIN)
MEMBER_ARGS = ms.identity_args(ms.MEMBER)


@pytest.fixture
def nova(nova_sandbox):
    yield nova_sandbox
    ms.delete_everything(nova_sandbox.admin)


@pytest.fixture
def as_admin(nova, monkeypatch, tmp_path):
    with ms.cli_environment(monkeypatch, nova, ms.ADMIN, tmp_path):
        yield nova


@pytest.fixture
def as_member(nova, monkeypatch, tmp_path):
    nova.set_policy(ms.MOSK_TEXT)
    with ms.cli_environment(monkeypatch, nova, ms.MEMBER, tmp_path):
        yield nova


def test_admin_cold_migration_waits_confirms_and_verifies(as_admin, capsys):
    admin = as_admin.admin
    server = as_admin.boot(admin, 'cold-1', host='host1')
    status, out, err = ms.osmigcfg(capsys, 'server', 'migrate', 'cold-1',
                                   '--wait', *ADMIN_ARGS)
    assert status == 0, err
    assert out.startswith('migrated      cold-1 (cold, host1 -> host')
    assert ms.host_of(admin, server) != 'host1'
    assert ms.status_of(admin, server) == 'ACTIVE'
    assert servers.migrations_of(admin, server)[0].status == 'confirmed'


def test_admin_leaves_verify_resize_on_request_then_reverts(as_admin,
                                                            capsys):
    admin = as_admin.admin
    server = as_admin.boot(admin, 'cold-2', host='host1')
    status, out, err = ms.osmigcfg(capsys, 'server', 'migrate', 'cold-2',
                                   '--wait', '--no-confirm', *ADMIN_ARGS)
    assert status == 0, err
    assert out.startswith('verify_resize cold-2')
    assert 'server confirm cold-2' in out
    status, out, err = ms.osmigcfg(capsys, 'server', 'revert', 'cold-2',
                                   *ADMIN_ARGS)
    assert (status, out) == (0, 'reverted: cold-2 is ACTIVE on host1\n'), err
    assert ms.host_of(admin, server) == 'host1'


def test_admin_live_migrates_to_a_chosen_host(as_admin, capsys):
    server = as_admin.boot(as_admin.admin, 'live-1', host='host1')
    status, out, err = ms.osmigcfg(capsys, 'server', 'migrate', 'live-1',
                                   '--live', '--host', 'host3', '--wait',
                                   *ADMIN_ARGS)
    assert status == 0, err
    assert out.startswith('migrated      live-1 (live, host1 -> host3)')
    assert ms.host_of(as_admin.admin, server) == 'host3'


def _start_slow_live_migration(nova, capsys, name):
    server = nova.boot(nova.admin, name, host='host1')
    nova.set_migration_duration(live=60)
    status, out, err = ms.osmigcfg(capsys, 'server', 'migrate', name,
                                   '--live', *ADMIN_ARGS)
    assert status == 0 and 'live migration of' in out, err
    servers.wait_until(lambda: [m for m in servers.migrations_of(
        nova.admin, server) if m.status == 'running'], 'a running migration')
    return server


def test_abort_keeps_the_server_on_its_host(as_admin, capsys):
    server = _start_slow_live_migration(as_admin, capsys, 'slow-1')
    status, out, err = ms.osmigcfg(capsys, 'server', 'abort', 'slow-1',
                                   *ADMIN_ARGS)
    assert (status, out) == (0, 'aborted: slow-1 is ACTIVE on host1\n'), err
    assert servers.migrations_of(as_admin.admin, server)[0].status == \
        'cancelled'


def test_force_complete_finishes_a_slow_live_migration(as_admin, capsys):
    server = _start_slow_live_migration(as_admin, capsys, 'slow-2')
    status, out, err = ms.osmigcfg(capsys, 'server', 'force-complete',
                                   'slow-2', *ADMIN_ARGS)
    assert status == 0, err
    assert out.startswith('force-completed: slow-2 is ACTIVE on host')
    assert ms.host_of(as_admin.admin, server) != 'host1'


def test_member_migrates_without_host_under_mosk(as_member, capsys):
    alice = as_member.connect(*ms.MEMBER)
    server = as_member.boot(alice, 'mine-1')
    source = ms.host_of(as_member.admin, server)
    status, out, err = ms.osmigcfg(
        capsys, 'server', 'migrate', 'mine-1', '--live', '--wait',
        '--profile', 'mosk-24.3', *MEMBER_ARGS)
    assert status == 0, err
    assert out.startswith('migrated      mine-1 (live, ')
    assert ms.host_of(as_member.admin, server) != source
    # cold: tenants confirm themselves (no auto-confirm by default)
    status, out, err = ms.osmigcfg(
        capsys, 'server', 'migrate', 'mine-1', '--wait', '--profile',
        'mosk-24.3', *MEMBER_ARGS)
    assert status == 0 and out.startswith('verify_resize mine-1'), err
    status, out, err = ms.osmigcfg(capsys, 'server', 'confirm', 'mine-1',
                                   '--profile', 'mosk-24.3', *MEMBER_ARGS)
    assert status == 0 and out.startswith('confirmed: mine-1 is ACTIVE'), err


def test_member_cannot_migrate_to_host_under_mosk_profile(as_member, capsys):
    alice = as_member.connect(*ms.MEMBER)
    server = as_member.boot(alice, 'mine-2')
    before = ms.migration_actions(as_member.admin, server)
    for live in (['--live'], []):
        status, out, err = ms.osmigcfg(
            capsys, 'server', 'migrate', 'mine-2', *live, '--host', 'host2',
            '--wait', '--profile', 'mosk-24.3', *MEMBER_ARGS)
        assert status == 1 and out == ''
        assert len(err.strip().splitlines()) == 1, err
        assert 'choosing a host needs rule:context_is_admin' in err
        assert 'Traceback' not in err
    assert ms.migration_actions(as_member.admin, server) == before


def test_novas_403_after_an_allowed_preflight_is_a_mismatch(nova, capsys,
                                                            monkeypatch,
                                                            tmp_path):
    # Nova runs its defaults (members may not migrate); we claim MOSK.
    alice = nova.connect(*ms.MEMBER)
    nova.boot(alice, 'mine-3')
    with ms.cli_environment(monkeypatch, nova, ms.MEMBER, tmp_path):
        status, out, err = ms.osmigcfg(
            capsys, 'server', 'migrate', 'mine-3', '--live', '--wait',
            '--profile', 'mosk-24.3', *MEMBER_ARGS)
    assert status == 1
    assert 'MIG004' in err and 'although the preflight allowed it' in err
    assert len(err.strip().splitlines()) == 1, err


def _nova_allows(conn, server_id, operation, host):
    """True/False: Nova's answer for a SUSPENDED server (409 = allowed)."""
    calls = {
        'cold': lambda: conn.compute.migrate_server(server_id, host=host),
        'live': lambda: conn.compute.live_migrate_server(
            server_id, host=host, block_migration='auto'),
        'confirm': lambda: conn.compute.confirm_server_resize(server_id),
        'revert': lambda: conn.compute.revert_server_resize(server_id),
        'abort': lambda: conn.compute.abort_server_migration(
            1, server_id, ignore_missing=False),
        'force-complete': lambda: conn.compute.force_complete_server_migration(
            1, server_id),
    }
    try:
        calls[operation]()
    except sdk_exc.ForbiddenException:
        return False
    except (sdk_exc.ConflictException, sdk_exc.BadRequestException,
            sdk_exc.NotFoundException):
        return True
    raise AssertionError(f'{operation} on a SUSPENDED server was accepted')


@pytest.mark.parametrize('profile', ['mosk-24.3', 'upstream'])
def test_preflight_and_nova_agree_on_every_operation(nova, profile):
    """Nova checks the policy before the server state: on a SUSPENDED
    server an allowed call is refused by the state (409/400/404), a denied
    one by the policy (403), so nothing moves."""
    policy, _ = pf.load_policy(profile=profile, release=34)
    nova.set_policy(ms.MOSK_TEXT if profile == 'mosk-24.3' else None)
    people = {'admin': (ms.ADMIN, ['admin', 'manager', 'member', 'reader']),
              'member': (ms.MEMBER, ['member', 'reader'])}
    target = nova.boot(nova.connect(*ms.MEMBER), 'suspended-1')
    nova.admin.compute.suspend_server(target)
    servers.wait_for_status(nova.admin, target, 'SUSPENDED')
    disagreements = []
    for who, (identity, roles) in people.items():
        conn = nova.connect(*identity)
        check = pf.Preflight(policy, pf.Caller(tuple(roles), identity[1]))
        for operation in ('cold', 'live', 'confirm', 'revert', 'abort',
                          'force-complete'):
            hosts = [None, 'host2'] if operation in ('cold', 'live') else [None]
            for host in hosts:
                ours = check.check(operation, host=host,
                                   project_id='demo').allowed
                theirs = _nova_allows(conn, target.id, operation, host)
                if ours != theirs:
                    disagreements.append((who, operation, host, ours, theirs))
    assert disagreements == []


def test_openstack_migration_commands_run_through_osc(nova, tmp_path):
    """The same command through the OpenStackClient plugin."""
    import os
    import subprocess
    server = nova.boot(nova.admin, 'osc-1', host='host1')
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(nova.token_env(*ms.ADMIN), OSMIGCFG_STATE_DIR=str(tmp_path),
               PYTHONWARNINGS='ignore')
    openstack = os.path.join(os.path.dirname(ms.OSMIGCFG), 'openstack')
    proc = subprocess.run(
        [openstack, 'migration', 'server', 'migrate', 'osc-1', '--live',
         '--wait', *ADMIN_ARGS], env=env, capture_output=True, text=True,
        timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith('migrated      osc-1 (live, host1 -> ')
    assert ms.host_of(nova.admin, server) != 'host1'
    journal = proc.stdout.split('journal: ')[1].strip()
    report = subprocess.run([openstack, 'migration', 'report', journal,
                             '-f', 'value', '-c', 'Outcome'], env=env,
                            capture_output=True, text=True, timeout=300)
    assert report.stdout.split() == ['migrated'], report.stderr
