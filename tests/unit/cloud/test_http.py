"""The one HTTP layer: error mapping and retry policy.

The service is requests-mock behind a real keystoneauth adapter (no cloud
runs in unit tests); everything above the transport is the real code.
"""

import pytest
import requests
from keystoneauth1 import adapter
from keystoneauth1 import session as ks_session

from osmigcfg import exceptions
from osmigcfg.cloud import http

URL = 'http://cloud.test:9696/v2.0'


@pytest.fixture
def proxy():
    return adapter.Adapter(ks_session.Session(), endpoint_override=URL)


def _send(proxy, method, pauses=None, **kwargs):
    """Send to /things; the pauses between tries land in ``pauses``."""
    pauses = [] if pauses is None else pauses
    return http.send(proxy, method, '/things', what=f'{method} things',
                     sleep=pauses.append, **kwargs)


def test_idempotent_requests_are_sent_again_after_a_5xx(proxy, requests_mock):
    requests_mock.put(URL + '/things', [
        {'status_code': 503, 'text': 'busy'},
        {'status_code': 502, 'text': 'bad gateway'},
        {'status_code': 200, 'json': {'thing': {'id': 'x'}}}])
    pauses = []
    response = _send(proxy, 'PUT', pauses, json={'thing': {}})
    assert response.body == {'thing': {'id': 'x'}}
    assert pauses == list(http.RETRY_DELAYS[:2])


def test_a_post_is_sent_once_and_says_it_may_have_happened(
        proxy, requests_mock):
    requests_mock.post(URL + '/things', status_code=500,
                       json={'NeutronError': {'message': 'db\nlocked'}})
    pauses = []
    with pytest.raises(exceptions.TransientError) as e:
        _send(proxy, 'POST', pauses, json={})
    assert http.is_transient(e.value)
    assert e.value.status == 500
    assert str(e.value) == 'POST things: db locked (HTTP 500)'
    assert requests_mock.call_count == 1 and pauses == []


def test_a_dropped_connection_is_transient_a_refused_one_is_not(
        proxy, requests_mock):
    requests_mock.post(URL + '/things',
                       exc=requests.exceptions.ConnectionError('reset'))
    with pytest.raises(exceptions.TransientError, match='connection lost'):
        _send(proxy, 'POST')
    requests_mock.get(URL + '/things', exc=requests.exceptions.ConnectionError(
        'Connection refused'))
    pauses = []
    with pytest.raises(exceptions.CloudUnreachableError) as e:
        _send(proxy, 'GET', pauses, where='the network API')
    assert not http.is_transient(e.value)
    assert str(e.value).startswith('cannot reach the network API: ')
    assert pauses == []  # a service that is down is not waited for


def test_a_read_that_keeps_failing_says_how_often_it_was_tried(
        proxy, requests_mock):
    requests_mock.get(URL + '/things', status_code=503, text='busy')
    with pytest.raises(exceptions.TransientError) as e:
        _send(proxy, 'GET')
    retries = len(http.RETRY_DELAYS)
    assert requests_mock.call_count == retries + 1
    assert e.value.message == (
        f'GET things: busy (HTTP 503); still failing after {retries} retries')


@pytest.mark.parametrize('body, reason', [
    ({'badRequest': {'message': 'Invalid  host', 'code': 400}},
     'Invalid host'),
    ({'detail': 'image is queued'}, 'image is queued'),
])
def test_refusals_carry_the_services_reason(proxy, requests_mock, body,
                                            reason):
    requests_mock.delete(URL + '/things', status_code=400, json=body)
    with pytest.raises(exceptions.CloudRequestError) as e:
        _send(proxy, 'DELETE')
    assert not http.is_transient(e.value)
    assert (e.value.status, e.value.reason) == (400, reason)
    assert requests_mock.call_count == 1  # a refusal is not retried


def test_401_says_to_check_the_credentials(proxy, requests_mock):
    requests_mock.get(URL + '/things', status_code=401, text='no')
    with pytest.raises(exceptions.CloudRequestError) as e:
        _send(proxy, 'GET')
    assert '--os-cloud' in str(e.value)


@pytest.mark.parametrize('header', [
    'Mon, 07 Dec 2026 04:13:01 GMT',
    'Mon, 07 Dec 2026 04:13:01 -0000',   # parses naive in the stdlib
    'Mon, 07 Dec 2026 05:13:01 +0100'])
def test_dates_are_aware_utc_so_they_can_be_compared(header):
    """A naive date next to an aware one made the watch's comparison
    raise (seen in CI: every live migration of a drain failed, and the
    poller died)."""
    response = requests.Response()
    response.headers['Date'] = header
    date = http.check_date(response)
    assert date.tzinfo is not None
    assert date.isoformat() == '2026-12-07T04:13:01+00:00'
