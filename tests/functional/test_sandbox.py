"""Real Nova 34 in the sandbox, driven over HTTP with openstacksdk.

The policy matrix uses a SUSPENDED server: Nova checks the migration policy
before the server state, so an allowed call answers 409 (the state refuses
it, after the policy allowed it) and a denied one 403 -- the whole matrix in
a second, without starting 48 migrations.  Real migrations are exercised by
the tests around it.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from openstack import exceptions as sdk_exc

from osmigcfg import exceptions
from osmigcfg.sandbox.nova import sandbox as sandbox_nova
from osmigcfg.sandbox import servers

pytestmark = pytest.mark.nova

PROJECT = 'demo'
PERSONAS = ('admin', 'manager', 'member', 'reader')
ACTIONS = ('migrate', 'migrate:host', 'migrate_live', 'migrate_live:host')
RULE = 'os_compute_api:os-migrate-server:'


def _policy(**checks):
    return ''.join(f'"{RULE}{name.replace("_host", ":host")}": "{check}"\n'
                   for name, check in checks.items())


MOSK = _policy(migrate='rule:project_member_or_admin',
               migrate_live='rule:project_member_or_admin',
               migrate_host='rule:context_is_admin',
               migrate_live_host='rule:context_is_admin')
ADMIN_ONLY = _policy(migrate='rule:context_is_admin',
                     migrate_live='rule:context_is_admin',
                     migrate_host='rule:context_is_admin',
                     migrate_live_host='rule:context_is_admin')
POLICIES = {'nova-34-defaults': None, 'mosk': MOSK, 'admin-only': ADMIN_ONLY}
# realnova.md section 4; O = allowed, F = 403, columns in ACTIONS order.
EXPECTED = {
    'nova-34-defaults': {'admin': 'OOOO', 'manager': 'OFOF',
                         'member': 'FFFF', 'reader': 'FFFF'},
    'mosk': {'admin': 'OOOO', 'manager': 'OFOF',
             'member': 'OFOF', 'reader': 'FFFF'},
    'admin-only': {'admin': 'OOOO', 'manager': 'FFFF',
                   'member': 'FFFF', 'reader': 'FFFF'},
}


@pytest.fixture(scope='module')
def personas(nova_sandbox_session):
    return {name: nova_sandbox_session.connect(name, PROJECT, [name])
            for name in PERSONAS}


@pytest.fixture(scope='module')
def active_server(nova_sandbox_session, personas):
    """A member's server, shared; every test leaves it ACTIVE."""
    server = nova_sandbox_session.boot(personas['member'], 'shared-active')
    yield server
    nova_sandbox_session.admin.compute.delete_server(server)


@pytest.fixture(scope='module')
def suspended_server(nova_sandbox_session, personas):
    admin = personas['admin']
    server = nova_sandbox_session.boot(personas['member'], 'matrix-suspended')
    admin.compute.suspend_server(server)
    yield servers.wait_for_status(admin, server, 'SUSPENDED')
    admin.compute.delete_server(server)


def _attempt(conn, server_id, action):
    """'O': the policy allowed ``action`` (409 from the state); 'F': 403."""
    host = 'host2' if action.endswith(':host') else None
    try:
        if action.startswith('migrate_live'):
            conn.compute.live_migrate_server(server_id, host=host,
                                             block_migration='auto')
        else:
            conn.compute.migrate_server(server_id, host=host)
    except sdk_exc.ForbiddenException as e:
        assert f'{RULE}{action}' in str(e)
        return 'F'
    except sdk_exc.ConflictException:
        return 'O'
    pytest.fail(f'{action} on a SUSPENDED server was accepted')


def _matrix(personas, server_id):
    return {p: ''.join(_attempt(personas[p], server_id, a) for a in ACTIONS)
            for p in PERSONAS}


def _other_host(host):
    return next(h for h in ('host1', 'host2', 'host3') if h != host)


def test_admin_and_member_can_boot(nova_sandbox, personas):
    by_admin = nova_sandbox.boot(nova_sandbox.admin, 'by-admin')
    by_member = nova_sandbox.boot(personas['member'], 'by-member')
    try:
        assert by_member.project_id == PROJECT
        assert by_admin.project_id == 'admin'
        for server in (by_admin, by_member):
            assert nova_sandbox.host_of(server) in ('host1', 'host2', 'host3')
    finally:
        nova_sandbox.admin.compute.delete_server(by_admin)
        nova_sandbox.admin.compute.delete_server(by_member)


