"""CFG3xx: host inventory checks, and inventory files that do not parse."""

import json

import pytest

from osmigcfg import config
from osmigcfg import exceptions
from osmigcfg.config import inventory
from osmigcfg.config import names
from tests.findings_helpers import only

GOOD = """\
migration_network: 10.20.0.0/24
hosts:
  cmp-001: {interface: ens4, address: 10.20.0.11}
  cmp-002: {interface: ens4, address: 10.20.0.12, inbound_addr: 10.20.0.12}
"""


def check(text):
    return config.check_hosts(config.parse_inventory(text, 'inv.yaml'))


def test_good_inventory_is_clean():
    assert list(check(GOOD)) == []


def test_host_list_form_is_accepted():
    inv = config.parse_inventory(
        'hosts:\n  - name: a\n    interface: ens4\n    address: 10.0.0.1\n',
        'inv.yaml')
    assert inv.hosts[0].name == 'a' and inv.hosts[0].line == 2


def test_different_interface_names_are_cfg301():
    f = only(check(GOOD + '  cmp-003: {interface: ens5, address: 10.20.0.13}'
                          '\n'), 'CFG301')
    assert f.message == 'host cmp-003 migrates over ens5, most hosts over ens4'
    assert (f.location.line, f.location.subject) == (5, 'cmp-003')


def test_shared_address_is_cfg302():
    f = only(check(GOOD + '  cmp-003: {interface: ens4, address: 10.20.0.11}'
                          '\n'), 'CFG302')
    assert f.message == ('address 10.20.0.11 of host cmp-003 is also used '
                         'by cmp-001')


def test_shared_inbound_address_is_cfg303():
    f = only(check(GOOD + '  cmp-003: {interface: ens4, address: 10.20.0.13,'
                          ' inbound_addr: 10.20.0.11}\n'), 'CFG303')
    assert f.message == ('host cmp-003 receives migrations on 10.20.0.11, '
                         'as does cmp-001')


def test_address_outside_the_migration_network_is_cfg304():
    f = only(check(GOOD + '  cmp-003: {interface: ens4, address: 10.30.0.13}'
                          '\n'), 'CFG304')
    assert f.message == ('address 10.30.0.13 of host cmp-003 is outside '
                         '10.20.0.0/24')


def test_inbound_address_off_the_migration_nic_is_cfg305():
    f = only(check(GOOD + '  cmp-003: {interface: ens4, address: 10.20.0.13,'
                          ' inbound_addr: 10.20.0.99}\n'), 'CFG305')
    assert f.severity == 'warning'
    assert 'receives migrations on 10.20.0.99' in f.message


def test_host_name_as_inbound_address_is_left_to_dns():
    assert list(check(GOOD + '  cmp-003: {interface: ens4, address: '
                             '10.20.0.13, inbound_addr: cmp-003.lm}\n')) == []


def test_duplicate_host_is_cfg306():
    text = ('hosts:\n  - {name: a, interface: e, address: 10.0.0.1}\n'
            '  - {name: a, interface: e, address: 10.0.0.2}\n')
    f = only(check(text), 'CFG306')
    assert f.message == 'host a is listed again (first at line 2)'


def test_incomplete_host_is_cfg307():
    f = only(check(GOOD + '  cmp-003: {interface: ens4}\n'), 'CFG307')
    assert f.message == 'host cmp-003 has no address'


@pytest.mark.parametrize('text, message', [
    ('hosts: [1\n', 'inv.yaml:2: not valid YAML'),
    ('- a\n', 'inv.yaml: no hosts'),
    ('hosts: 3\n', 'inv.yaml:1: hosts must be a mapping'),
    ('hosts:\n  a: {address: 10.0.0.300}\n',
     "inv.yaml:2: host 'a': address '10.0.0.300' is not an IP address"),
    ('hosts:\n  a: {adress: 10.0.0.3}\n',
     "inv.yaml:2: host 'a': unknown key 'adress'"),
    ('migration_network: 10.0.0.0/33\nhosts: {}\n',
     "inv.yaml:1: migration_network '10.0.0.0/33' is not a CIDR"),
    ('hosts:\n  - {interface: x}\n', 'inv.yaml:2: each host in the list '
                                      'needs a name'),
])
def test_bad_inventory_is_one_clear_inventory_error(text, message):
    with pytest.raises(exceptions.InventoryError) as e:
        config.parse_inventory(text, 'inv.yaml')
    assert str(e.value).startswith(message)


def test_host_lookup_names_the_missing_host():
    inv = config.parse_inventory(GOOD, 'inv.yaml')
    with pytest.raises(exceptions.InventoryError, match="no host 'x'"):
        inv.host('x')


# -- CFG308-311: values are checked against their syntax before use --------

INJECTED = ('cmp-001\nimages:\n  tags:\n    nova_compute: '
            'evil.example/nova:latest\n#')


def lenient(text):
    return config.parse_inventory(text, 'inv.yaml', strict=False)


@pytest.mark.parametrize('name, reason', [
    (INJECTED, "contains '\\n', ' ', '#', '/', ':', ..."),
    ('cmp 001', "contains ' '"),
    ('cmp_001', "contains '_'"),
    ('cmp-001.', 'has an empty label (a dot at an end, or two in a row)'),
    ('-cmp', "has a label that starts or ends with a hyphen ('-cmp')"),
    ('a' * 64, 'has a label of 64 characters (at most 63)'),
    ('.'.join(['a' * 63] * 4), 'has 255 characters (at most 253)'),
    ('cmp\u00e9', "contains 'é'"),
])
def test_host_name_that_is_not_rfc1123_is_cfg308(name, reason):
    text = f'hosts:\n  {json_quoted(name)}: {{interface: e, address: ' \
           '10.0.0.1}\n'
    f = only(check_lenient(text), 'CFG308')
    assert f.message.endswith(reason), f.message
    assert f.location.file == 'inv.yaml' and f.location.line == 2


