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

import openstack.connection
import openstack.exceptions
import pytest

from osmigcfg import readiness
from osmigcfg.sandbox import servers
from osmigcfg.sandbox.clouds import config as cc
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
        neutron_conf=str(spec.etc('neutron') / 'neutron.conf'))
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
    assert _event_codes(local_clouds, server.id, port.id) == (200, [200])
    assert _assess(local_clouds).verdict('live') == 'ready'


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
    admin.compute.live_migrate_server(server, host=None,
                                      block_migration='auto')
    moved = servers.wait_until(
        lambda: (lambda s: s.task_state is None and s.compute_host != source
                 and s)(admin.compute.get_server(server.id)),
        f'{server.id} to leave {source}', timeout=120)
    assert moved.status == 'ACTIVE'
    assert servers.wait_until(
        lambda: admin.network.get_port(port.id).binding_host_id ==
        moved.compute_host, 'the port binding to follow', timeout=30)
