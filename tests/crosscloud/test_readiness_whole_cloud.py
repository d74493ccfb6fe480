"""Readiness's prediction against the real outcome on a whole local cloud.

With the cloud's own nova.conf and neutron.conf and keystone's role
assignments (an admin's connection), every kind of migration is ready.
Taking ``admin`` from Neutron's service user (it keeps ``service``) is
predicted to lose every network-vif-plugged event (RDY106); real Nova
agrees: an external event Neutron's user sends for a server answers 404,
and 200 again once the role is back.  Taking ``service`` from Nova's
service user is predicted to block live migration at Neutron's port
binding (RDY101); real Nova then cannot live-migrate (Neutron refuses its
calls); with the role back, readiness says ready and the same server
live-migrates, its port's binding following it.
"""

import json
import time

import openstack.connection
import openstack.exceptions
import pytest
import yaml

from osmigcfg import readiness
from osmigcfg.sandbox import servers
from osmigcfg.sandbox.clouds import config as cc
from osmigcfg.sandbox.clouds import nova_config
from tests.cli_runner import run_cli
from tests.crosscloud.test_whole_cloud import _boot
from tests.crosscloud.test_whole_cloud import flavor  # noqa: F401
from tests.crosscloud.test_whole_cloud import image  # noqa: F401
from tests.crosscloud.test_whole_cloud import port  # noqa: F401

pytestmark = pytest.mark.clouds
CLOUD = 'src'


def _assess(local_clouds):
    spec = local_clouds.clouds[CLOUD].spec
    inputs = readiness.Inputs(
        nova_conf=str(spec.etc('nova') / 'nova.conf'),
        neutron_conf=str(spec.etc('neutron') / 'neutron.conf'),
        cinder_conf=str(spec.etc('cinder') / 'cinder.conf'))
    return readiness.assess(inputs,
                            conn=local_clouds.connect(CLOUD, admin=True))


def _event_codes(local_clouds, server_id, port_id):
    """What Nova answers Neutron's service user for one event (as Neutron
    sends it: network-changed for a port of the server)."""
    spec = local_clouds.clouds[CLOUD].spec
    neutron = openstack.connection.Connection(
        auth_url=spec.auth_url, username='neutron',
        password=spec.passwords['service'], project_name='service',
        user_domain_name='Default', project_domain_name='Default',
        region_name=cc.REGION, identity_api_version='3')
    resp = neutron.compute.post('/os-server-external-events', json={
        'events': [{'name': 'network-changed', 'server_uuid': server_id,
                    'tag': port_id}]})
    return resp.status_code, [e.get('code') for e in
                              resp.json().get('events', ())]


def test_readiness_prediction_matches_nova_for_neutron_s_events(
        local_clouds, flavor, image, port, unique_name, cleanup):  # noqa
    healthy = _assess(local_clouds)
    assert healthy.verdicts() == {k: 'ready' for k in readiness.KINDS}, [
        f.message for f in healthy.report if f.severity == 'error']
    server = _boot(local_clouds, flavor, unique_name, image[0].id, port.id,
                   cleanup)
    assert _event_codes(local_clouds, server.id, port.id) == (200, [200])

    with local_clouds.roles_taken(CLOUD, 'neutron', ['admin']) as taken:
        assert taken == ['admin']
        broken = _assess(local_clouds)
        lost = [f for f in broken.report if f.code == 'RDY106']
        assert len(lost) == 1 and 'neutron' in lost[0].message
        assert lost[0].hint.startswith(
            'openstack role add --user neutron --project service admin')
        assert broken.verdict('live') == 'blocked'
        # the real outcome: Nova does not find the server for Neutron
        assert _event_codes(local_clouds, server.id, port.id) == (
            207, [404])
        # ...so a live migration, whose source waits for the destination's
        # network-vif-plugged (live_migration_wait_for_vif_plug defaults to
        # true; the cloud's vif_plugging_timeout 30 s, fatal), times out:
        # Nova rolls it back, the server stays ACTIVE on its host
        _live_migration_times_out(local_clouds, server, port.id)
    assert _event_codes(local_clouds, server.id, port.id) == (200, [200])
    assert _assess(local_clouds).verdict('live') == 'ready'
    _live_migrate(local_clouds, server, port.id)


