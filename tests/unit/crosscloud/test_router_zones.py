"""A router's availability zone hints travel: exported from neutron's
router, sent in the destination's create (neutron's
``router_availability_zone`` extension; create-only)."""

from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import writing
from osmigcfg.crosscloud.export import exporter as export
from tests.unit.crosscloud.catalog_cloud import PROJECT
from tests.unit.crosscloud.catalog_cloud import mock_cloud

NEUTRON = 'http://neutron.test/v2.0'
ROUTER = {'id': 'r-1', 'name': 'edge-router', 'project_id': PROJECT['id'],
          'tenant_id': PROJECT['id'], 'status': 'ACTIVE',
          'admin_state_up': True, 'description': '',
          'availability_zone_hints': ['az-b', 'az-a'],
          'availability_zones': ['az-a'], 'routes': [], 'tags': [],
          'external_gateway_info': None}


def test_router_zone_hints_are_exported_and_sent_at_create(
        requests_mock, tmp_path):
    conn = mock_cloud(requests_mock, ('identity', 'image', 'network'))
    requests_mock.get(f'{NEUTRON}/routers', json={'routers': [ROUTER]})
    result = export.export_resources(conn, tmp_path / 'out')
    [routers] = [d for d in result.documents if d.type == 'router']
    [entry] = routers.entries
    assert entry.params['availability_zone_hints'] == ['az-b', 'az-a']

    rtype = resources.get_type('router')
    assert not rtype.param('availability_zone_hints').updatable
    created = requests_mock.post(f'{NEUTRON}/routers', status_code=201,
                                 json={'router': {'id': 'r-dst'}})
    assert rtype.create(writing.WriteContext(conn), dict(entry.params),
                        entry) == 'r-dst'
    sent = created.last_request.json()['router']
    assert sent['availability_zone_hints'] == ['az-b', 'az-a']
    assert sent['name'] == 'edge-router'
