"""CFG1xx: every value rule has a minimal bad config, its code and message."""

import pytest

from osmigcfg import config
from osmigcfg.config import readers
from osmigcfg.config import values
from tests import findings_helpers


def findings(text, fmt='nova-conf', name='nova.conf'):
    return list(config.validate_text(text, fmt, name=name))


def only(text, code, fmt='nova-conf'):
    return findings_helpers.only(findings(text, fmt), code)


def test_typo_in_option_name_is_cfg101_with_a_suggestion():
    f = only('[libvirt]\nlive_migraton_tunnelled = true\n', 'CFG101')
    assert f.severity == 'error'
    assert f.message == ('live_migraton_tunnelled is not a Nova 34 option '
                         'in [libvirt]; Nova ignores it')
    assert f.hint == 'did you mean live_migration_tunnelled?'
    assert (f.location.file, f.location.line) == ('nova.conf', 2)


def test_unrelated_options_are_not_our_business():
    assert findings('[libvirt]\nvirt_type = kvm\n[DEFAULT]\ndebug = true\n'
                    '[libvirt]\nlive_migration_scheme = tls\n'
                    'live_migration_with_native_tls = true\n') == []


def test_option_in_wrong_section_is_cfg102():
    f = only('[DEFAULT]\nlive_migration_with_native_tls = true\n', 'CFG102')
    assert f.message == ('live_migration_with_native_tls belongs in '
                         '[libvirt], not [DEFAULT]')
    assert f.hint == 'move it to [libvirt]'


def test_libvirt_key_in_the_wrong_file_is_cfg102():
    f = only('migrate_tls_force = 1\n', 'CFG102', fmt='libvirtd')
    assert f.message == 'migrate_tls_force belongs in qemu.conf, not ' \
                        'libvirtd.conf'


def test_deprecated_option_is_cfg103_with_nova_reason():
    f = only('[libvirt]\nlive_migration_uri = qemu+tcp://%s/system\n',
             'CFG103')
    assert f.severity == 'warning'
    assert f.message == ('live_migration_uri is deprecated for removal '
                         'since Nova 15.0.0')
    assert 'live_migration_scheme' in f.hint


def test_removed_option_is_cfg104():
    f = only('[libvirt]\nlive_migration_progress_timeout = 150\n', 'CFG104')
    assert f.message == ('live_migration_progress_timeout no longer exists '
                         'in Nova 34: use live_migration_completion_timeout')


def test_option_set_twice_is_cfg105_and_the_last_wins():
    text = ('[libvirt]\nlive_migration_downtime = 400\n'
            'live_migration_downtime = 600\n')
    f = only(text, 'CFG105')
    assert f.message == ('live_migration_downtime is also set at line 2; '
                         'this line wins')
    checked = values.check_sources([readers.read_text(text, 'n.conf')])
    assert checked.settings.live_migration.live_migration_downtime == 600


@pytest.mark.parametrize('line, message', [
    ('live_migration_with_native_tls = maybe',
     "live_migration_with_native_tls = 'maybe': not a boolean (true/false)"),
    ('live_migration_completion_timeout = lots',
     "live_migration_completion_timeout = 'lots': not an integer"),
    ('live_migration_inbound_addr = 10.0.0.300',
     "live_migration_inbound_addr = '10.0.0.300': 10.0.0.300 is not a valid "
     "host address"),
    ('live_migration_downtime =',
     'live_migration_downtime is empty: Nova would read None'),
])
def test_wrong_type_is_cfg110(line, message):
    f = only(f'[libvirt]\n{line}\n', 'CFG110')
    assert f.severity == 'error'
    assert f.message == message


def test_wrong_type_in_yaml_and_libvirt_forms_is_cfg110():
    f = only('listen_tls = "yes"\n', 'CFG110', fmt='libvirtd')
    assert f.message == "listen_tls = 'yes' must be 0 or 1"
    f = only('conf:\n  nova:\n    libvirt:\n      live_migration_downtime: '
             '[1, 2]\n', 'CFG110', fmt='helm')
    assert f.message == 'live_migration_downtime needs a single value, not ' \
                        'a list'
    assert f.location.line == 4


@pytest.mark.parametrize('text, message', [
    ('[DEFAULT]\nmax_concurrent_live_migrations = -3\n',
     'max_concurrent_live_migrations = -3 is below the minimum 0'),
    ('[libvirt]\nlive_migration_downtime = 50\n',
     'live_migration_downtime = 50 is below the minimum 100'),
    ('[libvirt]\nlive_migration_downtime_steps = 2\n',
     'live_migration_downtime_steps = 2 is below the minimum 3'),
    ('[libvirt]\nlive_migration_downtime_delay = 1\n',
     'live_migration_downtime_delay = 1 is below the minimum 3'),
    ('[libvirt]\nlive_migration_completion_timeout = -1\n',
     'live_migration_completion_timeout = -1 is below the minimum 0'),
    ('[DEFAULT]\nlive_migration_retry_count = -1\n',
     'live_migration_retry_count = -1 is below the minimum 0'),
])
def test_out_of_range_is_cfg111(text, message):
    assert only(text, 'CFG111').message == message


def test_out_of_range_port_in_qemu_conf_is_cfg111():
    f = only('migration_port_min = 70000\n', 'CFG111', fmt='qemu')
    assert f.message == 'migration_port_min = 70000 is outside 1..65535'


def test_bad_choice_is_cfg112():
    f = only('[libvirt]\nlive_migration_timeout_action = explode\n',
             'CFG112')
    assert f.message == ("live_migration_timeout_action = 'explode' is not "
                         "one of abort, force_complete")
    f = only('auth_tcp = "kerberos"\n', 'CFG112', fmt='libvirtd')
    assert f.message == "auth_tcp = 'kerberos' is not one of none, sasl, " \
                        "polkit"


def test_unknown_scheme_is_a_cfg112_warning():
    f = only('[libvirt]\nlive_migration_scheme = tsl\n', 'CFG112')
    assert f.severity == 'warning'
    assert f.message.startswith("live_migration_scheme = 'tsl' is not a "
                                "libvirt transport")


def test_zero_concurrent_migrations_is_deprecated_cfg113():
    f = only('[DEFAULT]\nmax_concurrent_live_migrations = 0\n', 'CFG113')
    assert f.severity == 'warning'
    assert f.message == ('0 ("unlimited") is deprecated since Nova 33 and '
                         'will be removed')


@pytest.mark.parametrize('line', [
    'live_migration_parallel_connections = 0',
    'live_migration_monitor_interval = 0',
    'live_migration_bandwidth = -5',
])
def test_meaningless_value_is_cfg114(line):
    f = only(f'[libvirt]\n{line}\n', 'CFG114')
    assert f.message.startswith(line.replace(' = ', ' = ', 1))
    assert 'has no sensible meaning' in f.message


def test_libvirt_key_typo_is_cfg101():
    f = only('listen_tsl = 1\n', 'CFG101', fmt='libvirtd')
    assert f.hint == 'did you mean listen_tls?'


def test_bad_value_falls_back_to_default_so_rules_still_run():
    text = ('[libvirt]\nlive_migration_downtime_delay = 1\n'
            'live_migration_with_native_tls = true\n'
            'live_migration_tunnelled = true\n')
    codes = [f.code for f in findings(text)]
    assert 'CFG111' in codes and 'CFG201' in codes


def test_quoted_values_are_read_like_oslo_config():
    assert findings('[libvirt]\nlive_migration_scheme = "tls"\n'
                    "live_migration_with_native_tls = 'true'\n") == []
