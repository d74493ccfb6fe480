"""Starting a migration when Nova's answer is lost (mocked HTTP: real Nova
cannot be made to drop the answer of one request on cue here; the
functional tests do it with a fault-injecting proxy)."""

import pytest
import requests

from osmigcfg import exceptions
from osmigcfg.migrate import compute as compute_mod
from osmigcfg.migrate import drivers
from osmigcfg.migrate import preflight as pf
from tests.unit.migrate.conftest import ENDPOINT

SID = '11111111-2222-3333-4444-555555555555'
ACTIONS = f'{ENDPOINT}/servers/{SID}/os-instance-actions'
FACTS = {'id': SID, 'name': 'vm', 'status': 'ACTIVE', 'host': 'h1',
         'host_id': 'x', 'project_id': 'p', 'last_action': 'req-old'}


def _driver(conn):
    compute = compute_mod.Compute(conn, sleep=lambda s: None)
    return drivers.LiveDriver(compute, pf.Preflight(None, pf.Caller(None, None)),
                              sleep=lambda s: None)


def _server(status):
    return {'server': {'id': SID, 'name': 'vm', 'status': status,
                       'OS-EXT-STS:task_state': None, 'hostId': 'x'}}


def _posts(nova_http):
    return [r for r in nova_http.request_history if r.method == 'POST']


def test_a_lost_answer_is_not_sent_twice_when_nova_started_it(conn, nova_http):
    nova_http.post(f'{ENDPOINT}/servers/{SID}/action',
                   exc=requests.exceptions.ConnectionError('reset'))
    nova_http.get(ACTIONS, json={'instanceActions': [
        {'action': 'live-migration', 'request_id': 'req-new',
         'start_time': '2026-01-01T00:00:01'},
        {'action': 'live-migration', 'request_id': 'req-old',
         'start_time': '2026-01-01T00:00:00'}]})
    start = _driver(conn).start(FACTS)
    assert start['request_id'] == 'req-new' and start['reconciled']
    assert len(_posts(nova_http)) == 1


def test_a_lost_answer_is_sent_again_when_nova_did_not_start_it(
        conn, nova_http):
    nova_http.post(f'{ENDPOINT}/servers/{SID}/action', [
        {'exc': requests.exceptions.ConnectionError('reset')},
        {'status_code': 202, 'headers': {
            'x-openstack-request-id': 'req-2'}}])
    nova_http.get(ACTIONS, json={'instanceActions': [
        {'action': 'live-migration', 'request_id': 'req-old'}]})
    nova_http.get(f'{ENDPOINT}/servers/{SID}', json=_server('ACTIVE'))
    start = _driver(conn).start(FACTS)
    assert start == {'request_id': 'req-2', 'started': start['started'],
                     'reconciled': False}
    assert len(_posts(nova_http)) == 2


def test_a_resumed_start_looks_before_sending(conn, nova_http):
    nova_http.get(ACTIONS, json={'instanceActions': [
        {'action': 'live-migration', 'request_id': 'req-old'}]})
    nova_http.get(f'{ENDPOINT}/servers/{SID}', json=_server('MIGRATING'))
    start = _driver(conn).start(FACTS, resumed=True)
    assert start['reconciled'] and not _posts(nova_http)


def test_a_persistent_refusal_fails_with_novas_reason(conn, nova_http):
    nova_http.post(f'{ENDPOINT}/servers/{SID}/action', status_code=400,
                   json={'badRequest': {'message': 'No valid host'}})
    with pytest.raises(exceptions.MigrationFailed, match='No valid host'):
        _driver(conn).start(FACTS)