@pytest.mark.parametrize('name', ['cmp-001', 'a', '1cmp',
                                  'cmp-001.lm.example.net', 'A' * 63])
def test_rfc1123_host_names_are_accepted(name):
    inv = config.parse_inventory(
        f'hosts:\n  {name}: {{interface: e, address: 10.0.0.1}}\n', 'i')
    assert inv.hosts[0].name == name and inv.problems == ()


@pytest.mark.parametrize('nic, reason', [
    ('ens4\nimages: {}', "contains '\\n', ' ', ':'"),
    ('eth0:1', "contains ':'"),
    ('br/mgmt', "contains '/'"),
    ('eth%d', "contains '%'"),
    ('en s4', "contains ' '"),
    ('ens\u00e9', "contains 'é'"),
    ('..', "is '..', which Linux refuses"),
    ('a' * 16, 'has 16 characters (Linux allows 15)'),
])
def test_interface_name_linux_refuses_is_cfg309(nic, reason):
    text = ('hosts:\n  cmp-001:\n    address: 10.0.0.1\n'
            f'    interface: {json_quoted(nic)}\n')
    f = only(check_lenient(text), 'CFG309')
    assert f.message == (f'host \'cmp-001\': interface '
                         f'{names.shown(nic)} {reason}')
    assert (f.location.line, f.location.subject) == (4, 'cmp-001')


@pytest.mark.parametrize('nic', ['ens4', 'bond0.100', 'br-mgmt', 'vhost0',
                                 'a' * 15, 'enp0s31f6'])
def test_linux_interface_names_are_accepted(nic):
    inv = config.parse_inventory(
        f'hosts:\n  a: {{interface: {nic}, address: 10.0.0.1}}\n', 'i')
    assert inv.hosts[0].interface == nic


@pytest.mark.parametrize('key, value, code, reason', [
    # ipaddress accepts any %zone text, newlines included
    ('address', 'fe80::1%x\nimages: {}', 'CFG310',
     'has a %zone (a scoped address is not reachable from peers)'),
    ('inbound_addr', 'cmp 001.lm', 'CFG310',
     'is neither an IP address nor an RFC 1123 host name'),
    ('inbound_addr', 'fe80::1%eth0', 'CFG310',
     'is neither an IP address nor an RFC 1123 host name'),
    ('hostname', 'cmp-001.lm\n#', 'CFG308', "contains '\\n', '#'"),
    ('cert_dir', '/etc/pki/\x00qemu', 'CFG311', "contains '\\x00'"),
])
def test_host_value_that_breaks_its_syntax_is_a_cfg3xx_error(key, value,
                                                            code, reason):
    text = ('hosts:\n  cmp-001:\n    interface: ens4\n'
            f'    address: 10.0.0.1\n    {key}: {json_quoted(value)}\n')
    if key == 'address':
        text = text.replace('    address: 10.0.0.1\n', '')
    f = only(check_lenient(text), code)
    assert f.severity == 'error'
    assert f.message == f"host 'cmp-001': {key} {names.shown(value)} {reason}"
    assert f.location.line == text.count('\n')


def test_migration_network_with_a_zone_is_cfg310():
    f = only(check_lenient('migration_network: "fe80::%a\\nb: c/64"\n'
                           'hosts: {}\n'), 'CFG310')
    assert f.message == ("migration_network 'fe80::%a\\nb: c/64' is not a "
                         'CIDR (it has a %zone)')
    assert f.location.line == 1


def test_host_with_a_bad_value_is_left_out_and_the_others_still_checked():
    text = (GOOD + f'  {json_quoted(INJECTED)}: {{interface: ens4, '
            'address: 10.20.0.11}\n'
            '  cmp-003: {interface: ens4, address: 10.20.0.11}\n')
    inv = lenient(text)
    assert [h.name for h in inv.hosts] == ['cmp-001', 'cmp-002', 'cmp-003']
    assert [(f.code, f.location.line) for f in check_lenient(text)] == [
        ('CFG308', 5), ('CFG302', 6)]


def test_strict_parse_refuses_the_first_bad_value_and_counts_the_rest():
    text = ('hosts:\n  cmp-001: {interface: "eth0:1", address: 10.0.0.1}\n'
            '  cmp_002: {interface: ens4, address: 10.0.0.2}\n')
    with pytest.raises(exceptions.InventoryError) as e:
        config.parse_inventory(text, 'inv.yaml')
    assert str(e.value) == (
        "inv.yaml:2: host 'cmp-001': interface 'eth0:1' contains ':' "
        '(CFG309: write the NIC name as `ip link` shows it: 1-15 printable '
        'characters, no whitespace, "/", ":" or "%"; 1 more: `osmigcfg '
        'config check-hosts` lists every one)')
    assert '\n' not in str(e.value)


def test_a_host_built_by_hand_cannot_carry_a_bad_name():
    with pytest.raises(exceptions.InventoryError, match='CFG308'):
        inventory.Host(name=INJECTED, interface='ens4', address='10.0.0.1')
    with pytest.raises(exceptions.InventoryError, match='CFG309'):
        inventory.Host(name='cmp-001', interface='ens4\nx: y')
    with pytest.raises(exceptions.InventoryError, match='CFG310'):
        inventory.Inventory(path='i', migration_network='10.0.0.0/33')


def json_quoted(text):
    """A YAML double-quoted scalar (JSON escapes are valid YAML)."""
    return json.dumps(text)


def check_lenient(text):
    return config.check_hosts(lenient(text))