def test_cold_migration_confirms_onto_another_host(nova_sandbox,
                                                   active_server):
    admin = nova_sandbox.admin
    source = nova_sandbox.host_of(active_server)
    admin.compute.migrate_server(active_server)
    servers.wait_for_status(admin, active_server, 'VERIFY_RESIZE')
    admin.compute.confirm_server_resize(active_server)
    servers.wait_for_status(admin, active_server, 'ACTIVE')
    assert nova_sandbox.host_of(active_server) != source
    newest = servers.migrations_of(admin, active_server)[0]
    assert (newest.migration_type, newest.status) == ('migration',
                                                      'confirmed')


def test_live_migration_without_host_moves_the_server(nova_sandbox,
                                                      active_server):
    admin = nova_sandbox.admin
    source = nova_sandbox.host_of(active_server)
    admin.compute.live_migrate_server(active_server, host=None,
                                      block_migration='auto')
    servers.wait_until(lambda: nova_sandbox.host_of(active_server) != source,
                       'the live migration to change the host')
    servers.wait_for_status(admin, active_server, 'ACTIVE')
    newest = servers.wait_for_migration(admin, active_server, {'completed'},
                                        migration_type='live-migration')
    assert newest.source_compute == source


def test_reader_cannot_cold_migrate(nova_sandbox, personas, active_server):
    with pytest.raises(sdk_exc.ForbiddenException, match=f'{RULE}migrate'):
        personas['reader'].compute.migrate_server(active_server)
    assert nova_sandbox.admin.compute.get_server(
        active_server.id).status == 'ACTIVE'


@pytest.mark.parametrize('policy', list(POLICIES))
def test_migration_policy_matrix(nova_policy, personas, suspended_server,
                                 policy):
    nova_policy(POLICIES[policy])
    assert _matrix(personas, suspended_server.id) == EXPECTED[policy]


def test_migrate_live_override_is_inherited_by_the_host_variant(
        nova_policy, nova_sandbox, personas, active_server):
    # migrate_live:host has deprecated_rule=migrate_live: overriding only
    # migrate_live lets a member pick the destination host (realnova.md 4).
    nova_policy(_policy(migrate_live='rule:project_member_or_admin'))
    target = _other_host(nova_sandbox.host_of(active_server))
    personas['member'].compute.live_migrate_server(
        active_server, host=target, block_migration='auto')
    servers.wait_until(lambda: nova_sandbox.host_of(active_server) == target,
                       f'the server to reach {target}')
    servers.wait_for_status(nova_sandbox.admin, active_server, 'ACTIVE')
    assert nova_sandbox.host_of(active_server) == target


def test_policy_swaps_are_enforced_correctly_after_reload(
        nova_sandbox, personas, suspended_server):
    server_id = suspended_server.id
    member, manager = personas['member'], personas['manager']
    assert _attempt(member, server_id, 'migrate_live') == 'F'
    nova_sandbox.set_policy(MOSK)
    assert _attempt(member, server_id, 'migrate_live') == 'O'
    assert _attempt(member, server_id, 'migrate_live:host') == 'F'
    nova_sandbox.set_policy(ADMIN_ONLY)
    assert _attempt(manager, server_id, 'migrate') == 'F'
    nova_sandbox.set_policy(None)
    assert _matrix(personas, server_id) == EXPECTED['nova-34-defaults']
    # The hole realnova.md found: after a reload the deprecated legacy
    # checks (owner or admin) must not be OR-ed back into the rules.
    nobody = nova_sandbox.connect('nobody', PROJECT, [])
    with pytest.raises(sdk_exc.ForbiddenException):
        nobody.compute.get_server(server_id)


def test_policy_dirs_apply_and_their_removal_is_reloaded(
        nova_sandbox, personas, suspended_server, tmp_path):
    policy_d = tmp_path / 'policy.d'
    policy_d.mkdir()
    (policy_d / '50-migrate.yaml').write_text(
        _policy(migrate='rule:project_member_or_admin'))
    member, server_id = personas['member'], suspended_server.id
    nova_sandbox.set_policy_dirs([policy_d])
    assert _attempt(member, server_id, 'migrate') == 'O'
    # Edited in place, as an operator would: picked up on the next call.
    time.sleep(0.01)
    (policy_d / '50-migrate.yaml').write_text(
        _policy(migrate='rule:context_is_admin'))
    assert _attempt(personas['manager'], server_id, 'migrate') == 'F'
    nova_sandbox.set_policy_dirs([])
    assert _matrix(personas, server_id) == EXPECTED['nova-34-defaults']


