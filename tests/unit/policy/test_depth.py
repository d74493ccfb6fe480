"""Check strings and rule chains too deep to evaluate are findings.

oslo.policy's parser recurses once per ``not`` or parenthesis, its
definition check and its enforcement once per ``rule:`` hop: deep enough
input ends in RecursionError.  osmigcfg bounds both and says so.
"""

import pytest

from osmigcfg import exceptions
from osmigcfg.policy import audit
from osmigcfg.policy import catalog
from osmigcfg.policy import checkstr
from osmigcfg.policy import effective
from osmigcfg.policy import validate
from tests.cli_runner import run_cli

MIGRATE = catalog.MIGRATE
NOTS = f'"{MIGRATE}": "{"not " * 1500}role:admin"\n'


def chain(length):
    lines = [f'"{MIGRATE}": "rule:r0"']
    lines += [f'"r{i}": "rule:r{i + 1}"' for i in range(length)]
    lines.append(f'"r{length}": "role:admin"')
    return '\n'.join(lines) + '\n'


def test_nesting_depth_reads_nots_and_parentheses():
    assert checkstr.nesting_depth('role:a') == 1
    assert checkstr.nesting_depth('not not role:a') == 3
    assert checkstr.nesting_depth('(role:a or (role:b and role:c))') == 5
    assert checkstr.nesting_depth('not role:a or not role:b') == 2


def test_1500_nots_are_a_finding_in_validate(write):
    report = validate.validate_policy(write('p.yaml', NOTS))
    found = [f for f in report if f.code == 'POL113']
    assert len(found) == 1 and found[0].location.line == 1
    assert '1501 levels deep' in found[0].message


def test_1500_nots_stop_effective_with_the_code_and_line(write):
    path = write('p.yaml', NOTS)
    with pytest.raises(exceptions.PolicyFileError) as raised:
        effective.load_effective_policy(path)
    assert raised.value.line == 1 and 'POL113' in raised.value.reason


@pytest.mark.parametrize('command', [
    ['audit', '--policy-file', '{p}'],
    ['check', '--policy-file', '{p}', '--roles', 'admin', '--all-migration'],
    ['effective', '{p}'],
])
def test_1500_nots_are_one_clear_line_in_other_commands(capsys, write,
                                                        command):
    path = write('p.yaml', NOTS)
    status, _out, err = run_cli(
        capsys, 'policy', *[c.format(p=path) for c in command])
    assert status == 1
    assert f'{path}:1: {MIGRATE}: it nests 1501 levels deep' in err
    assert 'POL113' in err and 'Traceback' not in err
    assert 'recursion depth' not in err


@pytest.mark.parametrize('length', [600, 2000])
def test_a_long_rule_chain_is_a_finding_in_validate(write, length):
    report = validate.validate_policy(write('p.yaml', chain(length)))
    found = [f for f in report if f.code == 'POL122']
    assert [f.location.subject for f in found] == [MIGRATE]
    assert found[0].severity == 'error'


def test_a_long_rule_chain_is_unknown_in_check_and_fails_audit(write):
    path = write('p.yaml', chain(600))
    ep = effective.load_effective_policy(path)
    decision = ep.check(MIGRATE, roles=['member'], project_id='p1')
    assert (decision.allowed, decision.reason) == (None, 'unknown')
    assert 'deeper than 64 levels' in decision.unknowns[0]
    result = audit.audit_policy(path)
    assert 'POL122' in result.report.codes() and result.report.fails('high')
    assert result.matrix.cell('cold-migrate', 'admin').allowed is None


def test_a_reference_cycle_is_decided_where_it_can_be(write):
    path = write('p.yaml', f'"{MIGRATE}": "rule:a"\n'
                           '"a": "rule:b or role:admin"\n"b": "rule:a"\n')
    ep = effective.load_effective_policy(path)
    assert ep.check(MIGRATE, roles=['admin'], project_id='p1').allowed
    assert ep.check(MIGRATE, roles=['member'],
                    project_id='p1').allowed is None
    assert 'POL121' in audit.audit_policy(path).report.codes()
