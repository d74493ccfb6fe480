"""What data-copy steps find in the process that runs them.

Copy and cutover steps are *portable*: their inputs are plain JSON (an
item's spec: cloud names, ids, sizes, hashes) so TaskFlow can run them in
this process or ship them to a worker process over a message broker
(:mod:`~osmigcfg.crosscloud.copy.scale`).  Connections never travel: a step
asks the process's :class:`Runtime` for the connection of a cloud name
(a clouds.yaml entry), and each process holds its own credentials.

The runtime also carries the process's concurrency windows and events
stream, so a Runtime *is* an engine context (``windows``, ``events``).
"""

import logging
import threading

import openstack

from osmigcfg import engine

LOG = logging.getLogger(__name__)
_CURRENT: list['Runtime'] = []
_LOCK = threading.Lock()


class Runtime(engine.Context):
    """Connections by cloud name, windows and events of one process.

    :param connections: ``{cloud name: Connection}`` already made (the
        CLI's, or a test's).
    :param windows: an engine Windows (default: unlimited).
    :param events: an EventStream (default: none, log only).
    :param connect: ``connect(name)`` for names not given (default:
        openstacksdk with clouds.yaml).
    """

    def __init__(self, connections=None, windows=None, events=None,
                 connect=None, **extra):
        super().__init__(windows or engine.Windows({}),
                         events or engine.EventStream(), **extra)
        self._connections = dict(connections or {})
        self._connect = connect or (lambda name: openstack.connect(
            cloud=name))
        self._conn_lock = threading.Lock()

    def conn(self, name):
        """The connection of a cloud name (made once, then cached)."""
        with self._conn_lock:
            if name not in self._connections:
                LOG.info('connecting to cloud %s', name)
                self._connections[name] = self._connect(name)
            return self._connections[name]


def install(runtime):
    """Make ``runtime`` the process's current one (workers call this)."""
    with _LOCK:
        _CURRENT[:] = [runtime]
    return runtime


def current():
    """The process's runtime (a default one is made on first use)."""
    with _LOCK:
        if not _CURRENT:
            _CURRENT.append(Runtime())
        return _CURRENT[0]
