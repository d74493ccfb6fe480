"""Make every sqlite transaction of this process ``BEGIN IMMEDIATE``.

cinder's API, scheduler and volume processes share one sqlite file, and
every API runs four threads with a connection each.  oslo.db starts each transaction with a plain (deferred) ``BEGIN``; a
transaction that reads and then writes while another connection commits
fails at once with "database is locked" (SQLite cannot upgrade a stale
read snapshot, and skips its busy timeout in that case).  Taking the
write lock at ``BEGIN`` instead serialises the transactions,
each waiting up to the connection's timeout: slower in theory, invisible
at the sandbox's scale, and no spurious failures.

Imported before each service (see ``launch`` and ``wsgi_shim``); it patches
``sqlite3.dbapi2.connect``, which SQLAlchemy's pysqlite dialect calls.
"""

import sqlite3
from sqlite3 import dbapi2

_connect = dbapi2.connect


class ImmediateCursor(sqlite3.Cursor):
    def execute(self, sql, *args):
        if sql.strip().upper() == 'BEGIN':
            sql = 'BEGIN IMMEDIATE'
        return super().execute(sql, *args)


class ImmediateConnection(sqlite3.Connection):
    def cursor(self, factory=ImmediateCursor):
        return super().cursor(factory)


def connect(*args, **kwargs):
    kwargs.setdefault('factory', ImmediateConnection)
    return _connect(*args, **kwargs)


dbapi2.connect = connect
sqlite3.connect = connect
