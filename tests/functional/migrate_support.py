"""Helpers for the migrator's functional tests on the Nova sandbox."""

import contextlib
import os
import subprocess
import sys

import openstack
from openstack import exceptions as sdk_exceptions

from osmigcfg import engine
from osmigcfg.migrate import compute as compute_mod
from osmigcfg.migrate import drain as drain_mod
from osmigcfg.migrate import options as options_mod
from osmigcfg.migrate import planner
from osmigcfg.migrate import preflight as pf
from osmigcfg.policy import render
from osmigcfg.sandbox import servers
from osmigcfg.sandbox.nova import identity
from tests.cli_runner import run_cli

MICRO = 'osm.micro'  # 64 MB, 1 vCPU, 1 GB: many fit on a fake host
OSMIGCFG = os.path.join(os.path.dirname(sys.executable), 'osmigcfg')
MOSK_TEXT = render.render_policy('mosk-24.3', release=34)
ADMIN = ('admin', 'admin', ['admin'])
MEMBER = ('alice', 'demo', ['member'])


def connect_admin(endpoint, app_name):
    """An admin connection to the sandbox's Nova at ``endpoint`` (a
    loopback proxy in front of it, say)."""
    return openstack.connect(
        load_yaml_config=False, load_envvars=False, auth_type='admin_token',
        auth={'token': identity.make_token(*ADMIN), 'endpoint': endpoint},
        app_name=app_name)


def drain_through(endpoint, app_name, host, journal_path, per_host):
    """Drain ``host`` as an admin talking to ``endpoint``; the outcomes."""
    compute = compute_mod.Compute(connect_admin(endpoint, app_name))
    preflight = pf.Preflight(None, pf.Caller(None, None))
    plan = planner.plan_drain(compute, preflight, host=host)
    found, _ = drain_mod.drain_host(
        compute, preflight, plan=plan, journal_path=journal_path,
        options=options_mod.RunOptions(
            windows=engine.Windows.for_migrations(per_host=per_host)))
    return found


def micro_flavor(admin):
    """The id of the small flavor the drain tests boot (created once)."""
    try:  # ignore_missing=True is deprecated (openstacksdk 6 drops it)
        found = admin.compute.find_flavor(MICRO, ignore_missing=False)
    except sdk_exceptions.NotFoundException:
        found = admin.compute.create_flavor(name=MICRO, ram=64, vcpus=1,
                                            disk=1)
    return found.id


def boot_many(conn, names, host=None, flavor=servers.DEFAULT_FLAVOR,
              timeout=120, spread=None, batch=5):
    """Boot servers a few at a time (pinned to ``host``), all ACTIVE.

    Batches: many concurrent creates can deadlock nova's own functional
    test fixtures (the cell-database lock against the per-database write
    lock, seen with 30 at once); a few at a time never did.

    :param spread: a NovaSandbox: boot round-robin in admin-role projects
        ``spread-0``, ``spread-1``... (Nova's default quota is 10 servers
        per project, and the sandbox has no Keystone to raise it).
    """
    conns = [conn]
    if spread is not None:
        conns = [spread.connect('admin', f'spread-{n}', ['admin'])
                 for n in range((len(names) + 9) // 10)]
    made = []
    for first in range(0, len(names), batch):
        created = [servers.boot(conns[n // 10], names[n], flavor=flavor,
                                host=host, wait=False)
                   for n in range(first, min(len(names), first + batch))]
        made += [servers.wait_for_status(conns[0], s, 'ACTIVE',
                                         timeout=timeout) for s in created]
    return made


def stop(admin, server):
    admin.compute.stop_server(server)
    return servers.wait_for_status(admin, server, 'SHUTOFF')


def identity_args(identity):
    user, project, roles = identity
    roles = {'admin': 'admin,manager,member,reader',
             'member': 'member,reader'}.get(roles[0], ','.join(roles))
    return ['--roles', roles, '--project-id', project]


@contextlib.contextmanager
def cli_environment(monkeypatch, nova, identity, state_dir):
    """OS_* for the sandbox identity, and a private journal directory."""
    for key in [k for k in os.environ if k.startswith('OS_')]:
        monkeypatch.delenv(key)
    for key, value in nova.token_env(*identity).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv('OSMIGCFG_STATE_DIR', str(state_dir))
    yield


def osmigcfg(capsys, *argv):
    """Run ``osmigcfg ARGV`` in-process: (status, stdout, stderr)."""
    return run_cli(capsys, *argv)


def osmigcfg_process(nova, identity, *argv, state_dir, timeout=300,
                     extra_env=None):
    """Run the real ``osmigcfg`` executable (for kills and plugin tests)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(nova.token_env(*identity), OSMIGCFG_STATE_DIR=str(state_dir),
               **(extra_env or {}))
    return subprocess.run([OSMIGCFG, *argv], env=env, capture_output=True,
                          text=True, timeout=timeout)


def host_of(admin, server):
    return admin.compute.get_server(getattr(server, 'id', server)).compute_host


def status_of(admin, server):
    return admin.compute.get_server(getattr(server, 'id', server)).status


def migration_actions(admin, server):
    """How many migration instance actions a server has had."""
    return [a for a in admin.compute.server_actions(
        getattr(server, 'id', server))
        if a.action in ('migrate', 'live-migration')]


def delete_everything(admin):
    """Delete every server in every project (tests share one Nova)."""
    try:
        servers.delete_all(admin, all_projects=True, timeout=120)
    except sdk_exceptions.SDKException:
        pass


def enable_all_computes(admin):
    for service in admin.compute.services(binary='nova-compute'):
        if service.status != 'enabled':
            admin.compute.enable_service(service)
