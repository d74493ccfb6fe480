"""Input-form detection: each tool's keys decide, ties are errors."""

import pathlib

import pytest

from osmigcfg import config
from osmigcfg import exceptions
from osmigcfg.config import readers

CORPUS = pathlib.Path(__file__).parent / 'corpus'


@pytest.mark.parametrize('name, form', [
    ('globals.yml', 'kolla-globals'),
    ('user_variables.yml', 'osa'),
    ('nova-values.yaml', 'helm'),
    ('libvirt-values.yaml', 'helm-libvirt'),
    ('osdpl-tf.yaml', 'mosk'),
])
def test_stock_shaped_files_are_detected_and_validate_without_errors(
        name, form):
    path = CORPUS / name
    assert readers.detect_format(str(path), path.read_text()) == form
    report = config.validate_config([str(path)])
    assert report.at_least('error') == [], report.codes()


def test_kolla_globals_with_a_nova_key_is_kolla_and_migrates_in_clear(
        tmp_path):
    # issue 15, point 1: nova_compute_virt_type made this "openstack-ansible"
    # (native TLS by default): a false "secure" for a kolla cloud
    path = tmp_path / 'globals.yml'
    path.write_text('nova_compute_virt_type: kvm\n')
    checked = config.read_config([str(path)])
    assert checked.forms[str(path)] == 'kolla-globals'
    assert not checked.settings.live_migration.live_migration_with_native_tls
    assert 'CFG204' in config.validate_config([str(path)]).codes()


def test_the_untouched_stock_kolla_globals_is_kolla():
    # kolla-ansible etc/kolla/globals.yml: every other line is commented
    text = ('---\n#kolla_base_distro: "rocky"\n'
            'workaround_ansible_issue_8743: yes\n')
    assert readers.detect_format('globals.yml', text) == 'kolla-globals'


def test_an_openstackdeployment_fragment_without_kind_is_mosk():
    text = ('spec:\n  features:\n    nova:\n'
            '      live_migration_interface: ens4\n')
    assert readers.detect_format('patch.yaml', text) == 'mosk'


def test_helm_values_with_an_ini_inside_a_string_are_yaml():
    text = (CORPUS / 'nova-values.yaml').read_text()
    assert '    [DEFAULT]\n' in text
    assert readers.detect_format('values.yaml', text) == 'helm'


@pytest.mark.parametrize('text, candidates', [
    ('enable_nova: yes\nnova_libvirtd_listen_tls: 1\n',
     ('kolla-globals', 'osa')),
    ('conf:\n  nova: {}\n  qemu: {}\n', ('helm', 'helm-libvirt')),
])
def test_a_file_with_two_tools_keys_is_an_error_listing_both(
        text, candidates):
    with pytest.raises(exceptions.ConfigFileError) as e:
        readers.detect_format('x.yaml', text)
    message = str(e.value)
    assert 'ambiguous' in message and 'pass --format' in message
    for form in candidates:
        assert form in message


def test_a_file_of_no_known_tool_asks_for_format():
    with pytest.raises(exceptions.ConfigFileError,
                       match='no key of a known deploy tool.*pass --format'):
        readers.detect_format('x.yaml', 'nova_cpu_allocation_ratio: 2.0\n')


def test_an_ini_under_kolla_but_not_where_kolla_reads_is_not_guessed():
    with pytest.raises(exceptions.ConfigFileError, match='pass --format'):
        readers.detect_format('/srv/kolla/backup/nova.conf', '[libvirt]\n')


def test_convert_says_how_each_input_was_read():
    path = CORPUS / 'globals.yml'
    text, _ = config.convert_config([str(path)])
    assert text.splitlines()[0] == (
        f'# {path}: read as kolla-globals (by network_interface, '
        'neutron_external_interface, neutron_plugin_agent, '
        'nova_compute_virt_type)')


def test_convert_with_format_names_the_form_given(tmp_path):
    path = tmp_path / 'vars.yml'
    path.write_text('nova_libvirtd_listen_tls: 1\n')
    text, _ = config.convert_config([str(path)], 'osa')
    assert text.splitlines()[0] == f'# {path}: read as osa'
