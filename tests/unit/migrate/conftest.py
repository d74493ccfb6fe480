"""A compute endpoint mocked at the HTTP level (requests-mock).

Used only where real Nova cannot run or cannot be made to misbehave on
cue: microversion negotiation against an old cloud, placement (the Nova
sandbox serves no placement endpoint) and lost answers.  Everything else
is tested against real Nova in tests/functional.
"""

import openstack
import pytest

ENDPOINT = 'http://nova.test/v2.1'


def version_document(max_version='2.104'):
    return {'version': {
        'id': 'v2.1', 'status': 'CURRENT', 'version': max_version,
        'min_version': '2.1', 'updated': '2013-07-23T11:33:21Z',
        'links': [{'rel': 'self', 'href': ENDPOINT + '/'}]}}


@pytest.fixture
def nova_http(requests_mock):
    """requests-mock with Nova's version document at the endpoint."""
    requests_mock.get(ENDPOINT, json=version_document())
    requests_mock.get(ENDPOINT + '/', json=version_document())
    return requests_mock


@pytest.fixture
def conn(nova_http):
    """An openstacksdk connection to the mocked endpoint (admin_token)."""
    return openstack.connect(
        load_yaml_config=False, load_envvars=False, auth_type='admin_token',
        auth={'token': 'admin:admin:admin', 'endpoint': ENDPOINT},
        app_name='osmigcfg-tests')
