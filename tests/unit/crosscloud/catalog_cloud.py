"""A cloud whose catalog lacks some services, mocked over HTTP.

requests-mock answers keystone (password auth, a realistic token with
its catalog) and the list calls of the services that catalog has.  It is
a mock because the local clouds (tests/crosscloud) always run every
service: making one lack a service means editing its keystone, which the
``clouds`` test does once for real.  Any request to a URL not registered
here fails as a lost connection, so a read of an absent service shows.
"""

import openstack

KEYSTONE = 'http://keystone.test/v3'
PROJECT = {'id': 'p-demo', 'name': 'demo', 'domain_id': 'default',
           'description': '', 'enabled': True, 'tags': []}
#: catalog service type -> (service name, endpoint URL)
ENDPOINTS = {
    'identity': ('keystone', KEYSTONE),
    'image': ('glance', 'http://glance.test'),
    'network': ('neutron', 'http://neutron.test'),
    'compute': ('nova', 'http://nova.test/v2.1'),
    'block-storage': ('cinderv3', 'http://cinder.test/v3/p-demo'),
    'volumev3': ('cinderv3', 'http://cinder.test/v3/p-demo'),  # older name
    'placement': ('placement', 'http://placement.test'),
}
NETWORK_LISTS = ('networks', 'subnets', 'routers', 'security-groups',
                 'ports', 'floatingips')
NETWORK_QUOTA = {'network': 100, 'subnet': 100, 'port': 500, 'router': 10,
                 'floatingip': 50, 'security_group': 10,
                 'security_group_rule': 100}


def _catalog(service_types):
    return [{'type': kind, 'name': ENDPOINTS[kind][0], 'id': f'svc-{kind}',
             'endpoints': [{'id': f'{kind}-{interface}',
                            'interface': interface, 'region': 'RegionOne',
                            'region_id': 'RegionOne',
                            'url': ENDPOINTS[kind][1]}
                           for interface in ('public', 'internal')]}
            for kind in service_types]


def _token(service_types):
    domain = {'id': 'default', 'name': 'Default'}
    return {'token': {
        'methods': ['password'], 'expires_at': '2099-01-01T00:00:00.000000Z',
        'issued_at': '2026-01-01T00:00:00.000000Z',
        'user': {'id': 'u-admin', 'name': 'admin', 'domain': domain},
        'project': {'id': PROJECT['id'], 'name': PROJECT['name'],
                    'domain': domain},
        'roles': [{'id': 'r-admin', 'name': 'admin'},
                  {'id': 'r-member', 'name': 'member'}],
        'catalog': _catalog(service_types)}}


def _versions(http, root, version_id, path):
    http.get(root + '/', json={'versions': [{
        'id': version_id, 'status': 'CURRENT',
        'links': [{'rel': 'self', 'href': f'{root}/{path}/'}]}]})


def mock_cloud(http, service_types, images=()):
    """Register a cloud offering ``service_types``; return a Connection.

    :param http: the ``requests_mock`` fixture.
    :param images: the glance image API dicts the cloud lists.
    """
    http.get(KEYSTONE, json={'version': {
        'id': 'v3.14', 'status': 'stable',
        'links': [{'rel': 'self', 'href': KEYSTONE + '/'}]}})
    http.post(KEYSTONE + '/auth/tokens', json=_token(service_types),
              headers={'X-Subject-Token': 'token'}, status_code=201)
    http.get(KEYSTONE + '/projects', json={'projects': [PROJECT]})
    http.get(KEYSTONE + '/domains', json={'domains': [
        {'id': 'default', 'name': 'Default'}]})
    http.get(KEYSTONE + '/users', json={'users': []})
    http.get(KEYSTONE + '/role_assignments', json={'role_assignments': []})
    if 'image' in service_types:
        _versions(http, 'http://glance.test', 'v2.16', 'v2')
        http.get('http://glance.test/v2/images', json={
            'images': list(images)})
    if 'network' in service_types:
        _network(http)
    return openstack.connect(
        auth_url=KEYSTONE, username='admin', password='pw',
        project_name=PROJECT['name'], user_domain_name='Default',
        project_domain_name='Default', region_name='RegionOne',
        load_yaml_config=False, load_envvars=False,
        app_name='osmigcfg-tests')


def _network(http):
    root = 'http://neutron.test'
    _versions(http, root, 'v2.0', 'v2.0')
    for path in NETWORK_LISTS:
        http.get(f'{root}/v2.0/{path}', json={path.replace('-', '_'): []})
    pid = PROJECT['id']
    http.get(f'{root}/v2.0/quotas/{pid}', json={'quota': NETWORK_QUOTA})
    http.get(f'{root}/v2.0/quotas/{pid}/details', json={'quota': {
        k: {'limit': v, 'used': 0, 'reserved': 0}
        for k, v in NETWORK_QUOTA.items()}})


def image(name, **properties):
    """A glance image API dict with custom ``properties``."""
    return {'id': f'img-{name}', 'name': name, 'status': 'active',
            'visibility': 'private', 'protected': False, 'os_hidden': False,
            'owner': PROJECT['id'], 'disk_format': 'qcow2',
            'container_format': 'bare', 'min_disk': 0, 'min_ram': 0,
            'size': 1024, 'checksum': 'c' * 32, 'tags': [],
            'created_at': '2026-01-01T00:00:00Z', **properties}
