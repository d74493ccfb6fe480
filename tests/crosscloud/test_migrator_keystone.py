"""The migrator against keystone on a whole local cloud (mosk-24.3 policy).

nova-api enforces the ``mosk-24.3`` render; osmigcfg authenticates with
keystone passwords from the sandbox's clouds.yaml (``--os-cloud``), so the
preflight takes roles and project from the token.  A project member
live-migrates without a host (the port's binding follows the server);
asking for a host is refused by the preflight and, past it, by real Nova;
a reader of the project is refused live migration by both.
"""

import os
import subprocess
import sys

import openstack.exceptions
import pytest

from osmigcfg.sandbox import servers
from tests.crosscloud.test_whole_cloud import _boot
from tests.crosscloud.test_whole_cloud import flavor  # noqa: F401
from tests.crosscloud.test_whole_cloud import image  # noqa: F401
from tests.crosscloud.test_whole_cloud import port  # noqa: F401

pytestmark = pytest.mark.clouds
CLOUD = 'src'
OSMIGCFG = [sys.executable, '-c', 'import sys; from osmigcfg.cli.app '
            'import main; sys.exit(main(sys.argv[1:]))']


def _osmigcfg(local_clouds, tmp_path, *argv, timeout=300):
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(local_clouds.env(), OSMIGCFG_STATE_DIR=str(tmp_path))
    return subprocess.run([*OSMIGCFG, *argv], env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def mosk_policy(local_clouds, tmp_path):
    done = _osmigcfg(local_clouds, tmp_path, 'policy', 'render',
                     '--profile', 'mosk-24.3')
    assert done.returncode == 0, done.stderr
    local_clouds.set_nova_policy(CLOUD, done.stdout)
    yield
    local_clouds.set_nova_policy(CLOUD, None)


def test_a_member_live_migrates_without_a_host_but_not_to_one(
        local_clouds, mosk_policy, flavor, image, port,  # noqa: F811
        unique_name, cleanup, tmp_path):
    admin = local_clouds.connect(CLOUD, admin=True)
    server = _boot(local_clouds, flavor, unique_name, image[0].id, port.id,
                   cleanup)
    source = servers.host_of(admin, server)
    other = next(h for h in local_clouds.clouds[CLOUD].spec.compute_hosts()
                 if h != source)

    refused = _osmigcfg(local_clouds, tmp_path, '--os-cloud', CLOUD,
                        'server', 'migrate', '--live', '--host', other,
                        '--profile', 'mosk-24.3', server.id)
    assert refused.returncode != 0
    assert 'choosing a host' in refused.stderr, refused.stderr
    assert 'Traceback' not in refused.stderr
    # past the preflight, real Nova refuses the member a host too
    member = local_clouds.connect(CLOUD)
    with pytest.raises(openstack.exceptions.ForbiddenException):
        member.compute.live_migrate_server(server, host=other,
                                           block_migration='auto')

    # a reader of the server's project (issue 11, section 3)
    reader = local_clouds.add_user(CLOUD, f'{unique_name}-r', 'reader')
    refused = _osmigcfg(local_clouds, tmp_path, '--os-cloud', reader,
                        'server', 'migrate', '--live', '--profile',
                        'mosk-24.3', server.id)
    assert refused.returncode != 0
    assert 'your role reader cannot live-migrate' in refused.stderr, \
        refused.stderr
    assert 'Traceback' not in refused.stderr
    with pytest.raises(openstack.exceptions.ForbiddenException):
        local_clouds.connect(reader).compute.live_migrate_server(
            server, host=None, block_migration='auto')
    assert servers.host_of(admin, server) == source

    done = _osmigcfg(local_clouds, tmp_path, '--os-cloud', CLOUD, 'server',
                     'migrate', '--live', '--wait', '--profile', 'mosk-24.3',
                     server.id)
    assert done.returncode == 0, done.stdout + done.stderr
    moved = servers.host_of(admin, server)
    assert moved == other
    assert servers.wait_until(
        lambda: admin.network.get_port(port.id).binding_host_id == moved,
        'the port binding to follow the server', timeout=30)


def _project_servers(local_clouds, project, count, cidr):
    """``count`` servers of a fresh project, each on a port of its own."""
    member = local_clouds.connect(local_clouds.add_project(CLOUD, project))
    admin = local_clouds.connect(CLOUD, admin=True)
    made_flavor = admin.compute.create_flavor(name=project, vcpus=1, ram=256,
                                         disk=1, is_public=False)
    admin.compute.flavor_add_tenant_access(made_flavor, member.current_project_id)
    made_image = member.image.create_image(
        name=project, data=os.urandom(64 * 1024), disk_format='raw',
        container_format='bare', wait=True)
    net = member.network.create_network(name=project)
    member.network.create_subnet(network_id=net.id, ip_version=4,
                                 cidr=f'{cidr}.0/24')
    made = []
    for index in range(count):
        nic = member.network.create_port(network_id=net.id)
        made.append(member.compute.create_server(
            name=f'{project}-{index}', flavor_id=made_flavor.id,
            image_id=made_image.id, networks=[{'port': nic.id}]))
    made = [servers.wait_for_status(member, s, 'ACTIVE', timeout=180)
            for s in made]
    return member, made_flavor, made


def test_an_admin_drains_a_host_with_keystone_auth(local_clouds, tmp_path):
    """``drain`` as ``src-admin`` (keystone password, roles from the
    token): every server of the host moves (live, or cold when SHUTOFF),
    keeps its disk, and its port's binding follows it."""
    project = f'dr{os.getpid() % 1000}x'
    member, made_flavor, made = _project_servers(local_clouds, project, 4,
                                            '10.79.0')
    admin = local_clouds.connect(CLOUD, admin=True)
    try:
        by_host = {}
        for server in made:
            by_host.setdefault(servers.host_of(admin, server), []).append(
                server)
        host, leaving = max(by_host.items(), key=lambda kv: len(kv[1]))
        member.compute.stop_server(leaving[0])  # cold-migrated
        servers.wait_for_status(member, leaving[0], 'SHUTOFF', timeout=120)
        disks = {s.id: local_clouds.read_disk(CLOUD, s.id) for s in leaving}
        status = {s.id: member.compute.get_server(s.id).status
                  for s in leaving}

        done = _osmigcfg(local_clouds, tmp_path, '--os-cloud',
                         f'{CLOUD}-admin', 'drain', host, '--yes',
                         '--timeout', '180', '--project',
                         member.current_project_id)
        assert done.returncode == 0, (done.stdout + done.stderr, [
            (s.name, s.status, s.task_state, s.compute_host) for s in (
                admin.compute.get_server(s.id) for s in leaving)])

        for server in leaving:
            now = admin.compute.get_server(server.id)
            assert now.compute_host not in (None, host), now.compute_host
            assert now.status == status[server.id]
            assert local_clouds.read_disk(CLOUD, server.id) == \
                disks[server.id]
            [nic] = list(admin.network.ports(device_id=server.id))
            assert servers.wait_until(
                lambda: admin.network.get_port(nic.id).binding_host_id ==
                now.compute_host, 'the port binding to follow the server',
                timeout=30)
        assert not [s for s in admin.compute.servers(all_projects=True,
                                                     host=host)
                    if s.project_id == member.current_project_id]
    finally:
        for server in made:
            member.compute.delete_server(server, ignore_missing=True)
        for server in made:
            member.compute.wait_for_delete(server, interval=0.3, wait=60)
        admin.compute.delete_flavor(made_flavor)
