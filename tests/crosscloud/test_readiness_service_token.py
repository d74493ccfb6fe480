"""Readiness against the real outcome: Nova without its service token.

What Nova 34 and Cinder 29 really do (read in their source, then seen
here): Cinder lets a request delete a volume attachment that Nova still
names for the server only when it carries a service token with one of
its ``service_token_roles`` (``cinder.volume.api:API.
attachment_deletion_allowed``, OSSA-2023-003); otherwise it asks Nova
which attachment the server uses and answers 409 if it is this one.  A
cold migration deletes the source attachment before it records the new
one in the BDM (``ComputeManager._terminate_volume_connections``, and
evacuation likewise), so without ``[service_user]
send_service_user_token`` it fails; a live migration records the
destination's attachment in ``pre_live_migration`` and deletes the
source's only afterwards, so Cinder lets it through and the move works.

Readiness predicts exactly that (RDY302 blocks cold, host-targeted and
evacuation, leaves the live kinds ready); the test turns the option off
on the computes (which make the Cinder calls), moves a volume-backed
server both ways, and with the option back moves one again.
"""

import pytest

from osmigcfg import readiness
from osmigcfg.sandbox import servers
from tests.crosscloud.test_readiness_whole_cloud import _assess
from tests.crosscloud.test_whole_cloud import flavor  # noqa: F401
from tests.crosscloud.test_whole_cloud import image  # noqa: F401

pytestmark = pytest.mark.clouds
CLOUD = 'src'
WITHOUT_TOKEN = {'cold': 'blocked', 'live': 'ready', 'live_block': 'ready',
                 'live_volumes': 'ready', 'host_targeted': 'blocked',
                 'evacuate': 'blocked'}


def _boot_from_volume(local_clouds, flavor, image_id, name, cleanup):  # noqa
    """A server of the demo member booted from a new volume, no ports."""
    member = local_clouds.connect(CLOUD)
    admin = local_clouds.connect(CLOUD, admin=True)
    volume = member.block_storage.create_volume(size=1, image_id=image_id,
                                                name=name)

    def delete():
        server = member.compute.find_server(name)
        if server is not None:
            member.compute.delete_server(server)
            member.compute.wait_for_delete(server, interval=0.3, wait=60)
        # a failed move leaves the attachment it had reserved behind
        left = admin.block_storage.get('/attachments', params={
            'volume_id': volume.id, 'all_tenants': 1},
            microversion='3.27').json()['attachments']
        for attachment in left:
            admin.block_storage.delete(f'/attachments/{attachment["id"]}',
                                       microversion='3.27')
        member.block_storage.delete_volume(volume, ignore_missing=True)
    cleanup(delete)
    member.block_storage.wait_for_status(volume, status='available',
                                         failures=['error'], interval=0.5,
                                         wait=120)
    server = member.compute.create_server(
        name=name, flavor_id=flavor.id, networks='none',
        block_device_mapping_v2=[{
            'boot_index': 0, 'uuid': volume.id, 'source_type': 'volume',
            'destination_type': 'volume', 'delete_on_termination': False}])
    return servers.wait_for_status(member, server, 'ACTIVE',
                                   timeout=120), volume


def _attachments(admin, volume):
    """``{attachment id: host}`` of a volume, as Cinder knows them."""
    return {a['attachment_id']: a['host_name'] for a in
            admin.block_storage.get_volume(volume.id).attachments}


def _moved(admin, server, source, status='ACTIVE'):
    return servers.wait_until(
        lambda: (lambda s: s.task_state is None and s.compute_host != source
                 and s.status == status and s)(
            admin.compute.get_server(server.id)),
        f'{server.id} to leave {source}', timeout=120)


def test_without_the_service_token_cold_moves_of_volumes_fail_live_work(
        local_clouds, flavor, image, unique_name, cleanup):  # noqa: F811
    admin = local_clouds.connect(CLOUD, admin=True)
    with local_clouds.nova_option(CLOUD, 'service_user',
                                  'send_service_user_token', False):
        broken = _assess(local_clouds)
        assert broken.verdicts() == WITHOUT_TOKEN, [
            f.message for f in broken.report if f.severity == 'error']
        token = [f for f in broken.report if f.code == 'RDY302']
        assert len(token) == 1
        assert token[0].location.subject == \
            '[service_user] send_service_user_token'
        assert token[0].location.file.endswith('nova.conf')
        assert 'send_service_user_token = true' in token[0].hint

        server, volume = _boot_from_volume(
            local_clouds, flavor, image[0].id, f'{unique_name}-a', cleanup)
        source = servers.host_of(admin, server)
        before = _attachments(admin, volume)
        assert list(before.values()) == [source]
        # live: predicted ready, and it works; Cinder let Nova delete the
        # source attachment (Nova already named the destination's)
        admin.compute.live_migrate_server(server, host=None,
                                          block_migration='auto')
        live = _moved(admin, server, source).compute_host
        after = _attachments(admin, volume)
        assert list(after.values()) == [live] and not set(after) & set(
            before)
        # cold: predicted blocked, and Cinder refuses the delete (409)
        admin.compute.migrate_server(server)
        failed = servers.wait_until(
            lambda: (lambda s: s.status == 'ERROR' and s)(
                admin.compute.get_server(server.id)),
            'the cold migration to fail', timeout=120)
        assert failed.compute_host == live
        # Cinder: "Detected user call to delete in-use attachment"; Nova's
        # fault (recorded just after the state) names its 409
        fault = str(servers.wait_until(
            lambda: admin.compute.get_server(server.id).fault,
            'the fault of the failed move', timeout=30))
        assert 'ConflictNovaUsingAttachment' in fault and \
            '(HTTP 409)' in fault, fault
        assert [m.status for m in servers.migrations_of(
            admin, server, 'migration')] == ['error']
        assert after.keys() <= _attachments(admin, volume).keys()

    healthy = _assess(local_clouds)
    assert healthy.verdicts() == {k: 'ready' for k in readiness.KINDS}, [
        f.message for f in healthy.report if f.severity == 'error']
    server, volume = _boot_from_volume(
        local_clouds, flavor, image[0].id, f'{unique_name}-b', cleanup)
    source = servers.host_of(admin, server)
    admin.compute.migrate_server(server)
    servers.wait_for_status(admin, server, 'VERIFY_RESIZE', timeout=120)
    admin.compute.confirm_server_resize(server)
    cold = _moved(admin, server, source).compute_host
    assert list(_attachments(admin, volume).values()) == [cold]
