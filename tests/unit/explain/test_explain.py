"""`explain CODE`: every finding code explained, from one source."""

import json
import pathlib
import re

import pytest

from osmigcfg import exceptions
from osmigcfg import explain
from tests.cli_runner import run_cli

PACKAGE = pathlib.Path(explain.__file__).parent


def test_every_module_that_registers_codes_is_listed():
    # a new codes module must be listed, or its codes go unexplained
    registering = {
        '.'.join(p.relative_to(PACKAGE.parent).with_suffix('').parts)
        for p in PACKAGE.rglob('*.py')
        if 'register_codes(' in p.read_text()
        and p.name != 'findings.py'}
    assert registering == set(explain.CODE_MODULES)


def test_every_registered_code_is_explained_and_nothing_else():
    registered = set(explain.registered_codes())
    explained = explain.explained_codes()
    assert len(explained) == len(set(explained))
    assert registered - set(explained) == set(), 'add them to ' \
        'osmigcfg/explanations.yaml'
    assert set(explained) - registered == set(), 'not registered codes'


@pytest.mark.parametrize('exp', explain.explain_all(), ids=lambda e: e.code)
def test_each_explanation_is_complete(exp):
    assert exp.family and exp.meaning and exp.fix.endswith('.')
    assert len(exp.why) > 40 and exp.example.strip()
    # the why says more than the one-line meaning
    assert exp.why.rstrip('.').lower() != exp.meaning.lower()


def test_explain_is_case_insensitive_and_suggests_close_codes():
    assert explain.explain(' pol210 ').code == 'POL210'
    with pytest.raises(exceptions.UnknownCodeError) as e:
        explain.explain('POL999')
    assert 'POL' in e.value.hint and 'unknown finding code' in str(e.value)


def test_cli_prints_meaning_why_example_and_fix(capsys):
    status, out, err = run_cli(capsys, 'explain', 'POL210')
    assert status == 0, err
    info = explain.registered_codes()['POL210']
    assert out.startswith('POL210 (warning)')
    for heading in ('Why it matters:', 'Example:', 'Fix:'):
        assert heading in out
    assert info.meaning[1:40] in out.replace('\n', ' ')
    assert 'migrate_live:host' in out


def test_cli_json_and_markdown_are_the_same_explanation(capsys):
    status, out, _ = run_cli(capsys, 'explain', 'cfg201', '--format', 'json')
    data = json.loads(out)
    assert status == 0 and data['code'] == 'CFG201'
    assert data['severity'] == 'error' and data['why'] and data['fix']
    status, out, _ = run_cli(capsys, 'explain', 'CFG201', '--format',
                             'markdown')
    assert out.startswith('# CFG201: ') and '## Why it matters' in out
    assert data['why'] in out


def test_cli_unknown_code_is_a_usage_error_without_traceback(capsys):
    status, out, err = run_cli(capsys, 'explain', 'POL2100')
    assert status == 2 and out == ''
    assert re.search(r"unknown finding code 'POL2100'.*did you mean "
                     r"POL210", err)
    assert 'Traceback' not in err
