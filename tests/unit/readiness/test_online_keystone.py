"""Online reads over HTTP: keystone's role assignments and a partial catalog.

requests-mock answers keystone (password auth, a token whose catalog has
identity, compute and network but no Placement and no Cinder) and Nova's
lists.  It is a mock because the real-Nova sandbox has no keystone and the
whole local clouds (marker ``clouds``) always run every service.
"""

import pytest

from osmigcfg import readiness
from tests.unit.crosscloud import catalog_cloud

NOVA = 'http://nova.test/v2.1'
KEYSTONE = catalog_cloud.KEYSTONE


def _user(http, name, uid, roles):
    http.get(f'{KEYSTONE}/users?name={name}', json={'users': [
        {'id': uid, 'name': name, 'domain_id': 'default'}]})
    http.get(f'{KEYSTONE}/role_assignments?user.id={uid}', json={
        'role_assignments': [{
            'role': {'id': f'r-{r}', 'name': r},
            'user': {'id': uid, 'name': name},
            'scope': {'project': {'id': 'p-service', 'name': 'service'}}}
            for r in roles]})


@pytest.fixture
def cloud(requests_mock):
    conn = catalog_cloud.mock_cloud(requests_mock,
                                    ['identity', 'compute', 'network'])
    requests_mock.get(NOVA + '/', json={'version': {
        'id': 'v2.1', 'status': 'CURRENT', 'version': '2.104',
        'min_version': '2.1', 'links': [{'rel': 'self',
                                         'href': NOVA + '/'}]}})
    requests_mock.get(NOVA + '/os-services', json={'services': [
        {'host': h, 'state': 'up', 'status': 'enabled',
         'binary': 'nova-compute'} for h in ('cmp1', 'cmp2')]})
    requests_mock.get(NOVA + '/os-hypervisors/detail', json={
        'hypervisors': [{'hypervisor_hostname': h, 'hypervisor_type': 'QEMU',
                         'hypervisor_version': 10_001_000}
                        for h in ('cmp1', 'cmp2')]})
    return conn


def test_keystone_roles_decide_and_missing_services_are_findings(
        cloud, requests_mock):
    _user(requests_mock, 'nova', 'u-nova', ['service'])
    _user(requests_mock, 'neutron', 'u-neutron', ['member', 'reader'])
    result = readiness.assess(readiness.Inputs(timeout=7), conn=cloud)
    by_code = {}
    for finding in result.report:
        by_code.setdefault(finding.code, set()).add(finding.location.subject)
    # Neutron's user lacks service: its external events are refused
    assert by_code['RDY101'] == {
        'nova:os_compute_api:os-server-external-events:create / neutron'}
    assert by_code['RDY409'] == {'placement', 'block-storage'}
    assert 'RDY204' not in by_code
    assert result.verdict('live') == 'blocked'
    assignments = [r for r in requests_mock.request_history
                   if r.path.endswith('/role_assignments')]
    assert {r.qs['user.id'][0] for r in assignments} == {'u-nova',
                                                         'u-neutron'}
    assert all(r.qs['effective'] and r.qs['include_names']
               for r in assignments)
    reads = [r for r in requests_mock.request_history
             if r.url.startswith(NOVA) or r.path.startswith(
                 ('/v3/users', '/v3/role_assignments'))]
    assert reads and all(r.timeout == 7 for r in reads)


def test_a_user_keystone_does_not_know_has_no_roles(cloud, requests_mock):
    _user(requests_mock, 'nova', 'u-nova', ['service'])
    result = readiness.assess(readiness.Inputs(), conn=cloud)
    missing = next(f for f in result.report if f.code == 'RDY202')
    assert missing.location.subject == 'neutron_nova_user neutron'
    assert 'keystone' in missing.message
