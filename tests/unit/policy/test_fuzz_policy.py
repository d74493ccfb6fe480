"""Fuzz the policy readers and validator: no exception escapes."""

import string

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from osmigcfg import exceptions
from osmigcfg.policy import catalog
from osmigcfg.policy import checkstr
from osmigcfg.policy import source
from osmigcfg.policy import validate

TOKENS = ['role:admin', 'role:member', 'rule:context_is_admin', 'and', 'or',
          'not', '(', ')', '@', '!', 'project_id:%(project_id)s',
          'rule:nope', 'rol:x', 'is_admin:True', '"quoted"', ':', '']
RULES = list(catalog.MIGRATION_RULES) + ['a', 'b', 'context_is_admin']

check_strings = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=8).map(' '.join),
    st.text(alphabet=string.printable, max_size=40))
yaml_text = st.one_of(
    st.text(alphabet=string.printable, max_size=200),
    st.dictionaries(st.sampled_from(RULES), check_strings, max_size=6).map(
        lambda d: ''.join(f'{k!r}: {v!r}\n' for k, v in d.items())),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=yaml_text)
def test_validator_never_raises_on_random_files(tmp_path, text):
    path = tmp_path / 'p.yaml'
    path.write_text(text)
    report = validate.validate_policy(path)
    for finding in report:
        assert finding.code.startswith('POL')


@settings(max_examples=300, deadline=None)
@given(text=check_strings)
def test_check_parser_reports_instead_of_raising(text):
    check, problems = checkstr.parse_check(text)
    assert check is not None
    assert isinstance(problems, list)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_source_reader_raises_only_policy_file_errors(text):
    try:
        source.parse_policy_text(text, 'fuzz.yaml')
    except exceptions.PolicyFileError as e:
        assert str(e).startswith('fuzz.yaml')
