"""Export a project from the real ``src`` cloud, edit it, plan it on ``dst``.

A member builds one of every tenant resource in a fresh project of
``src``; the same project name exists (empty) in ``dst``.  The commands
run as a user types them (``osmigcfg export`` / ``import plan``).
"""

import json
import re
import shutil
import types

import pytest
import yaml

from osmigcfg import crosscloud
from tests.cli_runner import run_cli
from tests.crosscloud import migration_support as ms
from tests.crosscloud import scenario

pytestmark = pytest.mark.clouds
UUID = re.compile(r'[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?'
                  r'[0-9a-f]{12}')


@pytest.fixture(scope='module')
def project(local_clouds, tmp_path_factory):
    """A populated project in src, its empty twin in dst, and an export."""
    name, src, dst = ms.new_project_with_types(local_clouds, 'xcl')
    scenario.build_project(local_clouds.connect(src), 'app', 'gold')
    exported = tmp_path_factory.mktemp('exported')
    result = crosscloud.export_resources(local_clouds.connect(src), exported,
                                         cloud_name=src)
    assert not [f for f in result.report if f.severity != 'info']
    return types.SimpleNamespace(name=name, src=src, dst=dst, dir=exported)


@pytest.fixture
def cli(local_clouds, monkeypatch, capsys):
    """Run osmigcfg against the local clouds' clouds.yaml."""
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(local_clouds.clouds_yaml))
    return lambda *argv: run_cli(capsys, *argv)


def _copy(project, tmp_path):
    target = tmp_path / 'docs'
    shutil.copytree(project.dir, target)
    return target


def _map_volume_type(directory):
    ms.edit(directory, 'volumes.yaml', lambda rs: ms.by_name(rs, 'app-vol')[
        'migration'].update(volume_type='silver'))


def _plan_rows(cli, directory, dst):
    status, out, err = cli('import', 'plan', str(directory), '--dst-cloud',
                           dst, '-f', 'json')
    rows = {(r['Type'], r['Name']): r for r in json.loads(out)}
    return status, rows, err.strip().splitlines()


def _codes(lines):
    return sorted(line.split()[1] for line in lines)


def test_export_writes_one_document_per_type_with_name_refs(cli, project,
                                                            tmp_path):
    status, out, err = cli('export', str(tmp_path / 'out'), '--os-cloud',
                           project.src, '-f', 'json')
    assert status == 0
    counts = {r['Type']: r['Resources'] for r in json.loads(out)}
    assert counts == {'network': 1, 'subnet': 1, 'router': 1,
                      'security_group': 3, 'port': 1, 'floating_ip': 1,
                      'image': 1, 'volume': 2, 'volume_snapshot': 1}
    assert 'XCL401' in err  # admin-only types skipped for a member
    for path in (tmp_path / 'out').glob('*.yaml'):
        for resource in yaml.safe_load(path.read_text())['resources']:
            assert not UUID.search(json.dumps(resource['params'])), path
    router = yaml.safe_load((tmp_path / 'out' / 'routers.yaml').read_text())
    params = router['resources'][0]['params']
    assert params['external_gateway'] == {'network': {'ref': 'network',
                                                      'name': 'public'}}
    assert params['interfaces'] == [{'subnet': {
        'ref': 'subnet', 'name': 'app-subnet', 'project': project.name},
        'ip_address': '10.50.0.1'}]


def test_a_second_export_rewrites_nothing(local_clouds, project):
    result = crosscloud.export_resources(
        local_clouds.connect(project.src), project.dir, cloud_name=project.src)
    assert result.written == []


def test_planning_against_the_source_itself_changes_nothing(cli, project):
    status, rows, errors = _plan_rows(cli, project.dir, project.src)
    assert status == 0 and errors == []
    assert {r['Action'] for r in rows.values()} == {'skip'}
    assert len(rows) == 12


def test_an_unmapped_volume_type_is_the_only_error(cli, project):
    status, rows, errors = _plan_rows(cli, project.dir, project.dst)
    assert status == 1
    assert _codes(errors) == ['XCL301']
    assert "volume type 'gold'" in errors[0] and 'silver' in errors[0]


def test_rename_and_type_mapping_give_a_clean_plan(cli, project, tmp_path):
    docs = _copy(project, tmp_path)
    ms.edit(docs, 'networks.yaml', lambda rs: rs[0]['params'].update(
        name='app-net-moved'))
    _map_volume_type(docs)
    status, rows, errors = _plan_rows(cli, docs, project.dst)
    assert (status, errors) == (0, [])
    assert rows[('network', 'app-net-moved')]['Action'] == 'create'
    assert rows[('security_group', 'default')]['Action'] == 'skip'
    assert {r['Action'] for k, r in rows.items()
            if k != ('security_group', 'default')} == {'create'}