def test_enforce_new_defaults_false_brings_legacy_owner_checks_back(
        nova_policy, nova_sandbox, suspended_server):
    nobody = nova_sandbox.connect('nobody', PROJECT, [])
    nova_policy(None, enforce_new_defaults=False)
    assert nobody.compute.get_server(suspended_server.id).id == \
        suspended_server.id
    nova_sandbox.set_enforce_new_defaults(True)
    with pytest.raises(sdk_exc.ForbiddenException):
        nobody.compute.get_server(suspended_server.id)


def test_injected_live_migration_failure_rolls_back_to_source(
        nova_sandbox, active_server):
    admin = nova_sandbox.admin
    source = nova_sandbox.host_of(active_server)
    before = servers.migrations_of(admin, active_server)
    nova_sandbox.fail_live_migration(active_server.id, times=1)
    admin.compute.live_migrate_server(active_server, host=None,
                                      block_migration='auto')
    failed = servers.wait_for_migration(
        admin, active_server, {'failed', 'error'},
        migration_type='live-migration', ignore=before)
    assert failed.status == 'failed'
    servers.wait_for_status(admin, active_server, 'ACTIVE')
    assert nova_sandbox.host_of(active_server) == source


def test_live_migration_with_duration_can_be_aborted(nova_sandbox,
                                                     active_server):
    admin = nova_sandbox.admin
    source = nova_sandbox.host_of(active_server)
    before = servers.migrations_of(admin, active_server)
    nova_sandbox.set_migration_duration(live=30)
    admin.compute.live_migrate_server(active_server, host=None,
                                      block_migration='auto')
    running = servers.wait_until(
        lambda: [m for m in admin.compute.server_migrations(active_server)
                 if m.status == 'running'],
        'a running live migration')[0]
    admin.compute.abort_server_migration(running, active_server)
    servers.wait_for_migration(admin, active_server, {'cancelled'},
                               ignore=before, timeout=10)
    servers.wait_for_status(admin, active_server, 'ACTIVE')
    assert nova_sandbox.host_of(active_server) == source


def test_stopped_compute_is_down_until_started_again(nova_sandbox):
    admin = nova_sandbox.admin
    server = nova_sandbox.boot(admin, 'on-host3', host='host3')

    def state():
        return next(s.state for s in admin.compute.services()
                    if s.host == 'host3' and s.binary == 'nova-compute')
    try:
        assert nova_sandbox.stop_compute('host3')['host3'] == 'down'
        assert state() == 'down'
        with pytest.raises(sdk_exc.ConflictException):
            admin.compute.migrate_server(server)  # its compute is down
        assert nova_sandbox.start_compute('host3')['host3'] == 'up'
        assert state() == 'up'
        admin.compute.migrate_server(server)
        servers.wait_for_status(admin, server, 'VERIFY_RESIZE')
        admin.compute.confirm_server_resize(server)
        servers.wait_for_status(admin, server, 'ACTIVE')
        assert nova_sandbox.host_of(server) != 'host3'
    finally:
        admin.compute.delete_server(server)


def test_openstack_cli_works_with_token_env(nova_sandbox, active_server):
    cli = shutil.which('openstack', path=os.path.dirname(sys.executable))
    if cli is None:
        pytest.skip('the openstack CLI is not installed')
    base = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}

    def run(roles, *args):
        env = dict(base, **nova_sandbox.token_env('cli', PROJECT, roles))
        return subprocess.run([cli, *args], env=env, capture_output=True,
                              text=True, timeout=120)

    shown = run(['member'], 'server', 'show', active_server.id,
                '-f', 'value', '-c', 'status')
    assert (shown.returncode, shown.stdout.strip()) == (0, 'ACTIVE'), \
        shown.stderr
    denied = run(['reader'], 'server', 'migrate', '--live-migration',
                 active_server.id)
    assert denied.returncode != 0
    assert "Policy doesn't allow" in denied.stderr


# -- the sandbox process itself (own, short-lived sandboxes) ----------------

