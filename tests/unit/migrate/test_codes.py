import pathlib

from osmigcfg import findings
from osmigcfg.migrate import codes  # noqa: F401 - registers the codes

README = pathlib.Path(__file__).parents[3] / 'README.md'


def test_every_migration_code_is_in_the_readme_table():
    readme = README.read_text()
    for code, info in findings.CODES.items():
        if code.startswith('MIG'):
            assert f'| `{code}` | {info.severity} | {info.meaning} |' in \
                readme, code


def test_every_code_has_a_hint():
    assert all(info.hint for code, info in findings.CODES.items()
               if code.startswith('MIG'))
