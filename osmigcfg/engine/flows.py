"""Flow construction helpers: one linear flow per item, all items unordered.

A run is a TaskFlow ``unordered_flow`` of *items*; an item (one server, one
network, ...) is a ``linear_flow`` of *steps* (TaskFlow tasks) under an
:class:`ItemRetry` controller.  When a step raises, the controller answers
``REVERT``: TaskFlow reverts that item's steps, newest first, and the other
items carry on.  Atom names are ``<item>:<step>``; the data a step provides
is stored under ``<item>:<step>`` too, so items never see each other's data.

Steps subclass :class:`Step`: they receive the run :class:`Context` (not
persisted: connections, windows, events) and record their progress with
:meth:`Step.record`, which TaskFlow saves in the journal before returning.
"""

from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from typing import TYPE_CHECKING

from taskflow import retry
from taskflow import task
from taskflow.patterns import linear_flow
from taskflow.patterns import unordered_flow

if TYPE_CHECKING:
    from osmigcfg.engine.events import Event
    from osmigcfg.engine.events import EventStream
    from osmigcfg.engine.windows import Windows

SEP = ':'


def atom_name(item: str, step: str | None) -> str:
    """The journal name of ``step`` of ``item``."""
    return f'{item}{SEP}{step}'


def split_atom_name(name: str) -> tuple[str, str | None]:
    """``(item, step)`` from an atom name (step ``None`` if not ours)."""
    item, sep, step = name.rpartition(SEP)
    return (item, step) if sep else (name, None)


class Context:
    """What every step of a run shares, in memory only.

    :param windows: the run's :class:`~osmigcfg.engine.windows.Windows`.
    :param events: the run's :class:`~osmigcfg.engine.events.EventStream`.

    Domains add their own attributes (a cloud connection, options...).
    """

    def __init__(self, windows: 'Windows', events: 'EventStream',
                 **extra: Any) -> None:
        self.windows = windows
        self.events = events
        for key, value in extra.items():
            setattr(self, key, value)


class Step(task.Task):
    """One named step of one item.

    Subclasses implement ``execute(self, **inputs)`` (and ``revert``).  The
    previous steps' results arrive as keyword arguments named after the
    step (``requires=('preflight',)`` gives ``preflight=<its result>``).
    """

    #: the step's short name (``start``, ``wait``...); set by subclasses.
    step: str | None = None

    def __init__(self, item: str, context: Context,
                 requires: Iterable[str] = (), *,
                 rebind: Mapping[str, str] | None = None,
                 inject: Mapping[str, Any] | None = None,
                 **kwargs: Any) -> None:
        """``requires`` names steps of the same item; ``rebind`` maps more
        ``execute`` arguments to stored names (other items' atoms);
        ``inject`` gives arguments constant values (saved in the journal).
        """
        self.item = item
        self.context = context
        mapping = {r: atom_name(item, r) for r in requires}
        mapping.update(rebind or {})
        super().__init__(name=atom_name(item, self.step),
                         provides=atom_name(item, self.step),
                         rebind=mapping, requires=tuple(mapping),
                         inject=inject, **kwargs)

    def record(self, phase: str, progress: float = 0.5,
               **details: Any) -> None:
        """Save ``phase`` and ``details`` in the journal, then emit an event.

        TaskFlow writes progress details synchronously, so a record made
        before a cloud call is on disk before the call is sent.
        """
        self.notifier.notify(task.EVENT_UPDATE_PROGRESS,
                             {'progress': progress, 'phase': phase,
                              **details})
        self.emit(f'{self.step}.{phase}', **details)

    def emit(self, kind: str, **data: Any) -> 'Event':
        """Emit an event about this item (not journaled: see :meth:`record`)."""
        return self.context.events.emit(kind, item=self.item, **data)


class ItemRetry(retry.Retry):
    """Reverts only its own item when one of the item's steps fails."""

    def on_failure(self, history: retry.History, *args: Any,
                   **kwargs: Any) -> str:
        return retry.REVERT

    def execute(self, history: retry.History, *args: Any,
                **kwargs: Any) -> int:
        return len(history) + 1

    def revert(self, history: retry.History, *args: Any,
               **kwargs: Any) -> None:
        return None


def item_flow(item: str,
              steps: Iterable[task.Task]) -> linear_flow.Flow:
    """A linear flow of ``steps`` for ``item``, reverted on its own."""
    flow = linear_flow.Flow(item, retry=ItemRetry(atom_name(item, 'retry')))
    flow.add(*steps)
    return flow


def run_flow(name: str,
             item_flows: Iterable[linear_flow.Flow]) -> unordered_flow.Flow:
    """The run: every item flow, free to run in parallel."""
    flow = unordered_flow.Flow(name)
    if item_flows:
        flow.add(*item_flows)
    return flow
