"""Partial clouds and secrets at export, through the library over HTTP.

The source and destination are keystone catalogs without block storage
(an edge cloud: keystone, glance, neutron) or without compute and block
storage, mocked with requests-mock (see catalog_cloud).
"""

import os
import stat

import pytest
import yaml

from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import documents
from osmigcfg.crosscloud import filters
from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import services
from osmigcfg.crosscloud import validate
from osmigcfg.crosscloud.export import exporter as export
from osmigcfg.crosscloud.importing import items as import_items
from osmigcfg.crosscloud.plan import planner as plan
from tests.unit.crosscloud.catalog_cloud import KEYSTONE
from tests.unit.crosscloud.catalog_cloud import image
from tests.unit.crosscloud.catalog_cloud import mock_cloud
from tests.unit.crosscloud.conftest import document_text
from tests.unit.crosscloud.conftest import network

EDGE = ('identity', 'image', 'network')
IMAGES = filters.Filters(types=('image',))


def _no_service(report):
    return sorted((f.location.subject, f.message) for f in report.findings
                  if f.code == codes.NO_SERVICE)


def _requested(http, host):
    return [r.url for r in http.request_history if host in r.url]


def test_export_of_a_cloud_without_block_storage_skips_each_volume_type(
        requests_mock, tmp_path):
    conn = mock_cloud(requests_mock, EDGE + ('compute',), [image('cirros')])
    nova_version = {'version': {
        'id': 'v2.1', 'status': 'CURRENT', 'version': '2.96',
        'min_version': '2.1', 'links': [
            {'rel': 'self', 'href': 'http://nova.test/v2.1/'}]}}
    for url in ('http://nova.test/v2.1', 'http://nova.test/v2.1/'):
        requests_mock.get(url, json=nova_version)
    for path, key in (('flavors/detail', 'flavors'),
                      ('os-keypairs', 'keypairs'),
                      ('os-server-groups', 'server_groups'),
                      ('servers/detail', 'servers')):
        requests_mock.get(f'http://nova.test/v2.1/{path}', json={key: []})
    result = export.export_resources(conn, tmp_path / 'out',
                                     cloud_name='edge')
    assert set(result.counts()) == {'project', 'image', 'quota'}
    not_cinder = ': the source catalog has no block-storage service'
    assert _no_service(result.report) == [
        ('quota volume', 'not exported' + not_cinder),
        ('volume', 'not exported' + not_cinder),
        ('volume_snapshot', 'not exported' + not_cinder)]
    quota = next(d for d in result.documents if d.type == 'quota')
    assert set(quota.entries[0].params) == {'project', 'network'}
    assert quota.entries[0].params['network']['router'] == 10


def test_export_of_a_cloud_without_compute_and_block_storage(
        requests_mock, tmp_path):
    conn = mock_cloud(requests_mock, EDGE, [image('cirros')])
    result = export.export_resources(conn, tmp_path / 'out')
    assert [s for s, _ in _no_service(result.report)] == [
        'flavor', 'keypair', 'quota volume', 'server', 'server_group',
        'volume', 'volume_snapshot']
    assert 'no compute service' in dict(_no_service(result.report))['server']
    assert sorted(p.name for p in result.written) == [
        'images.yaml', 'projects.yaml', 'quotas.yaml']
    assert not _requested(requests_mock, 'nova.test')
    assert not _requested(requests_mock, 'cinder.test')


@pytest.mark.parametrize('cinder', ['block-storage', 'volumev3'])
def test_a_catalog_service_is_found_by_its_type_or_an_alias(
        requests_mock, cinder):
    conn = mock_cloud(requests_mock, EDGE + (cinder,))
    found = {kind: services.has_service(conn, kind) for kind in (
        'identity', 'image', 'network', 'block-storage', 'compute',
        'placement')}
    assert found == {'identity': True, 'image': True, 'network': True,
                     'block-storage': True, 'compute': False,
                     'placement': False}


def _volume(name):
    return {'source': {'name': name, 'project': 'demo'},
            'params': {'name': name, 'size': 1}}


def _quota():
    return {'source': {'name': 'demo'},
            'params': {'project': {'ref': 'project', 'name': 'demo'},
                       'network': {'router': 20},
                       'volume': {'volumes': 5}}}


def test_plan_into_a_cloud_without_block_storage_leaves_volumes_out(
        requests_mock, docs):
    conn = mock_cloud(requests_mock, EDGE)
    docs('networks.yaml', document_text('network', [network('n1')]))
    docs('quotas.yaml', document_text('quota', [_quota()]))
    directory = docs('volumes.yaml', document_text(
        'volume', [_volume('v1'), _volume('v2')]))
    result = plan.plan_import(directory, conn)
    assert not result.report.fails('error'), result.report.findings
    assert [(f.severity, f.location.subject, f.message)
            for f in result.report.findings] == [
        ('warning', 'quota volume', 'not planned (1 in the documents): the '
         'destination catalog has no block-storage service'),
        ('warning', 'volume', 'not planned (2 in the documents): the '
         'destination catalog has no block-storage service')]
    assert [(i.type, i.action) for i in result.items] == [
        ('network', 'create'), ('quota', 'update')]
    quota = next(i for i in result.items if i.type == 'quota')
    assert set(quota.want) == {'project', 'network'}
    applied = import_items.build_items(result)
    assert 'volume' not in next(i for i in applied if i.type == 'quota').want
    assert not _requested(requests_mock, 'cinder.test')


def test_plan_into_a_cloud_without_compute_leaves_flavors_out(
        requests_mock, docs):
    conn = mock_cloud(requests_mock, EDGE)
    flavor = {'source': {'name': 'm1'},
              'params': {'name': 'm1', 'ram': 512, 'vcpus': 1}}
    directory = docs('flavors.yaml', document_text('flavor', [flavor]))
    result = plan.plan_import(directory, conn)
    assert result.items == []
    assert _no_service(result.report) == [('flavor', (
        'not planned (1 in the documents): the destination catalog has no '
        'compute service'))]


