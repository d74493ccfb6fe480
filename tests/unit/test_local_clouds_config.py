"""The local clouds' layout, renderers and prerequisite checks (no services).

The services themselves are exercised in tests/crosscloud (marker clouds).
"""

import configparser

import pytest
import yaml

from osmigcfg import exceptions
from osmigcfg.sandbox import clouds
from osmigcfg.sandbox.clouds import config
from osmigcfg.sandbox.clouds import nova_config as nc
from osmigcfg.sandbox.clouds import proc
from osmigcfg.sandbox.clouds import rabbit


def _spec(tmp_path, name='src'):
    return config.CloudSpec(
        name=name, root=tmp_path / name, venv=tmp_path / 'venv',
        ports={'keystone': 5000, 'glance': 9292, 'neutron': 9696,
               'cinder': 8776},
        rabbit_port=5672,
        passwords={'admin': 'pw-admin', 'demo': 'pw-demo',
                   'service': 'pw-svc', 'rabbit': 'pw-mq'})


def test_every_config_file_parses_as_ini_with_the_cloud_s_values(tmp_path):
    spec = _spec(tmp_path)
    files = config.config_files(spec)
    assert len(files) == 5
    for path, text in files.items():
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text)
        assert str(path).startswith(str(spec.root / 'etc'))
    cinder = configparser.ConfigParser(interpolation=None)
    cinder.read_string(files[spec.etc('cinder') / 'cinder.conf'])
    assert cinder['DEFAULT']['transport_url'] == (
        'rabbit://src:pw-mq@127.0.0.1:5672/src')
    assert cinder['file']['volume_driver'] == (
        'cinder_file_driver.FileVolumeDriver')
    assert cinder['database']['connection'].endswith('cinder.db?timeout=30')


def test_passwords_stay_out_of_the_spec_repr(tmp_path):
    assert 'pw-' not in repr(_spec(tmp_path))


def test_clouds_yaml_names_a_member_and_an_admin_per_cloud(tmp_path):
    specs = [_spec(tmp_path, 'src'), _spec(tmp_path, 'dst')]
    extra = [('src-p1', specs[0], 'p1', 'p1', 'pw-p1')]
    data = yaml.safe_load(config.render_clouds_yaml(specs, extra))
    assert sorted(data['clouds']) == ['dst', 'dst-admin', 'src',
                                      'src-admin', 'src-p1']
    member = data['clouds']['src']['auth']
    assert (member['username'], member['project_name']) == ('demo', 'demo')
    assert data['clouds']['src-admin']['auth']['auth_url'] == (
        'http://127.0.0.1:5000/v3')


def test_rabbit_definitions_give_each_cloud_its_vhost_and_user(tmp_path):
    import json
    specs = [_spec(tmp_path, 'src'), _spec(tmp_path, 'dst')]
    data = json.loads(config.render_rabbit_definitions(specs))
    assert [v['name'] for v in data['vhosts']] == ['src', 'dst']
    assert [(p['user'], p['vhost']) for p in data['permissions']] == [
        ('src', 'src'), ('dst', 'dst')]


def test_a_missing_virtualenv_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv(clouds.VENV_ENV, str(tmp_path / 'none'))
    with pytest.raises(exceptions.SandboxError) as e:
        clouds.find_venv()
    assert 'keystone==30.0.0' in str(e.value)
    assert clouds.VENV_ENV in str(e.value)


def test_missing_rabbitmq_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(rabbit, 'SERVER_PATHS', ())
    monkeypatch.delenv('OSMIGCFG_RABBITMQ_SERVER', raising=False)
    with pytest.raises(exceptions.SandboxError) as e:
        rabbit.find_rabbitmq()
    assert 'apt-get install -y rabbitmq-server' in str(e.value)
    assert 'policy-rc.d' in str(e.value)


def test_missing_requirements_lists_every_problem(tmp_path, monkeypatch):
    monkeypatch.setattr(rabbit, 'SERVER_PATHS', ())
    problems = clouds.missing_requirements(tmp_path / 'none')
    assert len(problems) == 2


def test_a_non_empty_workdir_is_refused(tmp_path, monkeypatch):
    venv = tmp_path / 'venv' / 'bin'
    venv.mkdir(parents=True)
    for name in ('python', 'gunicorn', 'keystone-manage', 'glance-manage',
                 'cinder-manage', 'cinder-scheduler', 'cinder-volume'):
        (venv / name).touch()
    (tmp_path / 'work').mkdir()
    (tmp_path / 'work' / 'old').touch()
    sandbox = clouds.LocalClouds(venv=tmp_path / 'venv',
                                 workdir=tmp_path / 'work')
    with pytest.raises(exceptions.SandboxError, match='not empty'):
        sandbox.start()


