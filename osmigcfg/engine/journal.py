"""The journal: one run kept in TaskFlow's SQLite persistence backend.

A journal file is a SQLite database written by TaskFlow's SQLAlchemy
persistence backend.  It holds exactly one logbook (the run) whose ``meta``
carries our header (``osmigcfg_journal`` version, ``kind``, the ``plan``
and the run ``options``, all JSON) and one flow detail, in which TaskFlow
records every atom's state transition, result and failure.  Tasks add their
own records (``phase`` before and after each cloud call) through TaskFlow's
progress details, which the engine saves synchronously.

Nothing secret goes in: plans and options are scrubbed before saving.
"""

import contextlib
import dataclasses
import logging
import os
import sqlite3
import time
from typing import Any
import uuid

import sqlalchemy
from taskflow.persistence import models
from taskflow.persistence.backends import impl_sqlalchemy

from osmigcfg import exceptions
from osmigcfg.engine import events as events_mod

LOG = logging.getLogger(__name__)

JOURNAL_VERSION = 1
HEADER = 'osmigcfg_journal'


@dataclasses.dataclass(frozen=True)
class AtomRecord:
    """What the journal says about one TaskFlow atom (task or retry)."""

    name: str
    state: str
    intention: str
    result: object
    failure: str | None        # the exception text, when it failed
    failure_types: tuple[str, ...]  # exception class names, most derived first
    details: dict[str, Any]    # the last progress details a task recorded


def _sqlite_engine(path: str, synchronous: str) -> sqlalchemy.Engine:
    """A SQLAlchemy engine on the journal file in WAL mode.

    TaskFlow's own engine opens a new connection for every write and uses
    SQLite's rollback journal: two fsyncs per state change.  In WAL mode a
    committed change survives a killed process as soon as ``commit``
    returns (it is in the WAL file); ``synchronous=FULL`` also makes it
    survive a power cut, at one fsync per commit.
    """
    engine = sqlalchemy.create_engine(
        f'sqlite:///{os.path.abspath(path)}',
        connect_args={'check_same_thread': False, 'timeout': 30})

    @sqlalchemy.event.listens_for(engine, 'connect')
    def _pragmas(dbapi_connection, record):
        cursor = dbapi_connection.cursor()
        cursor.execute('PRAGMA journal_mode=WAL')
        cursor.execute(f'PRAGMA synchronous={synchronous}')
        cursor.close()
    return engine


class _Backend(impl_sqlalchemy.SQLAlchemyBackend):
    """TaskFlow's SQLAlchemy backend, handing out one connection object.

    Upstream builds a fresh ``MetaData`` and table set for every
    connection, that is for every state change, and SQLAlchemy cannot then
    reuse its compiled statements: most of a run's CPU went there.  Its
    ``Connection`` keeps no state besides them (``close`` is a no-op and
    every operation opens its own transaction), so one can be shared.
    """

    def __init__(self, conf, engine):
        super().__init__(conf, engine=engine)
        self._shared = None

    def get_connection(self):
        if self._shared is None:
            self._shared = super().get_connection()
        return self._shared


def _fetch_backend(path: str, synchronous: str = 'FULL') -> _Backend:
    url = f'sqlite:///{os.path.abspath(path)}'
    return _Backend({'connection': url},
                    engine=_sqlite_engine(path, synchronous))


def _check_sqlite(path: str) -> None:
    """The file exists, is readable and is not empty.

    Whether it is a SQLite database is left to SQLite (see
    :func:`_check_tables`), never checked by reading the file with
    ``open()``: closing any other descriptor of a database file drops the
    POSIX locks this process's SQLite connections hold on it, and another
    process may then checkpoint and remove the WAL under them (SQLite's
    "How To Corrupt" section 2.2; seen as "database disk image is
    malformed" after a killed run).
    """
    if not os.path.exists(path):
        raise exceptions.JournalError(path, 'no such file')
    if os.path.isdir(path):
        raise exceptions.JournalError(path, 'is a directory')
    if not os.access(path, os.R_OK):
        raise exceptions.JournalError(path, 'permission denied')
    if os.path.getsize(path) == 0:
        raise exceptions.JournalError(
            path, 'not a journal (not a SQLite database)')


def _failure_types(failure: Any) -> tuple[str, ...]:
    if failure is None:
        return ()
    return tuple(failure.to_dict().get('exc_type_names') or ())


def _check_tables(path: str) -> None:
    try:
        with contextlib.closing(sqlite3.connect(path)) as db:
            tables = {row[0] for row in db.execute(
                "select name from sqlite_master where type = 'table'")}
            columns = {row[1] for row in db.execute(
                'pragma table_info(logbooks)')}
    except sqlite3.DatabaseError as e:
        if 'not a database' in str(e):
            raise exceptions.JournalError(
                path, 'not a journal (not a SQLite database)') from None
        raise exceptions.JournalError(path, f'unreadable ({e})') from None
    except sqlite3.Error as e:
        raise exceptions.JournalError(path, f'unreadable ({e})') from None
    if not {'logbooks', 'flowdetails', 'atomdetails'} <= tables or \
            'meta' not in columns:
        raise exceptions.JournalError(path, 'not an osmigcfg journal')