def test_export_leaves_out_a_password_property_and_names_it(
        requests_mock, tmp_path):
    key = ('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n'
           '-----END RSA PRIVATE KEY-----')
    conn = mock_cloud(requests_mock, EDGE, [image(
        'cirros', password='s3cr3t-pw', hw_disk_bus='scsi', note=key,
        app={'db_password': 'other-s3cr3t', 'port': 5432})])
    old = os.umask(0o022)
    try:
        result = export.export_resources(conn, tmp_path / 'out', IMAGES)
    finally:
        os.umask(old)
    written = (tmp_path / 'out' / 'images.yaml').read_text()
    for secret in ('s3cr3t', 'PRIVATE KEY', 'MIIE'):
        assert secret not in written
    entry = yaml.safe_load(written)['resources'][0]
    assert entry['params']['properties'] == {'hw_disk_bus': 'scsi',
                                             'app': {'port': 5432}}
    assert entry['info']['left_out'] == [
        'params.properties.password', 'params.properties.note',
        'params.properties.app.db_password']
    notes = [(f.severity, f.location.subject, f.message)
             for f in result.report.findings
             if f.code == codes.SECRET_LEFT_OUT]
    assert notes == [
        ('warning', 'image cirros', f'{path}: looks like a secret; left out '
         'of the document') for path in entry['info']['left_out']]
    assert all('s3cr3t' not in f.message for f in result.report.findings)
    # what export writes, import reads without a secret refusal
    _, report = documents.read_directory(tmp_path / 'out')
    assert not [f for f in report.findings if f.code == codes.SECRET]


def test_exported_documents_are_private_even_when_unchanged(
        requests_mock, tmp_path):
    conn = mock_cloud(requests_mock, EDGE, [image('cirros')])
    old = os.umask(0o022)
    try:
        first = export.export_resources(conn, tmp_path / 'out', IMAGES)
        (tmp_path / 'out' / 'images.yaml').chmod(0o644)
        again = export.export_resources(conn, tmp_path / 'out', IMAGES)
    finally:
        os.umask(old)
    assert first.written and not again.written
    modes = {p.name: stat.S_IMODE(p.stat().st_mode)
             for p in (tmp_path / 'out').iterdir()}
    assert modes == {p.name: 0o600 for p in first.written}


@pytest.mark.parametrize('value', [
    {'password': 'x', 'ok': 1},
    {'deep': [{'api_key': 'x'}, '-----BEGIN PRIVATE KEY-----'], 'n': 'y'},
    {'token': {'nested': 'x'}, 'a': {'b': {'adminPass': 'x'}}},
])
def test_import_refuses_exactly_what_export_leaves_out(value):
    clean, found = validate.split_secrets(value, ('params',))
    refused = validate.secret_errors(value, 'f.yaml', ('params',))
    assert [f.message.split(':')[0] for f in refused] == [
        model.path_text(path) for path, _ in found]
    assert found and validate.secret_errors(clean, 'f.yaml') == []


def test_the_export_command_prints_the_skipped_types_and_secrets(
        requests_mock, tmp_path, capsys, monkeypatch):
    from tests.cli_runner import run_cli
    mock_cloud(requests_mock, EDGE, [image('cirros', password='s3cr3t')])
    (tmp_path / 'clouds.yaml').write_text(yaml.safe_dump({'clouds': {
        'edge': {'auth': {'auth_url': KEYSTONE, 'username': 'admin',
                          'password': 'pw', 'project_name': 'demo',
                          'user_domain_name': 'Default',
                          'project_domain_name': 'Default'},
                 'region_name': 'RegionOne'}}}))
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(tmp_path / 'clouds.yaml'))
    status, out, err = run_cli(capsys, '--os-cloud', 'edge', 'export',
                               str(tmp_path / 'out'), '-f', 'value')
    assert status == 0, err
    lines = err.strip().splitlines()
    assert [line.split()[:2] for line in lines] == [
        ['warning', 'XCL405']] + [['info', 'XCL404']] * 7
    assert lines[0].startswith('warning XCL405 image cirros: '
                               'params.properties.password: ')
    assert 's3cr3t' not in err + out
    assert 'images.yaml' in out


def test_a_cutover_into_a_cloud_without_compute_is_one_clear_error(
        requests_mock, docs):
    from osmigcfg import exceptions
    from osmigcfg.crosscloud.cutover import run as cutover
    conn = mock_cloud(requests_mock, EDGE)
    server = {'source': {'name': 'web', 'project': 'demo', 'id': 's-1'},
              'params': {'name': 'web', 'flavor': {
                  'ref': 'flavor', 'name': 'm1'}}}
    directory = docs('servers.yaml', document_text('server', [server]))
    with pytest.raises(exceptions.InputError) as caught:
        cutover.prepare(directory, 'web', conn, conn, ('src', 'edge'))
    assert caught.value.message == (
        'cannot cut over server web: the destination catalog has no compute '
        'service')


def test_an_import_plan_is_the_shared_run_result_with_its_items_planned(
        requests_mock, docs):
    from osmigcfg import engine
    from osmigcfg.crosscloud.importing import run as importer
    conn = mock_cloud(requests_mock, EDGE)
    directory = docs('networks.yaml', document_text('network',
                                                    [network('n1')]))
    result, _documents, _dst = importer.plan_run(directory, conn)
    assert isinstance(result, engine.JournaledResult)
    assert [(i.type, i.action) for i in result.planned] == [
        ('network', 'create')]
    assert result.items == [] and result.journal is None and result.ok