@pytest.mark.parametrize('names', [('src', 'src'), ('Src',), ('a-b',)])
def test_cloud_names_must_be_distinct_and_simple(names):
    with pytest.raises(ValueError):
        clouds.LocalClouds(names=names)


def test_masking_and_free_ports():
    assert proc.mask('url rabbit://u:pw-mq@h', ['pw-mq']) == (
        'url rabbit://u:***@h')
    ports = proc.free_ports(5)
    assert len(set(ports)) == 5


def _nova_spec(tmp_path, name='src'):
    import dataclasses
    return dataclasses.replace(
        _spec(tmp_path, name), nova_prefix=tmp_path / 'novaenv', computes=2,
        ports={'keystone': 5000, 'glance': 9292, 'neutron': 9696,
               'cinder': 8776, 'placement': 8778, 'nova': 8774})


def _ini(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


def test_a_whole_cloud_wires_nova_to_keystone_rabbit_and_its_driver(
        tmp_path):
    from osmigcfg.sandbox.clouds import nova_config
    spec = _nova_spec(tmp_path)
    files = nova_config.config_files(spec)
    etc = spec.etc('nova')
    assert set(files) == {spec.etc('placement') / 'placement.conf',
                          etc / 'nova.conf', etc / 'src-compute1.conf',
                          etc / 'src-compute2.conf', etc / 'policy.yaml'}
    # nova-api enforces a policy file tests may replace while it runs
    assert yaml.safe_load(files[etc / 'policy.yaml']) == {}
    nova = _ini(files[etc / 'nova.conf'])
    assert nova['DEFAULT']['transport_url'] == (
        'rabbit://src:pw-mq@127.0.0.1:5672/src-nova')
    assert nova['DEFAULT']['compute_driver'] == 'osmigcfg_disk.DiskFakeDriver'
    assert nova['service_user']['send_service_user_token'] == 'true'
    assert nova['keystone_authtoken']['username'] == 'nova'
    assert nova['keystone_authtoken'][
        'service_token_roles_required'] == 'true'
    # a role taken from a user is seen within seconds, not 300 s
    assert nova['keystone_authtoken']['token_cache_time'] == '5'
    assert nova['oslo_policy']['policy_file'] == str(etc / 'policy.yaml')
    assert nova['cinder']['catalog_info'] == 'block-storage::publicURL'
    compute = _ini(files[etc / 'src-compute2.conf'])
    # "No DB access allowed in nova-compute": computes get no database
    assert not compute.has_section('database')
    assert not compute.has_section('api_database')
    assert compute['DEFAULT']['host'] == 'src-compute2'


def test_neutron_binds_ports_and_tells_nova_only_in_a_whole_cloud(tmp_path):
    plain, whole = _spec(tmp_path), _nova_spec(tmp_path)
    assert _ini(config.render_ml2(plain))['ml2'][
        'mechanism_drivers'] == ''
    assert _ini(config.render_ml2(whole))['ml2'][
        'mechanism_drivers'] == 'osmigcfg_any_host'
    neutron = _ini(config.render_neutron(whole))
    assert neutron['DEFAULT']['notify_nova_on_port_status_changes'] == 'true'
    assert neutron['nova']['username'] == 'neutron'
    assert [s for s, _ in whole.catalog.items()][-2:] == ['placement', 'nova']
    assert 'nova' not in plain.catalog


def test_rabbit_gives_a_whole_cloud_a_vhost_for_nova(tmp_path):
    import json
    data = json.loads(config.render_rabbit_definitions(
        [_nova_spec(tmp_path)]))
    assert [v['name'] for v in data['vhosts']] == ['src', 'src-nova']


def test_the_ml2_driver_is_declared_by_an_entry_point():
    import configparser as cp
    import pathlib
    from osmigcfg.sandbox.clouds import local_cloud
    shims = pathlib.Path(local_cloud.SHIMS_DIR)
    [info] = shims.glob('*.dist-info')
    entry = cp.ConfigParser()
    entry.read(info / 'entry_points.txt')
    target = entry['neutron.ml2.mechanism_drivers']['osmigcfg_any_host']
    module, _, cls = target.partition(':')
    assert f'class {cls}(' in (shims / f'{module}.py').read_text()


def test_with_option_replaces_adds_and_appends_sections():
    text = config.render_ini({'DEFAULT': {'a': 1},
                          'service_user': {'send_service_user_token': True},
                          'neutron': {'b': 2}})
    off = nc.with_option(text, 'service_user', 'send_service_user_token',
                         False)
    assert 'send_service_user_token = false' in off
    assert 'send_service_user_token = true' not in off
    added = nc.with_option(text, 'DEFAULT', 'c', 3)
    assert added.index('c = 3') < added.index('[service_user]')
    new = nc.with_option(text, 'libvirt', 'd', 'x')
    assert new.rstrip().endswith('[libvirt]\nd = x')
