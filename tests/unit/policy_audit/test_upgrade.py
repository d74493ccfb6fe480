"""Upgrade impact (POL4xx): the same files evaluated on two Nova releases."""

import pytest

from osmigcfg import exceptions
from osmigcfg.policy import catalog
from osmigcfg.policy import upgrade
from tests.unit.policy_audit.conftest import LIVE_ONLY

LIVE_HOST = catalog.MIGRATE_LIVE_HOST


def codes_by_subject(result):
    return {(f.code, f.location.subject): f for f in result.report}


def test_migrate_live_override_leaks_into_the_host_rule_31_to_34(write):
    path = write('policy.yaml', LIVE_ONLY)
    result = upgrade.check_upgrade(path, from_release=31, to_release=34)
    leak = codes_by_subject(result)[('POL403', LIVE_HOST)]
    assert leak.severity == 'high'
    assert 'member (live-migrate-host)' in leak.message
    assert leak.location.file == str(path) and leak.location.line == 1
    assert leak.hint.startswith(f'add "{LIVE_HOST}": "rule:context_is_admin"')
    assert any('inherited from the override' in d for d in leak.details)
    assert ('live-migrate-host', 'member') in result.inherited


def test_the_leak_is_caught_from_the_first_release_with_the_split(write):
    path = write('policy.yaml', LIVE_ONLY)
    for old, new in ((31, 32), (29, 33)):
        result = upgrade.check_upgrade(path, from_release=old,
                                       to_release=new)
        assert 'POL403' in result.report.codes()
    same = upgrade.check_upgrade(path, from_release=32, to_release=34)
    assert 'POL403' not in same.report.codes()  # not new: no upgrade impact


def test_an_explicit_host_rule_stops_the_leak(write):
    path = write('policy.yaml', LIVE_ONLY + f'"{LIVE_HOST}": '
                                            f'"rule:context_is_admin"\n')
    result = upgrade.check_upgrade(path, from_release=31, to_release=34)
    assert 'POL403' not in result.report.codes()
    # members chose the host on 31 through migrate_live; now they cannot
    change = codes_by_subject(result)[('POL402', 'live-migrate-host / member')]
    assert change.severity == 'medium'
    assert any('checks os_compute_api:os-migrate-server:migrate_live:host '
               'where Nova 31 checked' in d for d in change.details)


def test_new_defaults_explain_what_managers_gain_on_32(write):
    result = upgrade.check_upgrade(profile='upstream', from_release=31,
                                   to_release=34)
    found = codes_by_subject(result)
    gain = found[('POL401', 'live-migrate / manager')]
    assert gain.severity == 'medium'
    assert gain.details[0] == (
        'cause: new default: os_compute_api:os-migrate-server:migrate_live '
        'changed from rule:context_is_admin to '
        'rule:project_manager_or_admin in Nova 32')
    assert ('POL401', 'live-migrate-host / manager') not in found
    assert {c.persona for c in result.changes} == {'manager'}


def test_mosk_profile_rendered_for_29_leaks_into_the_host_rule():
    # the profile written for Nova 29 has no :host rule to write
    result = upgrade.check_upgrade(profile='mosk-24.3', from_release=29,
                                   to_release=34)
    leak = codes_by_subject(result)[('POL403', LIVE_HOST)]
    assert 'member (live-migrate-host)' in leak.message


def test_mosk_like_policy_d_with_legacy_defaults(mosk_dir):
    result = upgrade.check_upgrade(policy_dirs=[mosk_dir], from_release=29,
                                   to_release=34, enforce_new_defaults=False)
    leak = codes_by_subject(result)[('POL403', LIVE_HOST)]
    assert 'reader (live-migrate-host)' in leak.message
    assert 'no-roles (live-migrate-host)' in leak.message


def test_a_helper_rule_new_in_32_can_widen_into_a_high_cell(write):
    # written on 31, where project_manager_or_admin is not defined (that
    # branch denies); Nova 32 registers it: managers may now evacuate
    path = write('policy.yaml', '"os_compute_api:os-evacuate": '
                                '"rule:project_manager_or_admin"\n')
    result = upgrade.check_upgrade(path, from_release=31, to_release=34)
    gain = codes_by_subject(result)[('POL401', 'evacuate / manager')]
    assert gain.severity == 'high'
    assert gain.details[0].startswith(
        'cause: new rule: project_manager_or_admin is new since Nova 32')


def test_a_rule_written_before_it_existed_starts_to_apply(write):
    path = write('policy.yaml',
                 '"os_compute_api:os-migrations:index:all_projects": '
                 '"rule:project_member_or_admin"\n')
    result = upgrade.check_upgrade(path, from_release=31, to_release=34)
    gain = codes_by_subject(result)[
        ('POL401', 'list-migrations-all-projects / manager')]
    assert gain.severity == 'medium'
    causes = [d for d in gain.details if d.startswith('cause: ')]
    assert any('index:all_projects is new since Nova 32, set in' in c
               for c in causes)


def test_downgrade_reports_rules_the_target_does_not_register(write):
    path = write('policy.yaml', f'"{LIVE_HOST}": "rule:context_is_admin"\n')
    result = upgrade.check_upgrade(path, from_release=34, to_release=31)
    dropped = codes_by_subject(result)[('POL404', LIVE_HOST)]
    assert dropped.severity == 'medium' and dropped.location.line == 1


def test_upgrade_result_serialises():
    data = upgrade.check_upgrade(profile='upstream', from_release=29,
                                 to_release=34).to_dict()
    assert data['from'] == 29 and data['to'] == 34
    assert {'action': 'cold-migrate', 'persona': 'manager', 'before': False,
            'after': True} == {k: v for k, v in data['changes'][0].items()
                               if k != 'causes'}


def test_missing_from_release_is_an_input_error():
    with pytest.raises(exceptions.InputError):
        upgrade.check_upgrade(profile='upstream', to_release=34)
    with pytest.raises(exceptions.UnknownReleaseError):
        upgrade.check_upgrade(profile='upstream', from_release=12)