def _live_migration_times_out(local_clouds, server, port_id):
    admin = local_clouds.connect(CLOUD, admin=True)
    source = servers.host_of(admin, server)
    assert nova_config.VIF_PLUGGING == {'vif_plugging_is_fatal': True,
                                        'vif_plugging_timeout': 30}
    started = time.monotonic()
    admin.compute.live_migrate_server(server, host=None,
                                      block_migration='auto')
    failed = servers.wait_until(
        lambda: [m for m in servers.migrations_of(admin, server)
                 if m.status == 'error'], 'the live migration to fail',
        timeout=120)
    assert len(failed) == 1
    assert time.monotonic() - started >= 30  # it waited the whole timeout
    now = servers.wait_until(
        lambda: (lambda s: s.task_state is None and s)(
            admin.compute.get_server(server.id)),
        'the rollback', timeout=60)
    assert (now.status, now.compute_host) == ('ACTIVE', source)
    assert admin.network.get_port(port_id).binding_host_id == source


def _live_migrate(local_clouds, server, port_id):
    admin = local_clouds.connect(CLOUD, admin=True)
    source = servers.host_of(admin, server)
    admin.compute.live_migrate_server(server, host=None,
                                      block_migration='auto')
    moved = servers.wait_until(
        lambda: (lambda s: s.task_state is None and s.compute_host != source
                 and s)(admin.compute.get_server(server.id)),
        f'{server.id} to leave {source}', timeout=120)
    assert moved.status == 'ACTIVE'
    assert servers.wait_until(
        lambda: admin.network.get_port(port_id).binding_host_id ==
        moved.compute_host, 'the port binding to follow', timeout=30)


def test_nova_without_service_cannot_bind_ports_predicted_and_real(
        local_clouds, flavor, image, port, unique_name, cleanup):  # noqa
    admin = local_clouds.connect(CLOUD, admin=True)
    server = _boot(local_clouds, flavor, unique_name, image[0].id, port.id,
                   cleanup)
    source = servers.host_of(admin, server)

    with local_clouds.roles_taken(CLOUD, 'nova', ['service']) as taken:
        assert taken == ['service']
        broken = _assess(local_clouds)
        assert broken.verdict('live') == 'blocked'
        binding = [f for f in broken.report if f.code == 'RDY101'
                   and f.location.subject ==
                   'neutron:create_port_binding / nova']
        assert len(binding) == 1, [f.message for f in broken.report]
        assert "denies 'nova'" in binding[0].message
        assert binding[0].hint.startswith(
            'openstack role add --user nova --project service service')
        # ...and the cause that strikes first: Neutron requires the service
        # role of every service token (service_token_roles_required)
        token = [f for f in broken.report if f.code == 'RDY205']
        assert len(token) == 1 and 'nova' in token[0].message, [
            f.message for f in broken.report]
        # the real outcome: Neutron refuses Nova (its service token lacks
        # service, and service_token_roles_required is true: 401 for every
        # Nova call, the port binding's included); nova-api answers 500,
        # raised either by its own first Neutron call or by the conductor's
        # synchronous pre-checks (seen both ways: which Nova process meets
        # Neutron first depends on what it has cached)
        with pytest.raises(openstack.exceptions.HttpException) as refused:
            admin.compute.live_migrate_server(server, host=None,
                                              block_migration='auto')
        assert refused.value.status_code == 500
        assert any(cause in str(refused.value) for cause in (
            'NeutronAdminCredentialConfigurationInvalid',
            'MigrationError')), str(refused.value)
        by_conductor = 'MigrationError' in str(refused.value)
        assert admin.network.get_port(port.id).binding_host_id == source

    healthy = _assess(local_clouds)
    assert healthy.verdict('live') == 'ready', [
        f.message for f in healthy.report if f.severity == 'error']
    now = admin.compute.get_server(server.id)
    if by_conductor:
        # the conductor's unexpected-failure path sets the server's
        # vm_state to ERROR (nova/conductor/manager.py _live_migrate); it
        # still runs on its host, and an admin resets it as operators do
        assert (now.status, now.compute_host) == ('ERROR', source)
        admin.compute.reset_server_state(server, 'active')
        now = admin.compute.get_server(server.id)
    assert (now.status, now.compute_host) == ('ACTIVE', source)
    # nothing was started: no record, or (refused by the conductor's
    # pre-checks) one that Nova marked failed
    assert all(m.status in ('error', 'failed') for m in
               servers.migrations_of(admin, server)), [
        m.status for m in servers.migrations_of(admin, server)]
    _live_migrate(local_clouds, server, port.id)


