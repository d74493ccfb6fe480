"""Rolling maintenance of every compute of a whole local cloud.

Real keystone, neutron, placement and Nova services as processes (the
session's ``src`` cloud, two computes).  Three servers on ports of their
own, all on one compute (one SHUTOFF); ``maintain`` both hosts one at a
time with ``--exec true``: the empty host goes first, then the full one
drains onto it.  Every server moved exactly once (Nova's migration
records), states kept, both hosts enabled at the end, and every port's
binding names the server's new host.
"""

import collections

import pytest

from osmigcfg.migrate import compute as compute_mod
from osmigcfg.migrate.maintain import plan as plan_mod
from osmigcfg.migrate.maintain import run as run_mod
from osmigcfg.migrate import preflight as preflight_mod
from osmigcfg.sandbox import servers
from tests.crosscloud.test_whole_cloud import _boot
from tests.crosscloud.test_whole_cloud import flavor  # noqa: F401
from tests.crosscloud.test_whole_cloud import image  # noqa: F401
from tests.crosscloud.test_whole_cloud import network_with_subnet

pytestmark = pytest.mark.clouds
CLOUD = 'src'


def _ports(local_clouds, name, count, cleanup):
    member = local_clouds.connect(CLOUD)
    net = network_with_subnet(member, name, '10.78.0.0/24', cleanup)
    made = []
    for n in range(count):
        port = member.network.create_port(network_id=net.id,
                                          name=f'{name}-{n}')
        cleanup(lambda p=port: member.network.delete_port(p))
        made.append(port)
    return made


def _colocate(admin, made):
    """Every server on the host most of them are on (live migrations
    before the maintenance; the test counts from after them)."""
    hosts = {s.id: servers.host_of(admin, s) for s in made}
    full = collections.Counter(hosts.values()).most_common(1)[0][0]
    for server in made:
        if hosts[server.id] != full:
            admin.compute.live_migrate_server(server, host=full,
                                              block_migration='auto')
            servers.wait_until(
                lambda s=server: (servers.host_of(admin, s) == full and
                                  admin.compute.get_server(s.id).status ==
                                  'ACTIVE'), f'{server.name} on {full}',
                timeout=120)
    return full


def test_maintain_every_compute_moves_each_server_once(
        local_clouds, flavor, image, unique_name, cleanup,  # noqa: F811
        tmp_path):
    admin = local_clouds.connect(CLOUD, admin=True)
    ports = _ports(local_clouds, unique_name, 3, cleanup)
    made = [_boot(local_clouds, flavor, f'{unique_name}-{n}', image[0].id,
                  port.id, cleanup) for n, port in enumerate(ports)]
    full = _colocate(admin, made)
    admin.compute.stop_server(made[0])
    made[0] = servers.wait_for_status(admin, made[0], 'SHUTOFF',
                                      timeout=120)
    hosts = sorted(s.host for s in admin.compute.services(
        binary='nova-compute'))
    assert len(hosts) >= 2 and full in hosts
    before = {s.id: s.status for s in made}
    moves_before = collections.Counter(
        m.server_id for m in admin.compute.migrations())

    conn = local_clouds.connect(CLOUD, admin=True)
    compute = compute_mod.Compute(conn)
    policy, authoritative = preflight_mod.load_policy(release=34)
    preflight = preflight_mod.Preflight(
        policy, preflight_mod.caller_from_connection(conn), authoritative)
    plan = plan_mod.plan_maintenance(compute, preflight, conn=conn,
                                     hosts=hosts, at_once=1)
    assert plan.waves[-1]['hosts'] == [full]  # emptiest first
    assert not any(w['twice'] for w in plan.waves)
    result = run_mod.start(
        compute, preflight, plan=plan,
        journal_path=str(tmp_path / 'maintain.journal'),
        options=run_mod.MaintainOptions(command='true', up_timeout=120))
    assert result.state == 'done', result.message

    moves = collections.Counter(m.server_id
                                for m in admin.compute.migrations())
    assert {s: moves[s] - moves_before[s] for s in before} == \
        {s: 1 for s in before}
    after = {s.id: admin.compute.get_server(s.id) for s in made}
    assert {s: v.status for s, v in after.items()} == before
    assert all(v.compute_host != full for v in after.values())
    assert all(s.status == 'enabled' for s in admin.compute.services(
        binary='nova-compute'))
    for port, server in zip(ports, made):
        assert servers.wait_until(
            lambda p=port, s=server: admin.network.get_port(
                p.id).binding_host_id == after[s.id].compute_host,
            f'the port of {server.name} bound to its new host', timeout=30)
