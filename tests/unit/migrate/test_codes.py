import pathlib

from osmigcfg import findings
from osmigcfg.migrate import codes  # noqa: F401 - registers the codes

REFERENCE = (pathlib.Path(__file__).parents[3] / 'doc' / 'source' / 'user'
          / 'migrate-reference.md')


def test_every_migration_code_is_in_the_reference_table():
    readme = REFERENCE.read_text()
    for code, info in findings.CODES.items():
        if code.startswith('MIG'):
            assert f'| `{code}` | {info.severity} | {info.meaning} |' in \
                readme, code


def test_every_code_has_a_hint():
    assert all(info.hint for code, info in findings.CODES.items()
               if code.startswith('MIG'))


def test_migrate_api_is_exactly_its_all():
    from osmigcfg import migrate
    public = {n for n in dir(migrate) if not n.startswith('_')}
    modules = {n for n in public
               if type(getattr(migrate, n)).__name__ == 'module'}
    assert public - modules == set(migrate.__all__)


def test_engine_api_is_exactly_its_all():
    from osmigcfg import engine
    public = {n for n in dir(engine) if not n.startswith('_')}
    modules = {n for n in public
               if type(getattr(engine, n)).__name__ == 'module'}
    assert public - modules == set(engine.__all__)