def _role_rows(admin):
    """The service users' effective role assignments, as `openstack role
    assignment list --effective --names -f yaml` prints them."""
    rows = []
    for user in ('nova', 'neutron', 'placement', 'glance', 'cinder'):
        found = admin.identity.find_user(user, ignore_missing=False)
        body = admin.identity.get('/role_assignments', params={
            'user.id': found.id, 'effective': True,
            'include_names': True}).json()
        for row in body['role_assignments']:
            if 'project' not in row['scope']:
                continue
            project = row['scope']['project']
            rows.append({
                'Role': row['role']['name'],
                'User': f"{row['user']['name']}@"
                        f"{row['user']['domain']['name']}",
                'Project': f"{project['name']}@{project['domain']['name']}",
                'Group': '', 'Domain': '', 'System': '', 'Inherited': False})
    return rows


def _policy(spec, service, tmp_path):
    """The policy file ``service`` reads from its config dir; without one it
    enforces its defaults, which an empty policy file says as well."""
    path = spec.etc(service) / 'policy.yaml'
    if path.exists():
        return str(path)
    empty = tmp_path / f'{service}-policy.yaml'
    empty.write_text('{}\n')
    return str(empty)


def _verdicts(out):
    return {row['Kind']: row['Verdict'] for row in json.loads(out)}


def test_the_cli_says_ready_online_and_offline_from_the_cloud_s_files(
        local_clouds, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(local_clouds.clouds_yaml))
    status, out, err = run_cli(capsys, 'readiness', '--os-cloud',
                               f'{CLOUD}-admin', '-f', 'json')
    assert status == 0, (out, err)
    online = _verdicts(out)
    assert online == {k: 'ready' for k in readiness.KINDS}

    spec = local_clouds.clouds[CLOUD].spec
    roles = tmp_path / 'roles.yaml'
    roles.write_text(yaml.safe_dump(_role_rows(
        local_clouds.connect(CLOUD, admin=True))))
    status, out, err = run_cli(
        capsys, 'readiness', '-f', 'json',
        '--nova-conf', str(spec.etc('nova') / 'nova.conf'),
        '--neutron-conf', str(spec.etc('neutron') / 'neutron.conf'),
        '--cinder-conf', str(spec.etc('cinder') / 'cinder.conf'),
        '--nova-policy', _policy(spec, 'nova', tmp_path),
        '--neutron-policy', _policy(spec, 'neutron', tmp_path),
        '--cinder-policy', _policy(spec, 'cinder', tmp_path),
        '--placement-policy', _policy(spec, 'placement', tmp_path),
        '--role-assignments', str(roles))
    assert status == 0, (out, err)
    assert _verdicts(out) == online
    # the same files online: keystone's roles agree with the file's
    status, out, err = run_cli(
        capsys, 'readiness', '--os-cloud', f'{CLOUD}-admin', '-f', 'json',
        '--nova-conf', str(spec.etc('nova') / 'nova.conf'),
        '--neutron-conf', str(spec.etc('neutron') / 'neutron.conf'),
        '--cinder-conf', str(spec.etc('cinder') / 'cinder.conf'))
    assert status == 0, (out, err)
    assert _verdicts(out) == online
