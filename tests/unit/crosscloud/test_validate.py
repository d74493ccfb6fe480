"""Entry validation: fields, kinds, refs, knobs, secrets, duplicates."""

import pytest

from osmigcfg import crosscloud
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import validate

PRIVATE_KEY = ('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n'
               '-----END OPENSSH PRIVATE KEY-----\n')


def _entry(type_name, params, migration=None, info=None, name='r1'):
    return model.Entry(type_name, {'name': name, 'project': 'demo'}, params,
                       info or {}, migration or {}, file='f.yaml', line=3)


def _errors(entry):
    rtype = crosscloud.REGISTRY[entry.type]
    return validate.entry_errors(rtype, entry)


def _ref(type_name, name):
    return {'ref': type_name, 'name': name}


def test_a_typo_in_a_field_suggests_the_right_name():
    [error] = _errors(_entry('network', {'name': 'n', 'mut': 1400}))
    assert error.code == codes.UNKNOWN_FIELD
    assert error.hint == "did you mean 'mtu'?"
    assert str(error.location) == 'f.yaml:3 network r1'


@pytest.mark.parametrize('params', [
    {'name': 'n', 'mtu': '1400'},
    {'name': 'n', 'mtu': True},  # a bool is not an integer here
    {'name': 'n', 'admin_state_up': 'yes'},
    {'name': 'n', 'tags': 'a,b'},
])
def test_values_of_the_wrong_kind_are_errors(params):
    assert [e.code for e in _errors(_entry('network', params))] == [
        codes.BAD_VALUE]


def test_required_fields_are_errors_one_each():
    errors = _errors(_entry('subnet', {'name': 's'}))
    assert sorted(e.message for e in errors) == [
        'params.cidr: required', 'params.ip_version: required',
        'params.network: required']


def test_a_reference_must_be_a_ref_mapping_of_the_right_type():
    base = {'name': 's', 'cidr': '10.0.0.0/24', 'ip_version': 4}
    assert [e.code for e in _errors(_entry(
        'subnet', {**base, 'network': 'net1'}))] == [codes.BAD_VALUE]
    assert [e.code for e in _errors(_entry(
        'subnet', {**base, 'network': _ref('volume', 'v')}))] == [
            codes.WRONG_REF_TYPE]
    assert [e.code for e in _errors(_entry(
        'subnet', {**base, 'network': {'ref': 'network'}}))] == [
            codes.BAD_VALUE]
    assert [e.code for e in _errors(_entry('subnet', {
        **base, 'network': {**_ref('network', 'n'), 'id': 'x'}}))] == [
            codes.BAD_SHAPE]
    assert [e.code for e in _errors(_entry(
        'subnet', {**base, 'network': _ref('lb', 'n')}))] == [
            codes.UNKNOWN_TYPE]


def test_nested_references_are_checked_too():
    rules = [{'direction': 'ingress', 'remote_group': _ref('sg', 'x')}]
    [error] = _errors(_entry('security_group', {'name': 'g', 'rules': rules}))
    assert error.code == codes.UNKNOWN_TYPE
    assert 'params.rules[0].remote_group' in error.message


@pytest.mark.parametrize('migration, fragment', [
    ({'keep_macs': True}, 'unknown knob (known: keep_mac, keep_fixed_ips)'),
    ({'keep_mac': 'yes'}, 'expected true/false'),
])
def test_unknown_or_bad_knobs_are_errors(migration, fragment):
    entry = _entry('port', {'network': _ref('network', 'n')}, migration)
    [error] = _errors(entry)
    assert error.code == codes.BAD_KNOB and fragment in error.message


def test_a_knob_outside_its_choices_is_an_error():
    entry = _entry('floating_ip', {'floating_network': _ref('network', 'p')},
                   {'floating_ip_mode': 'reuse'})
    [error] = _errors(entry)
    assert 'not one of new, keep_address' in error.message


@pytest.mark.parametrize('where', ['params', 'info', 'migration'])
def test_a_password_anywhere_is_refused(where):
    parts = {'params': {'name': 'u'}, 'info': {}, 'migration': {}}
    parts[where]['password'] = 'hunter2'
    entry = model.Entry('user', {'name': 'u'}, **parts)
    errors = [e for e in _errors(entry) if e.code == codes.SECRET]
    assert len(errors) == 1
    assert 'hunter2' not in errors[0].message


def test_secret_image_properties_and_private_keys_are_refused():
    entry = _entry('image', {
        'name': 'i', 'disk_format': 'raw', 'container_format': 'bare',
        'properties': {'admin_password': 's3', 'note': PRIVATE_KEY,
                       'hw_disk_bus': 'scsi'}})
    messages = sorted(e.message for e in _errors(entry))
    assert messages == [
        'params.properties.admin_password: a secret field; refused',
        'params.properties.note: holds a private key; refused']
    assert not any('b3BlbnNzaC' in m for m in messages)


def test_innocent_names_are_not_taken_for_secrets():
    entry = _entry('image', {
        'name': 'i', 'disk_format': 'raw', 'container_format': 'bare',
        'properties': {'os_secure_boot': 'required', 'hw_tpm_version': '2.0',
                       'ssh_public_key_url': 'x'}})
    assert _errors(entry) == []


def test_duplicate_source_identities_and_target_names_are_errors():
    entries = [_entry('network', {'name': 'n'}, name='a'),
               _entry('network', {'name': 'n'}, name='a'),
               _entry('network', {'name': 'm'}, name='b'),
               _entry('network', {'name': 'm'}, name='c')]
    errors = validate.duplicate_errors(entries)
    assert [e.code for e in errors] == [codes.DUPLICATE] * 3
    assert sum('params.name' in e.message for e in errors) == 2


def test_nameless_types_may_share_a_target_name():
    entries = [_entry('floating_ip', {}, name='1.2.3.4'),
               _entry('floating_ip', {}, name='1.2.3.5')]
    assert validate.duplicate_errors(entries) == []