def test_server_module_prints_ready_and_exits_when_stdin_closes(tmp_path):
    if not sandbox_nova.nova_available():
        pytest.skip('nova is not installed')
    proc = subprocess.Popen(
        [sys.executable, '-m', 'osmigcfg.sandbox.nova.server', '--port', '0',
         '--policy-file', str(tmp_path / 'policy.yaml'), '--computes',
         'solo'], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=open(tmp_path / 'log', 'wb'), cwd=tmp_path,
        env=dict(os.environ, TMPDIR=str(tmp_path)))
    try:
        line = proc.stdout.readline().decode()
        assert line.startswith('READY '), (tmp_path / 'log').read_text()
        port = json.loads(line[len('READY '):])['port']
        with urllib.request.urlopen(
                f'http://127.0.0.1:{port}/_sandbox/status') as resp:
            assert json.load(resp)['computes'] == {'solo': 'up'}
        proc.stdin.close()
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_conf_limits_concurrent_live_migrations_and_stop_ends_process():
    sandbox = sandbox_nova.NovaSandbox(
        computes=('src', 'dst'),
        conf={'DEFAULT.max_concurrent_live_migrations': 1})
    with sandbox:
        admin = sandbox.admin
        pid = sandbox.pid
        first, second = (sandbox.boot(admin, f'vm{i}', host='src')
                         for i in range(2))
        # long enough that the first is still running when the second is
        # queued, even when a loaded machine is slow to accept the second
        sandbox.set_migration_duration(live=5.0)
        for server in (first, second):
            admin.compute.live_migrate_server(server, host='dst',
                                              block_migration='auto')
        statuses = servers.wait_until(
            lambda: {m.status for m in admin.compute.migrations()}
            >= {'running', 'queued'} or None,
            'one running and one queued live migration', timeout=30)
        assert statuses
        for server in (first, second):
            servers.wait_until(lambda: sandbox.host_of(server) == 'dst',
                               'both migrations to finish', timeout=60)
    assert not sandbox.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_each_source_compute_runs_its_own_live_migrations():
    """k applies per source compute, as in production where each
    nova-compute is a process of its own (nova 34 keeps one pool per
    process): with k=1, two sources each run one migration at once."""
    conf = {'DEFAULT.max_concurrent_live_migrations': 1}
    with sandbox_nova.NovaSandbox(computes=('a', 'b', 'dst'),
                                  conf=conf) as sandbox:
        admin = sandbox.admin
        made = [sandbox.boot(admin, f'vm-{h}', host=h) for h in ('a', 'b')]
        sandbox.set_migration_duration(live=5.0)
        for server in made:
            admin.compute.live_migrate_server(server, host='dst',
                                              block_migration='auto')
        assert servers.wait_until(
            lambda: [m.status for m in admin.compute.migrations()].count(
                'running') == 2 or None,
            'two live migrations running at once', timeout=30)
        for server in made:
            servers.wait_until(lambda: sandbox.host_of(server) == 'dst',
                               'both migrations to finish', timeout=60)


def test_failed_start_raises_sandbox_error_with_the_log_tail():
    sandbox = sandbox_nova.NovaSandbox(
        computes=('solo',), conf={'DEFAULT.no_such_option': 1})
    started = time.monotonic()
    with pytest.raises(exceptions.SandboxError, match='no_such_option'):
        sandbox.start()
    assert time.monotonic() - started < 60
    assert not sandbox.running


def test_start_options_policy_file_dirs_and_legacy_defaults(tmp_path):
    (tmp_path / 'policy.yaml').write_text(MOSK)
    policy_d = tmp_path / 'policy.d'
    policy_d.mkdir()
    (policy_d / 'host.yaml').write_text(
        _policy(migrate_host='rule:project_member_or_admin'))
    with sandbox_nova.NovaSandbox(
            policy_file=tmp_path / 'policy.yaml', policy_dirs=[policy_d],
            enforce_new_defaults=False, computes=('solo',)) as sandbox:
        status = sandbox.status()
        assert status['policy_dirs'] == [str(policy_d)]
        assert status['enforce_new_defaults'] is False
        member = sandbox.connect('mia', PROJECT, ['member'])
        server = sandbox.boot(member, 'vm')
        # migrate:host from the policy dir: allowed, then refused as
        # same-host (400) -- not 403.
        with pytest.raises(sdk_exc.BadRequestException):
            member.compute.migrate_server(server, host='solo')
        # enforce_new_defaults=False: the legacy owner check is back.
        nobody = sandbox.connect('nobody', PROJECT, [])
        assert nobody.compute.get_server(server.id).id == server.id
        sandbox.set_policy(ADMIN_ONLY)
        sandbox.reset()
        with open(sandbox.policy_path, encoding='utf-8') as f:
            assert f.read() == MOSK
