import sqlite3

import pytest

from osmigcfg import exceptions
from osmigcfg.engine import journal


def test_create_then_open_keeps_plan_and_options(tmp_path):
    path = tmp_path / 'run.journal'
    journal.Journal.create(path, 'drain', {'items': [1, 2]},
                           {'windows': {'global': 3}, 'os_token': 'x'})
    j = journal.Journal.open(path, kind='drain')
    assert j.plan == {'items': [1, 2]}
    assert j.options == {'windows': {'global': 3}, 'os_token': '***'}
    assert j.kind == 'drain'
    assert j.events_path == str(path) + '.events.jsonl'


def test_create_refuses_an_existing_file(tmp_path):
    path = tmp_path / 'run.journal'
    path.write_text('x')
    with pytest.raises(exceptions.JournalError, match='already exists'):
        journal.Journal.create(path, 'drain', {})


@pytest.mark.parametrize('content, message', [
    (None, 'no such file'),
    (b'hello, not a database', 'not a SQLite database'),
])
def test_open_refuses_missing_or_foreign_files(tmp_path, content, message):
    path = tmp_path / 'j'
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(exceptions.JournalError, match=message):
        journal.Journal.open(path)


def test_open_refuses_a_sqlite_file_that_is_not_a_journal(tmp_path):
    path = tmp_path / 'other.db'
    with sqlite3.connect(path) as db:
        db.execute('create table t (x)')
    with pytest.raises(exceptions.JournalError, match='unreadable|not an'):
        journal.Journal.open(path)


def test_open_refuses_another_kind(tmp_path):
    path = tmp_path / 'run.journal'
    journal.Journal.create(path, 'import', {})
    with pytest.raises(exceptions.JournalError, match='not drain'):
        journal.Journal.open(path, kind='drain')


def test_close_releases_every_sqlite_connection(tmp_path):
    # TaskFlow does not dispose an engine it was handed: a journal that kept
    # pooled connections kept the file in use after close()
    path = tmp_path / 'run.journal'
    journal.Journal.create(path, 'drain', {}).close()
    j = journal.Journal.open(path)
    j.atoms()
    pool = j.backend.engine.pool
    j.close()
    assert pool.checkedin() == 0 and pool.checkedout() == 0


def test_open_never_reads_the_database_file_outside_sqlite(tmp_path,
                                                           monkeypatch):
    # closing another descriptor of the file would drop the POSIX locks of
    # this process's SQLite connections (how a killed run's journal read
    # as "malformed")
    import builtins
    path = tmp_path / 'run.journal'
    journal.Journal.create(path, 'drain', {}).close()
    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        assert str(file) != str(path), 'the journal was opened with open()'
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, 'open', guarded)
    journal.Journal.open(path).close()
