"""``-f sarif`` and ``-f junit`` on every command that lists findings.

The SARIF is validated against the SARIF 2.1.0 JSON schema
(tests/data/sarif-schema-2.1.0.json, see tests/data/README.md); the JUnit
XML is parsed and its counts checked against the findings.
"""

import json
import pathlib
from xml.etree import ElementTree

import jsonschema
import pytest

from osmigcfg import config
from osmigcfg import findings
from osmigcfg.policy import catalog
from tests.cli_runner import run_cli
from tests.unit.config import certs
from tests.unit.crosscloud.conftest import document_text
from tests.unit.crosscloud.conftest import network

SCHEMA = json.loads((pathlib.Path(__file__).parent.parent / 'data' /
                     'sarif-schema-2.1.0.json').read_text())
LIVE = catalog.MIGRATE_LIVE


def clean_nova_conf():
    return config.render_config(config.load_profile('secure'), 'nova-conf')


def validate_sarif(text):
    log = json.loads(text)
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    jsonschema.Draft4Validator(
        SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    ).validate(log)
    return log


def _policy_validate(tmp_path):
    path = tmp_path / 'policy.yaml'
    path.write_text('# our policy\n'
                    f'"{LIVE}": "rule:project_member_or_admin"\n'
                    f'"{LIVE}e": "role:admin"\n')
    return ['policy', 'validate', str(path)], 1


def _policy_audit(tmp_path):
    path = tmp_path / 'policy.yaml'
    path.write_text(f'"{LIVE}": "@"\n')
    return ['policy', 'audit', '--policy-file', str(path)], 1


def _upgrade_check(tmp_path):
    path = tmp_path / 'policy.yaml'
    path.write_text('"os_compute_api:os-migrate-server:migrate_live": '
                    '"rule:admin_api"\n')
    return ['policy', 'upgrade-check', str(path), '--from', '29',
            '--fail-on', 'info'], 1


