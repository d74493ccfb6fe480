import pathlib

from osmigcfg import findings
from osmigcfg.readiness import codes  # noqa: F401 - registers the codes

REFERENCE = (pathlib.Path(__file__).parents[3] / 'doc' / 'source' / 'user'
          / 'readiness-reference.md')


def test_every_readiness_code_is_in_the_reference_table():
    readme = REFERENCE.read_text()
    for code, info in findings.CODES.items():
        if code.startswith('RDY'):
            assert f'| `{code}` | {info.severity} | {info.meaning} |' in \
                readme, code


def test_every_code_has_a_hint_and_its_family_range():
    families = {'1': 'policies', '2': 'roles', '3': 'configuration',
                '4': 'online facts'}
    rdy = {c: i for c, i in findings.CODES.items() if c.startswith('RDY')}
    assert rdy and all(info.hint for info in rdy.values())
    assert {c[3] for c in rdy} <= set(families)


def test_readiness_api_is_exactly_its_all():
    from osmigcfg import readiness
    public = {n for n in dir(readiness) if not n.startswith('_')}
    modules = {n for n in public
               if type(getattr(readiness, n)).__name__ == 'module'}
    assert public - modules == set(readiness.__all__)
