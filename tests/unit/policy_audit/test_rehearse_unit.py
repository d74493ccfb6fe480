"""Rehearsal without Nova: how answers are read, and the input checks."""

import json
import types

import pytest
import requests
from keystoneauth1 import adapter
from keystoneauth1 import session as ks_session

from osmigcfg import exceptions
from osmigcfg.policy import rehearse
from osmigcfg.policy import rehearse_calls as calls


def response(status, body=None):
    resp = requests.Response()
    resp.status_code = status
    resp._content = json.dumps(body if body is not None else {}).encode()
    resp.headers['Content-Type'] = 'application/json'
    return resp


def error(status, kind, message):
    return response(status, {kind: {'code': status, 'message': message}})


POLICY_403 = error(403, 'forbidden', "Policy doesn't allow os_compute_api:"
                   "os-migrate-server:migrate_live:host to be performed.")


@pytest.mark.parametrize('resp,verdict', [
    (response(202), 'allowed'),
    (response(204), 'allowed'),
    (POLICY_403, 'denied'),
    (error(404, 'itemNotFound', 'Instance 1234 could not be found.'),
     'denied'),
    (error(404, 'itemNotFound', 'In-progress live migration 3 is not found '
           'for server 1234.'), 'allowed'),
    (error(409, 'conflictingRequest', "Cannot 'migrate' instance 1234 while "
           "it is in vm_state suspended"), 'allowed'),
    (error(400, 'badRequest', 'Compute service of host1 is still in use.'),
     'allowed'),
    (error(403, 'forbidden', 'Quota exceeded for cores'), 'unobserved'),
    (error(500, 'computeFault', 'boom'), 'unobserved'),
])
def test_answers_are_read_policy_first(resp, verdict):
    assert calls.read_answer(resp).verdict == verdict


def test_a_policy_refusal_names_the_rule_nova_checked():
    answer = calls.read_answer(POLICY_403)
    assert answer.rule == 'os_compute_api:os-migrate-server:migrate_live:host'
    assert answer.status == 403


def _caller(url):
    """A Caller over a real keystoneauth adapter (requests-mock answers)."""
    compute = adapter.Adapter(ks_session.Session(), service_type='compute',
                              endpoint_override=url)
    return calls.Caller(types.SimpleNamespace(compute=compute), '2.96')


def test_a_refusal_is_an_answer_sent_once(requests_mock):
    url = 'http://nova.test/v2.1'
    requests_mock.post(url + '/servers/S/action', status_code=500,
                       json={'computeFault': {'message': 'boom'}})
    answer = calls.cold_migrate(_caller(url), 'S')
    assert (answer.verdict, answer.status) == ('unobserved', 500)
    assert requests_mock.call_count == 1
    assert requests_mock.last_request.headers[
        'OpenStack-API-Version'] == 'compute 2.96'


def test_a_lost_answer_is_an_osmigcfg_error_not_a_traceback(requests_mock):
    url = 'http://nova.test/v2.1'
    requests_mock.post(url + '/servers/S/action',
                       exc=requests.exceptions.ConnectionError('reset'))
    with pytest.raises(exceptions.TransientError, match='connection lost'):
        calls.live_migrate(_caller(url), 'S')


class FakeCaller:
    def __init__(self, resp):
        self.resp = resp
        self.calls = []

    def call(self, method, path, body=None):
        self.calls.append((method, path))
        return self.resp


@pytest.mark.parametrize('records,verdict', [
    ([{'source_compute': 'host1', 'dest_compute': 'host2'}], 'allowed'),
    ([{'source_compute': None, 'dest_compute': None}], 'denied'),
    ([], 'unobserved'),
])
def test_host_rules_are_read_from_the_listed_records(records, verdict):
    caller = FakeCaller(response(200, {'migrations': records}))
    answer = calls.list_migrations(caller, 'project-a', want_host=True)
    assert answer.verdict == verdict
    assert caller.calls == [('GET', '/os-migrations?project_id=project-a')]
    if verdict == 'denied':
        assert answer.rule == 'os_compute_api:os-migrations:index:host'


def test_listing_refused_by_policy_is_denied_whatever_the_host_rule():
    caller = FakeCaller(POLICY_403)
    assert calls.list_server_migrations(caller, 'S', want_host=True
                                        ).verdict == 'denied'


def test_rehearsal_runs_only_nova_34():
    with pytest.raises(exceptions.InputError, match='runs Nova 34'):
        rehearse.rehearse_policy(profile='upstream', release=33)


def test_unknown_persona_is_refused_before_starting_nova():
    with pytest.raises(exceptions.InputError, match="unknown persona 'boss'"):
        rehearse.rehearse_policy(profile='upstream', personas=['boss'])


def test_without_nova_installed_the_error_says_what_to_install(
        without_extra):
    without_extra('rehearse')
    with pytest.raises(exceptions.MissingExtraError) as info:
        rehearse.rehearse_policy(profile='upstream')
    assert info.value.extra == 'rehearse'
    assert "pip install 'osmigcfg[rehearse]'" in str(info.value)