class Journal:
    """One run's durable record (use :meth:`create` or :meth:`open`)."""

    def __init__(self, path: str | os.PathLike[str], backend: _Backend,
                 book: models.LogBook) -> None:
        self.path = str(path)
        self.backend = backend
        self.book = book
        self.flow_detail = next(iter(book))

    @classmethod
    def create(cls, path: str, kind: str, plan: dict[str, Any],
               options: dict[str, Any] | None = None) -> 'Journal':
        """Create a new journal file holding ``plan``.

        :param path: the file to create; it must not exist.
        :param kind: what the run is (``drain``, ``migrate``, ``import``...).
        :param plan: a JSON-serialisable dict the run is rebuilt from.
        :param options: JSON-serialisable run options (windows, policies).
        :raises JournalError: when the file exists or cannot be written.
        """
        if os.path.exists(path):
            raise exceptions.JournalError(
                path, 'already exists (use `resume` to continue it)')
        meta = {HEADER: JOURNAL_VERSION, 'kind': kind, 'created': time.time(),
                'plan': events_mod.scrub(plan),
                'options': events_mod.scrub(options or {})}
        book = models.LogBook(f'osmigcfg-{kind}')
        book.meta = meta
        book.add(models.FlowDetail(f'{kind}-run', uuid=str(uuid.uuid4())))
        try:
            backend = _fetch_backend(path)
            with contextlib.closing(backend.get_connection()) as conn:
                conn.upgrade()
                conn.save_logbook(book)
        except Exception as e:
            raise exceptions.JournalError(path, f'cannot create: {e}') from None
        LOG.info('journal %s created (%s)', path, kind)
        return cls(path, backend, book)

    @classmethod
    def open(cls, path: str, kind: str | None = None) -> 'Journal':
        """Open an existing journal and check its header.

        :raises JournalError: when the file is missing, not SQLite, not a
            journal, of another version, or of another ``kind``.
        """
        _check_sqlite(path)
        _check_tables(path)
        try:
            backend = _fetch_backend(path)
            with contextlib.closing(backend.get_connection()) as conn:
                books = list(conn.get_logbooks())
        except Exception as e:
            raise exceptions.JournalError(
                path, f'unreadable ({type(e).__name__})') from None
        books = [b for b in books if isinstance(b.meta, dict)
                 and b.meta.get(HEADER)]
        if len(books) != 1 or len(books[0]) != 1:
            raise exceptions.JournalError(path, 'not an osmigcfg journal')
        meta = books[0].meta
        if not (isinstance(meta.get('kind'), str)
                and isinstance(meta.get('plan'), dict)
                and isinstance(meta.get('options', {}), dict)):
            raise exceptions.JournalError(
                path, 'its header is damaged (kind, plan, options)')
        version = books[0].meta[HEADER]
        if version != JOURNAL_VERSION:
            raise exceptions.JournalError(
                path, f'journal version {version}, this osmigcfg reads '
                      f'{JOURNAL_VERSION}')
        journal = cls(path, backend, books[0])
        if kind is not None and journal.kind != kind:
            raise exceptions.JournalError(
                path, f'a {journal.kind} journal, not {kind}')
        return journal

    @property
    def kind(self) -> str:
        return self.book.meta['kind']

    @property
    def plan(self) -> dict[str, Any]:
        return self.book.meta['plan']

    @property
    def options(self) -> dict[str, Any]:
        return self.book.meta.get('options', {})

    @property
    def events_path(self) -> str:
        """The JSON-lines events file kept beside the journal."""
        return self.path + '.events.jsonl'

    def reload(self) -> 'Journal':
        """Re-read the flow detail from disk (after a run wrote to it)."""
        with contextlib.closing(self.backend.get_connection()) as conn:
            self.book = conn.get_logbook(self.book.uuid)
        self.flow_detail = next(iter(self.book))
        return self

    def update_meta(self, **values: Any) -> None:
        """Merge JSON values into the run header and save it."""
        self.book.meta.update(events_mod.scrub(values))
        with contextlib.closing(self.backend.get_connection()) as conn:
            conn.save_logbook(self.book)

    @property
    def flow_state(self) -> str:
        """TaskFlow's state of the run's flow (PENDING, RUNNING, ...)."""
        return self.flow_detail.state

    def atoms(self) -> dict[str, AtomRecord]:
        """Every atom TaskFlow recorded: name -> :class:`AtomRecord`."""
        records: dict[str, AtomRecord] = {}
        for ad in self.flow_detail:
            failure = ad.failure
            details = ((ad.meta or {}).get('progress_details') or {})
            records[ad.name] = AtomRecord(
                name=ad.name, state=ad.state, intention=ad.intention,
                result=ad.results,
                failure=failure.exception_str if failure else None,
                failure_types=_failure_types(failure),
                details=details.get('details') or {})
        return records

    def close(self) -> None:
        """Close the journal's SQLite connections.

        TaskFlow leaves an engine it was handed open; a journal left with
        pooled connections keeps the file in use by this process.
        """
        with contextlib.suppress(Exception):
            self.backend.close()
        with contextlib.suppress(Exception):
            self.backend.engine.dispose()
