"""CFG3xx: host inventory checks, and inventory files that do not parse."""

import pytest

from osmigcfg import config
from osmigcfg import exceptions

GOOD = """\
migration_network: 10.20.0.0/24
hosts:
  cmp-001: {interface: ens4, address: 10.20.0.11}
  cmp-002: {interface: ens4, address: 10.20.0.12, inbound_addr: 10.20.0.12}
"""


def check(text):
    return config.check_hosts(config.parse_inventory(text, 'inv.yaml'))


def only(report, code):
    found = [f for f in report if f.code == code]
    assert len(found) == 1, [(f.code, f.message) for f in report]
    return found[0]


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
