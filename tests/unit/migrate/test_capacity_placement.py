"""The placement side of the capacity check, over mocked HTTP.

The Nova sandbox runs placement in-process without an HTTP endpoint, so
this is the one path of the capacity check real Nova cannot exercise.
"""

from osmigcfg.migrate import capacity

PLACEMENT = 'http://placement.test'


def test_free_room_is_total_times_ratio_minus_reserved_and_used(
        requests_mock, conn):
    requests_mock.get(PLACEMENT + '/', json={'versions': [{
        'id': 'v1.0', 'max_version': '1.39', 'min_version': '1.0',
        'status': 'CURRENT', 'links': [{'rel': 'self',
                                        'href': PLACEMENT + '/'}]}]})
    requests_mock.get(PLACEMENT + '/resource_providers', json={
        'resource_providers': [{'uuid': 'rp2', 'name': 'host2',
                                'generation': 1}]})
    requests_mock.get(PLACEMENT + '/resource_providers/rp2/inventories',
                      json={'resource_provider_generation': 1, 'inventories': {
                          'VCPU': {'total': 8, 'reserved': 0,
                                   'allocation_ratio': 4.0, 'min_unit': 1,
                                   'max_unit': 8, 'step_size': 1},
                          'MEMORY_MB': {'total': 8192, 'reserved': 512,
                                        'allocation_ratio': 1.0,
                                        'min_unit': 1, 'max_unit': 8192,
                                        'step_size': 1}}})
    requests_mock.get(PLACEMENT + '/resource_providers/rp2/usages', json={
        'resource_provider_generation': 1,
        'usages': {'VCPU': 3, 'MEMORY_MB': 1024}})
    conn.config.config['placement_endpoint_override'] = PLACEMENT
    free = capacity.free_from_placement(conn, ['host2', 'host9'])
    assert free == {'host2': {'VCPU': 29.0, 'MEMORY_MB': 6656.0}}
