"""The local clouds' layout, renderers and prerequisite checks (no services).

The services themselves are exercised in tests/crosscloud (marker clouds).
"""

import configparser

import pytest
import yaml

from osmigcfg import exceptions
from osmigcfg.sandbox import clouds
from osmigcfg.sandbox import clouds_config
from osmigcfg.sandbox import clouds_proc
from osmigcfg.sandbox import clouds_rabbit


def _spec(tmp_path, name='src'):
    return clouds_config.CloudSpec(
        name=name, root=tmp_path / name, venv=tmp_path / 'venv',
        ports={'keystone': 5000, 'glance': 9292, 'neutron': 9696,
               'cinder': 8776},
        rabbit_port=5672,
        passwords={'admin': 'pw-admin', 'demo': 'pw-demo',
                   'service': 'pw-svc', 'rabbit': 'pw-mq'})


def test_every_config_file_parses_as_ini_with_the_cloud_s_values(tmp_path):
    spec = _spec(tmp_path)
    files = clouds_config.config_files(spec)
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
    data = yaml.safe_load(clouds_config.render_clouds_yaml(specs, extra))
    assert sorted(data['clouds']) == ['dst', 'dst-admin', 'src',
                                      'src-admin', 'src-p1']
    member = data['clouds']['src']['auth']
    assert (member['username'], member['project_name']) == ('demo', 'demo')
    assert data['clouds']['src-admin']['auth']['auth_url'] == (
        'http://127.0.0.1:5000/v3')


def test_rabbit_definitions_give_each_cloud_its_vhost_and_user(tmp_path):
    import json
    specs = [_spec(tmp_path, 'src'), _spec(tmp_path, 'dst')]
    data = json.loads(clouds_config.render_rabbit_definitions(specs))
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
    monkeypatch.setattr(clouds_rabbit, 'SERVER_PATHS', ())
    monkeypatch.delenv('OSMIGCFG_RABBITMQ_SERVER', raising=False)
    with pytest.raises(exceptions.SandboxError) as e:
        clouds_rabbit.find_rabbitmq()
    assert 'apt-get install -y rabbitmq-server' in str(e.value)
    assert 'policy-rc.d' in str(e.value)


def test_missing_requirements_lists_every_problem(tmp_path, monkeypatch):
    monkeypatch.setattr(clouds_rabbit, 'SERVER_PATHS', ())
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
    assert clouds_proc.mask('url rabbit://u:pw-mq@h', ['pw-mq']) == (
        'url rabbit://u:***@h')
    ports = clouds_proc.free_ports(5)
    assert len(set(ports)) == 5
