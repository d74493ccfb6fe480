"""One minimal bad policy per finding code, and clean files stay clean."""

import pytest

from osmigcfg import exceptions
from osmigcfg.policy import catalog
from osmigcfg.policy import render
from osmigcfg.policy import validate

MIGRATE = catalog.MIGRATE
LIVE = catalog.MIGRATE_LIVE
LIVE_HOST = catalog.MIGRATE_LIVE_HOST


def findings(write, text, **kwargs):
    path = write('policy.yaml', text)
    return validate.validate_policy(path, **kwargs)


def only(report, code):
    hits = [f for f in report if f.code == code]
    assert hits, f'{code} not in {report.codes()}'
    return hits[0]


@pytest.mark.parametrize('profile', ['mosk-24.3', 'admin-only', 'upstream',
                                     'manager'])
def test_rendered_profiles_validate_without_errors_or_warnings(write,
                                                               profile):
    report = findings(write, render.render_policy(profile))
    assert not report.fails('warning'), report.to_list()


def test_yaml_syntax_error_has_the_line(write):
    f = only(findings(write, f'"{MIGRATE}": "role:admin"\nx: [1,\n'),
             'POL101')
    assert f.severity == 'error' and f.location.line == 3


def test_top_level_list_is_refused(write):
    assert only(findings(write, '- a\n'), 'POL101').location.line == 1


def test_non_string_value_is_an_error(write):
    f = only(findings(write, f'"{MIGRATE}": [role:admin]\n'), 'POL102')
    assert 'not a check string' in f.message


def test_typo_in_rule_name_suggests_the_rule(write):
    f = only(findings(write, f'"{MIGRATE}e": "role:admin"\n'), 'POL103')
    assert f.severity == 'error' and f'did you mean {MIGRATE}' in f.message


def test_helper_rule_is_info(write):
    f = only(findings(write, f'mine: "role:x"\n"{MIGRATE}": "rule:mine"\n'),
             'POL104')
    assert f.severity == 'info'


def test_unrelated_unknown_rule_is_a_warning(write):
    assert only(findings(write, 'totally_else: "role:x"\n'),
                'POL105').severity == 'warning'


def test_duplicate_key_is_reported_with_both_lines(write):
    f = only(findings(write, f'"{MIGRATE}": "role:a"\n"{MIGRATE}": '
                             f'"role:b"\n'), 'POL106')
    assert 'lines 1 and 2' in f.message


def test_override_in_policy_d_of_file_rule_is_noted(write):
    path = write('policy.yaml', f'"{MIGRATE}": "role:a"\n')
    write('policy.d/1.yaml', f'"{MIGRATE}": "role:b"\n')
    report = validate.validate_policy(
        path, policy_dirs=[path.parent / 'policy.d'])
    assert only(report, 'POL107').location.file.endswith('1.yaml')


def test_unparsable_check_string_is_an_error(write):
    f = only(findings(write, f'"{MIGRATE}": "role:admin and ("\n'), 'POL110')
    assert 'deny everyone' in f.message


def test_deny_all_bang_is_not_a_parse_error(write):
    assert 'POL110' not in findings(write, f'"{MIGRATE}": "!"\n').codes()


def test_misspelt_check_kind_is_a_warning(write):
    f = only(findings(write, f'"{MIGRATE}": "rol:admin"\n'), 'POL111')
    assert "'rol:admin'" in f.message


def test_reference_to_undefined_rule_is_an_error(write):
    f = only(findings(write, f'"{MIGRATE}": "rule:nope"\n'), 'POL120')
    assert 'rule:nope' in f.message and f.location.line == 1


def test_reference_cycle_is_an_error(write):
    report = findings(write, 'a: "rule:b"\nb: "rule:a"\n')
    assert sorted(f.location.subject for f in report
                  if f.code == 'POL121') == ['a', 'b']


def test_override_equal_to_default_is_info(write):
    f = only(findings(write, f'"{MIGRATE}": "rule:project_manager_or_admin"'),
             'POL130')
    assert f.severity == 'info'


def test_host_targeted_rule_pinned_to_its_admin_default_is_not_redundant(
        write):
    # the MOSK profile writes it on purpose: a later default cannot open it
    report = findings(write, '"os_compute_api:os-migrate-server:migrate:host"'
                             ': "rule:context_is_admin"\n')
    assert 'POL130' not in report.codes()


@pytest.mark.parametrize('check', ['', '@'])
def test_migration_rule_open_to_everyone_is_an_error(write, check):
    f = only(findings(write, f'"{LIVE}": "{check}"\n'), 'POL201')
    assert f.severity == 'error'


def test_inherited_override_is_a_warning_pointing_at_the_base_rule(write):
    f = only(findings(write, f'"{LIVE}": "rule:project_member_or_admin"\n'),
             'POL210')
    assert f.location.subject == LIVE_HOST and f.location.line == 1
    assert 'inherits the override' in f.message


def test_legacy_defaults_finding_only_without_new_defaults(write):
    text = f'"{LIVE}": "rule:project_member_or_admin"\n'
    assert 'POL211' not in findings(write, text).codes()
    f = only(findings(write, text, enforce_new_defaults=False), 'POL211')
    assert 'no role needed' in f.message and f.details


def test_release_changes_what_is_known(write):
    text = f'"{LIVE_HOST}": "rule:context_is_admin"\n'
    old = findings(write, text, release=29)
    assert {f.code for f in old if f.location.subject == LIVE_HOST} & {
        'POL103', 'POL105'}
    assert not findings(write, text, release=34).fails('warning')


def test_missing_file_raises_a_clear_input_error(tmp_path):
    with pytest.raises(exceptions.FileReadError):
        validate.validate_policy(tmp_path / 'nope.yaml')


def test_missing_policy_dir_raises_a_clear_input_error(tmp_path):
    with pytest.raises(exceptions.FileReadError) as e:
        validate.validate_policy(policy_dirs=[tmp_path / 'nope'])
    assert 'not a directory' in str(e.value)


def test_every_policy_code_is_documented_in_the_readme():
    import pathlib
    from osmigcfg import findings as findings_mod
    readme = (pathlib.Path(__file__).parents[3] / 'doc' / 'source' / 'user'
              / 'policy-reference.md').read_text()
    missing = [c for c in findings_mod.CODES
               if c.startswith('POL') and f'`{c}`' not in readme]
    assert not missing, missing
