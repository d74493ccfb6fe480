"""Run (or resume) a flow on TaskFlow's parallel engine, journaled.

Concurrency: the parallel engine runs ready atoms on a thread pool with
``max_workers`` threads.  That pool is sized to hold every item that may be
*waiting for a window* as well as those in flight, because the windows
(:mod:`~osmigcfg.engine.windows`) are enforced inside the steps: a step
acquires its item's slot before the cloud call and a later step releases it.
Sizing the pool as the global window would let items blocked on a full host
hold every thread while other hosts sit idle.

Resume: TaskFlow re-runs the atoms a killed run left RUNNING and skips the
finished ones.  Two things it does not do are done here: a run that ended
with reverted items is put back to SUSPENDED (TaskFlow would otherwise
reset *every* atom of a REVERTED flow and redo finished work), and the
domain's ``reconcile`` hook is called first to look at the cloud, re-occupy
windows and name atoms to run again.
"""

from concurrent import futures
import dataclasses
import logging
import threading
from typing import Any
from typing import TYPE_CHECKING

from taskflow import engines
from taskflow import exceptions as tf_exceptions
from taskflow import states
from taskflow.types import notifier

from osmigcfg import exceptions
from osmigcfg.engine import flows as flows_mod

if TYPE_CHECKING:
    from collections.abc import Iterable

    from osmigcfg.engine.journal import Journal

LOG = logging.getLogger(__name__)

#: Upper bound on worker threads, whatever the number of items.
MAX_THREADS = 256


@dataclasses.dataclass
class RunResult:
    """How a run ended: TaskFlow's flow state and whether we suspended."""

    flow_state: str
    suspended: bool
    error: str | None = None


class Runner:
    """Runs one journaled flow.

    :param journal: the run's :class:`~osmigcfg.engine.journal.Journal`.
    :param flow: the TaskFlow flow (see :mod:`~osmigcfg.engine.flows`);
        on resume it must be rebuilt with the same atom names.
    :param context: the run :class:`~osmigcfg.engine.flows.Context`.
    :param max_workers: worker threads (default: one per item, bounded).
    """

    def __init__(self, journal: 'Journal', flow: Any,
                 context: flows_mod.Context,
                 max_workers: int | None = None) -> None:
        self.journal = journal
        self.flow = flow
        self.context = context
        items = max(1, len(list(flow)))
        self.max_workers = min(max_workers or items, MAX_THREADS)
        self._engine: Any = None
        self._lock = threading.Lock()
        self._suspended = False

    def _engine_options(self, executor: futures.Executor) -> dict[str, Any]:
        """Which TaskFlow engine runs the flow, and on what executor."""
        return {'engine': 'parallel', 'executor': executor}

    def _load(self, executor: futures.Executor) -> Any:
        engine = engines.load(
            self.flow, flow_detail=self.journal.flow_detail,
            book=self.journal.book, backend=self.journal.backend,
            **self._engine_options(executor))
        engine.atom_notifier.register(notifier.Notifier.ANY, self._on_atom)
        engine.compile()
        engine.prepare()
        return engine

    def _on_atom(self, state: str, details: dict[str, Any]) -> None:
        item, step = flows_mod.split_atom_name(details.get('task_name', ''))
        if step is not None and step != 'retry':
            self.context.events.emit(f'atom.{state.lower()}', item=item,
                                     step=step)

    def run(self, reset_atoms: 'Iterable[str]' = ()) -> RunResult:
        """Run the flow to its end (or until :meth:`stop`).

        :param reset_atoms: atom names to set back to PENDING first (from
            a reconcile step on resume).
        :returns: a :class:`RunResult`.
        :raises JournalError: when the journal cannot be written.
        """
        self._unfinish_flow()
        events = self.context.events
        with futures.ThreadPoolExecutor(
                self.max_workers, thread_name_prefix="osmigcfg-step") as executor:
            engine = self._load(executor)
            self._reset(engine, reset_atoms)
            with self._lock:
                self._engine = engine
                stopped = self._suspended
            events.emit('run.started', flow=self.flow.name,
                        workers=self.max_workers)
            error = None
            try:
                if not stopped:
                    engine.run()
            except tf_exceptions.StorageFailure as e:
                raise exceptions.JournalError(self.journal.path, str(e)) from e
            except Exception as e:  # item failures are journaled per item
                error = f'{type(e).__name__}: {e}'
                LOG.debug('engine finished with failures: %s', error)
            state = engine.storage.get_flow_state()
        self.journal.reload()
        result = RunResult(flow_state=state, suspended=self._suspended,
                           error=error)
        events.emit('run.finished', flow_state=state,
                    suspended=self._suspended)
        return result

    def stop(self) -> None:
        """Ask the engine to stop after the atoms now running (resumable)."""
        with self._lock:
            self._suspended = True
            if self._engine is not None:
                self._engine.suspend()

    def _unfinish_flow(self) -> None:
        """Let a finished run with reverted items be resumed, not redone."""
        fd = self.journal.flow_detail
        if fd.state in (states.REVERTED, states.FAILURE, states.SUCCESS):
            LOG.debug('flow was %s; marking it SUSPENDED to resume', fd.state)
            fd.state = states.SUSPENDED
            self.journal.update_meta()  # saves the book with the flow detail

    @staticmethod
    def _reset(engine: Any, names: 'Iterable[str]') -> None:
        for name in names:
            engine.storage.set_atom_intention(name, states.EXECUTE)
            engine.storage.set_atom_state(name, states.PENDING)
