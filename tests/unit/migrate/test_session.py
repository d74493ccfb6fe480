import pytest
import requests

from osmigcfg import exceptions
from osmigcfg.cloud import compute as cloud_compute
from osmigcfg.migrate import compute as compute_mod
from tests.unit.migrate.conftest import ENDPOINT
from tests.unit.migrate.conftest import version_document

SERVER = '11111111-2222-3333-4444-555555555555'


def _compute(conn):
    return compute_mod.Compute(conn, sleep=lambda s: None)


def test_microversion_is_negotiated_once_and_capped(conn, nova_http):
    compute = _compute(conn)
    assert compute.session.max_version == (2, 104)
    assert compute.session.version == cloud_compute.TARGET
    nova_http.get(f'{ENDPOINT}/servers/{SERVER}',
                  json={'server': {'id': SERVER, 'status': 'ACTIVE'}})
    compute.server(SERVER)
    compute.server(SERVER)
    sent = [r for r in nova_http.request_history if 'servers' in r.url]
    assert {r.headers['OpenStack-API-Version'] for r in sent} == {
        'compute 2.96'}


def test_an_old_cloud_is_refused_per_feature(conn, nova_http):
    nova_http.get(ENDPOINT, json=version_document('2.53'))
    nova_http.get(ENDPOINT + '/', json=version_document('2.53'))
    compute = _compute(conn)
    with pytest.raises(exceptions.MicroversionError) as e:
        compute.migrate(SERVER, host='host2')
    assert str(e.value).startswith(
        'cold migration to a chosen host needs compute API microversion '
        '2.56, the cloud offers at most 2.53')
    assert not [r for r in nova_http.request_history if r.method == 'POST']


def test_missing_server_is_a_not_found_error(conn, nova_http):
    nova_http.get(f'{ENDPOINT}/servers/{SERVER}', status_code=404,
                  json={'itemNotFound': {'message': 'Instance could not '
                                         'be found', 'code': 404}})
    nova_http.get(f'{ENDPOINT}/servers/detail', json={'servers': []})
    with pytest.raises(exceptions.NotFoundError, match=f"no server '{SERVER}'"):
        _compute(conn).server(SERVER)


def test_refusal_keeps_novas_reason_in_one_line(conn, nova_http):
    nova_http.post(f'{ENDPOINT}/servers/{SERVER}/action', status_code=409,
                   json={'conflictingRequest': {
                       'message': "Cannot 'os-migrateLive' instance while\n"
                                  'it is in task_state migrating', 'code': 409}})
    with pytest.raises(exceptions.CloudRequestError) as e:
        _compute(conn).live_migrate(SERVER)
    assert e.value.status == 409
    assert '\n' not in str(e.value)
    assert 'while it is in task_state migrating' in str(e.value)


def test_reads_are_retried_after_a_5xx(conn, nova_http):
    nova_http.get(f'{ENDPOINT}/servers/{SERVER}', [
        {'status_code': 503, 'text': 'busy'},
        {'status_code': 200, 'json': {'server': {'id': SERVER}}}])
    compute = _compute(conn)
    assert compute.server(SERVER)['id'] == SERVER
    assert compute.session.requests == 2


def test_writes_are_never_retried_and_say_they_are_ambiguous(conn, nova_http):
    nova_http.post(f'{ENDPOINT}/servers/{SERVER}/action',
                   exc=requests.exceptions.ConnectionError('reset by peer'))
    compute = _compute(conn)
    with pytest.raises(exceptions.TransientError, match='connection lost'):
        compute.live_migrate(SERVER)
    assert len([r for r in nova_http.request_history
                if r.method == 'POST']) == 1


def test_an_unreachable_cloud_is_one_clear_error():
    import openstack
    conn = openstack.connect(
        load_yaml_config=False, load_envvars=False, auth_type='admin_token',
        auth={'token': 't', 'endpoint': 'http://127.0.0.1:9/v2.1'})
    with pytest.raises(exceptions.CloudUnreachableError) as e:
        compute_mod.Compute(conn)
    assert str(e.value).startswith('cannot reach http://127.0.0.1:9/v2.1')
