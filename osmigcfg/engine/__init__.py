"""Run many items' work on TaskFlow, journaled, windowed and resumable.

The migrator (and the cross-cloud import/copy) describe their work as one
TaskFlow flow per *item* and hand it to this engine.  The API is small:

``Journal.create(path, kind, plan, options)`` / ``Journal.open(path, kind)``
    A run's durable record: TaskFlow's SQLite persistence backend, one
    logbook whose ``meta`` keeps the JSON ``plan`` and ``options`` the flows
    are rebuilt from, and one flow detail where TaskFlow records every
    atom's state, result and failure.  ``journal.atoms()`` reads them back
    as :class:`AtomRecord` values; ``journal.events_path`` names the
    JSON-lines events file kept beside it.  The file is in SQLite's WAL
    mode (one fsync per state change): while a run is unfinished, its
    ``-wal`` file belongs with it.

``Windows({'global': G, 'source': S, 'dest': D})``
    Concurrency limits.  A step calls ``windows.acquire(item, [('source',
    host), ('dest', host)])`` before its cloud call (all keys at once, plan
    order kept, no head-of-line blocking) and ``windows.release(item)``
    when the work is done in the cloud; ``occupy`` re-takes slots on resume.

``EventStream(path, callbacks)``
    ``emit(kind, item=None, **data)`` appends a JSON line (secrets masked)
    and calls every callback (progress displays).  ``read_events(path)``
    reads a file back, tolerating a torn last line.

``Context(windows, events, **extra)``, ``Step``, ``item_flow``, ``run_flow``
    Build flows: subclass ``Step`` (set ``step = 'name'``; implement
    ``execute``/``revert``; call ``self.record(phase, **details)`` before and
    after each cloud call), group an item's steps with ``item_flow(item,
    steps)`` (its failures revert that item only) and all items with
    ``run_flow(name, item_flows)``.  Atom names are ``<item>:<step>``.

``run_journaled(journal, make_context=..., make_flow=..., reset=...)``
    The skeleton every command's run goes through (events, context, flow,
    ``run.plan``, reset, run, close); results are :class:`JournaledResult`
    (``.ok``, ``.items``, ``.journal``, ``.run``).  ``Step(item, context,
    requires, rebind=..., inject=...)`` also takes other items' results
    (``rebind``) and constant inputs (``inject``).

``Runner(journal, flow, context, max_workers).run(reset_atoms=())``
    Runs the flow on TaskFlow's parallel engine (threads) and returns a
    ``RunResult``; ``stop()`` suspends it (resumable).  To resume, open the
    journal, rebuild the same flow from ``journal.plan``, reconcile with the
    outside world (re-occupy windows, pick atoms to re-run) and call
    ``run(reset_atoms=...)`` again: finished atoms are skipped, atoms a kill
    left RUNNING run again, so steps must be idempotent against the cloud.
"""

import importlib as _importlib
import warnings as _warnings

with _warnings.catch_warnings():
    # TaskFlow (through oslo.utils) imports eventlet when it is installed,
    # for green executors we never use; eventlet warns on import that it is
    # deprecated, which would print nine lines on every command.
    _warnings.filterwarnings('ignore',
                             message=r'(?s).*Eventlet is deprecated')
    _importlib.import_module('taskflow.engines')

from osmigcfg.engine.events import EventStream
from osmigcfg.engine.events import read_events
from osmigcfg.engine.flows import Context
from osmigcfg.engine.flows import ItemRetry
from osmigcfg.engine.flows import Step
from osmigcfg.engine.flows import atom_name
from osmigcfg.engine.flows import item_flow
from osmigcfg.engine.flows import run_flow
from osmigcfg.engine.flows import split_atom_name
from osmigcfg.engine.journal import AtomRecord
from osmigcfg.engine.journaled import JournaledResult
from osmigcfg.engine.journaled import run_journaled
from osmigcfg.engine.journal import Journal
from osmigcfg.engine.runner import Runner
from osmigcfg.engine.runner import RunResult
from osmigcfg.engine.windows import Windows

__all__ = [
    'AtomRecord', 'Context', 'EventStream', 'ItemRetry', 'Journal',
    'JournaledResult', 'RunResult', 'Runner', 'Step', 'Windows',
    'atom_name', 'item_flow', 'read_events', 'run_flow', 'run_journaled',
    'split_atom_name',
]