def _config_validate(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('[libvirt]\nlive_migration_with_native_tls = maybe\n')
    return ['config', 'validate', str(path)], 1


def _check_hosts(tmp_path):
    path = tmp_path / 'inv.yaml'
    path.write_text('hosts:\n  a: {interface: e, address: 10.0.0.1}\n'
                    '  b: {interface: e, address: 10.0.0.1}\n')
    return ['config', 'check-hosts', str(path)], 1


def _check_tls(tmp_path):
    certs.write_host(tmp_path, 'cmp-001', '10.20.0.11')
    return ['config', 'check-tls', '--cert-dir', str(tmp_path), '--host',
            'cmp-001', '--address', '10.20.0.12'], 1


def _import_plan(tmp_path):
    (tmp_path / 'a.yaml').write_text('resources: [\n')
    (tmp_path / 'networks.yaml').write_text(
        document_text('network', [network('n1')]))
    return ['import', 'plan', str(tmp_path)], 1


COMMANDS = {
    'policy validate': _policy_validate,
    'policy audit': _policy_audit,
    'policy upgrade-check': _upgrade_check,
    'config validate': _config_validate,
    'config check-hosts': _check_hosts,
    'config check-tls': _check_tls,
    'import plan': _import_plan,
}


def _json_findings(capsys, argv):
    status, out, _ = run_cli(capsys, *argv, '-f', 'json')
    if argv[:2] == ['import', 'plan']:
        return status, None
    return status, json.loads(out)


@pytest.mark.parametrize('name', sorted(COMMANDS))
def test_sarif_validates_and_carries_each_finding(capsys, tmp_path, name):
    argv, expected_status = COMMANDS[name](tmp_path)
    status, out, err = run_cli(capsys, *argv, '-f', 'sarif')
    assert status == expected_status, err
    log = validate_sarif(out)
    [run] = log['runs']
    results = run['results']
    assert results, 'the inputs were chosen to give findings'
    rules = run['tool']['driver']['rules']
    assert run['tool']['driver']['name'] == 'osmigcfg'
    assert run['automationDetails']['id'] == f'osmigcfg/{name}/'
    # every rule is a finding code with the code's meaning and fix
    for result in results:
        rule = rules[result['ruleIndex']]
        assert rule['id'] == result['ruleId']
        info = findings.CODES[result['ruleId']]
        assert rule['fullDescription']['text'] == info.meaning
        assert info.meaning in rule['help']['text']
        assert f'Fix: {info.hint}' in rule['help']['text']
        assert result['level'] == {'info': 'note', 'warning': 'warning',
                                   'medium': 'warning', 'error': 'error',
                                   'high': 'error'}[
            result['properties']['severity']]
    assert len({r['id'] for r in rules}) == len(rules)
    if name != 'import plan':  # same findings as the table/json output
        _, rows = _json_findings(capsys, argv)
        assert [r['ruleId'] for r in results] == [r['Code'] for r in rows]


def test_sarif_locations_are_file_and_line(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'etc').mkdir()
    path = pathlib.Path('etc/policy file.yaml')
    path.write_text('# ours\n\n'f'"{LIVE}e": "role:admin"\n')
    status, out, _ = run_cli(capsys, 'policy', 'validate', str(path),
                             '-f', 'sarif')
    assert status == 1
    [result] = [r for r in validate_sarif(out)['runs'][0]['results']
                if r['ruleId'] == 'POL103']
    [location] = result['locations']
    physical = location['physicalLocation']
    assert physical['artifactLocation'] == {'uri': 'etc/policy%20file.yaml',
                                            'uriBaseId': '%SRCROOT%'}
    assert physical['region'] == {'startLine': 3}
    assert location['logicalLocations'] == [{'name': f'{LIVE}e'}]


def test_sarif_of_a_clean_file_is_valid_and_empty(capsys, tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text(clean_nova_conf())
    status, out, _ = run_cli(capsys, 'config', 'validate', str(path), '-f',
                             'sarif')
    assert status == 0
    assert validate_sarif(out)['runs'][0]['results'] == []


@pytest.mark.parametrize('name', sorted(COMMANDS))
def test_junit_has_a_failed_case_per_finding_at_the_fail_level(
        capsys, tmp_path, name):
    argv, expected_status = COMMANDS[name](tmp_path)
    status, out, _ = run_cli(capsys, *argv, '-f', 'junit')
    assert status == expected_status
    root = ElementTree.fromstring(out)
    assert root.tag == 'testsuites'
    [suite] = root
    assert suite.get('name') == f'osmigcfg {name}'
    cases = suite.findall('testcase')
    failures = [c for c in cases if c.find('failure') is not None]
    assert int(suite.get('tests')) == len(cases) > 0
    assert int(suite.get('failures')) == len(failures) > 0
    for case in failures:
        failure = case.find('failure')
        code = failure.get('type')
        assert case.get('name').startswith(code + ' ')
        assert findings.CODES[code].meaning in failure.text
    if name != 'import plan':
        _, rows = _json_findings(capsys, argv)
        assert len(cases) == len(rows)


def test_junit_follows_fail_on_and_a_clean_run_is_one_passing_case(
        capsys, tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text(f'"{LIVE}": "rule:project_member_or_admin"\n')
    status, out, _ = run_cli(capsys, 'policy', 'validate', str(path), '-f',
                             'junit')
    suite = ElementTree.fromstring(out).find('testsuite')
    assert status == 0 and suite.get('failures') == '0'
    status, out, _ = run_cli(capsys, 'policy', 'validate', str(path), '-f',
                             'junit', '--fail-on', 'warning')
    suite = ElementTree.fromstring(out).find('testsuite')
    assert status == 1 and int(suite.get('failures')) >= 1
    clean = tmp_path / 'nova.conf'
    clean.write_text(clean_nova_conf())
    status, out, _ = run_cli(capsys, 'config', 'validate', str(clean), '-f',
                             'junit')
    [case] = ElementTree.fromstring(out).iter('testcase')
    assert status == 0 and case.get('name') == 'no findings'


def test_audit_matrix_with_sarif_gives_the_findings(capsys, tmp_path):
    argv, _ = _policy_audit(tmp_path)
    _, out, _ = run_cli(capsys, *argv, '--matrix', '-f', 'sarif')
    assert validate_sarif(out)['runs'][0]['results']


def test_other_commands_do_not_offer_the_ci_formats(capsys):
    status, _, err = run_cli(capsys, 'policy', 'profiles', '-f', 'sarif')
    assert status == 2 and "invalid choice: 'sarif'" in err


def test_selecting_columns_without_code_is_one_clear_line(capsys, tmp_path):
    argv, _ = _config_validate(tmp_path)
    status, out, err = run_cli(capsys, *argv, '-f', 'sarif', '-c',
                               'Message')
    assert status == 1 and out == ''
    assert '-f sarif lists findings and needs the Code column' in err
    assert 'Traceback' not in err