def test_existing_resources_are_updated_or_reported_immutable(
        local_clouds, project, tmp_path, cleanup):
    docs = _copy(project, tmp_path)
    _map_volume_type(docs)
    dst = local_clouds.connect(project.dst)
    net = dst.network.create_network(name='app-net', mtu=1300)
    cleanup(lambda: dst.network.delete_network(net))
    dst.network.create_subnet(network_id=net.id, name='app-subnet',
                              ip_version=4, cidr='10.99.0.0/24')
    plan = crosscloud.plan_import(docs, dst)
    actions = {(i.type, i.entry.name): i for i in plan.items}
    assert actions[('network', 'app-net')].action == 'update'
    assert actions[('network', 'app-net')].changes == ['mtu: 1300 -> 1400']
    assert actions[('subnet', 'app-subnet')].action == 'error'
    [error] = [f for f in plan.report if f.code == 'XCL305']
    assert 'cidr' in error.message and error.location.line


def test_every_bad_input_is_one_line_and_nothing_is_created(
        cli, local_clouds, project, tmp_path):
    docs = _copy(project, tmp_path)
    _map_volume_type(docs)
    ms.write_bad_documents(docs, 'app-boot')
    ms.edit(docs, 'subnets.yaml', lambda rs: rs[0]['params']['network'].update(
        name='nope'))
    status, out, err = cli('import', 'plan', str(docs), '--dst-cloud',
                           project.dst)
    lines = err.strip().splitlines()
    assert status == 1
    assert _codes(lines) == ['XCL101', 'XCL102', 'XCL103', 'XCL109',
                             'XCL201']
    assert 's3cr3t' not in err + out and 'Traceback' not in err + out
    dst = local_clouds.connect(project.dst)
    assert [n.name for n in dst.network.networks(
        project_id=dst.current_project_id)] == []


def test_a_quota_shortfall_is_listed(local_clouds, project, tmp_path):
    docs = _copy(project, tmp_path)
    _map_volume_type(docs)
    admin = local_clouds.connect('dst', admin=True)
    dst = local_clouds.connect(project.dst)
    admin.network.update_quota(dst.current_project_id, security_groups=2)
    try:
        plan = crosscloud.plan_import(docs, dst)
    finally:
        admin.network.update_quota(dst.current_project_id,
                                   security_groups=10)
    [error] = list(plan.report)
    assert error.code == 'XCL303'
    assert 'security_group: the plan creates 2, 1 free' in error.message


def test_keeping_a_floating_address_needs_an_admin(local_clouds, project,
                                                   tmp_path):
    docs = _copy(project, tmp_path)
    _map_volume_type(docs)
    ms.edit(docs, 'floating_ips.yaml', lambda rs: rs[0]['migration'].update(
        floating_ip_mode='keep_address'))
    plan = crosscloud.plan_import(docs, local_clouds.connect(project.dst))
    assert [f.code for f in plan.report] == ['XCL304']


def test_filters_select_what_is_exported(cli, project, tmp_path):
    status, out, _ = cli('export', str(tmp_path / 'f'), '--os-cloud',
                         project.src, '--regex', '^app-(net|subnet)$',
                         '-f', 'json')
    assert status == 0
    counts = {r['Type']: r['Resources'] for r in json.loads(out)}
    assert counts == {'network': 1, 'subnet': 1, 'floating_ip': 1}


def test_an_admin_export_adds_identity_types_and_no_secret(
        cli, project, tmp_path):
    out_dir = tmp_path / 'admin'
    status, out, _ = cli('export', str(out_dir), '--os-cloud', 'src-admin',
                         '--project', project.name, '-f', 'json')
    assert status == 0
    counts = {r['Type']: r['Resources'] for r in json.loads(out)}
    assert counts['project'] == counts['user'] == counts['quota'] == 1
    assert counts['role_assignment'] == 1
    text = ''.join(p.read_text() for p in out_dir.glob('*.yaml'))
    assert 'password' not in text.lower()
    _map_volume_type(out_dir)
    status, rows, errors = _plan_rows(cli, out_dir, 'dst-admin')
    assert (status, errors) == (0, [])
    for kind in ('project', 'user', 'role_assignment', 'quota'):
        assert {r['Action'] for (t, _), r in rows.items() if t == kind} == {
            'skip'}, kind
