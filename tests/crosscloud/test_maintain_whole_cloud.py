"""Rolling maintenance of a compute of a whole local cloud.

Real keystone, neutron, placement and Nova services as processes (the
session's ``src`` cloud, two computes).  The cloud is shared by the
session, so other tests' servers sit on both computes: three servers on
ports of their own are gathered on the compute holding fewest servers
(one of them SHUTOFF), and ``maintain`` takes that host with ``--exec
true``: one wave, everything on it moved to the other compute.  Each of
the three moved exactly once (Nova's migration records), states kept, the
host enabled at the end, every port's binding names the server's new
host.  (Both computes in turn would move the other tests' servers of the
first host twice: with two computes there is nowhere else to go.)
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


def _gather(admin, made, hosts):
    """Every server of ``made`` on the compute holding fewest servers of
    any project (live migrations before the maintenance; the test counts
    from after them)."""
    load = collections.Counter(
        s.compute_host for s in admin.compute.servers(all_projects=True))
    target = min(hosts, key=lambda h: (load[h], h))
    for server in made:
        if servers.host_of(admin, server) != target:
            admin.compute.live_migrate_server(server, host=target,
                                              block_migration='auto')
            servers.wait_until(
                lambda s=server: (servers.host_of(admin, s) == target and
                                  admin.compute.get_server(s.id).status ==
                                  'ACTIVE'), f'{server.name} on {target}',
                timeout=120)
    return target


def test_maintain_a_compute_moves_each_of_its_servers_once(
        local_clouds, flavor, image, unique_name, cleanup,  # noqa: F811
        tmp_path):
    admin = local_clouds.connect(CLOUD, admin=True)
    ports = _ports(local_clouds, unique_name, 3, cleanup)
    made = [_boot(local_clouds, flavor, f'{unique_name}-{n}', image[0].id,
                  port.id, cleanup) for n, port in enumerate(ports)]
    hosts = sorted(s.host for s in admin.compute.services(
        binary='nova-compute'))
    assert len(hosts) >= 2
    full = _gather(admin, made, hosts)
    admin.compute.stop_server(made[0])
    made[0] = servers.wait_for_status(admin, made[0], 'SHUTOFF',
                                      timeout=120)
    before = {s.id: s.status for s in made}
    moves_before = collections.Counter(
        m.server_id for m in admin.compute.migrations())

    conn = local_clouds.connect(CLOUD, admin=True)
    compute = compute_mod.Compute(conn)
    policy, authoritative = preflight_mod.load_policy(release=34)
    preflight = preflight_mod.Preflight(
        policy, preflight_mod.caller_from_connection(conn), authoritative)
    plan = plan_mod.plan_maintenance(compute, preflight, conn=conn,
                                     hosts=[full], at_once=1)
    assert [w['hosts'] for w in plan.waves] == [[full]]
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
