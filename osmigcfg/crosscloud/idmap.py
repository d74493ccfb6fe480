"""The source -> destination ID mapping, read back from the run journals.

Every step that creates or adopts a destination resource returns (and,
right after the create call, records in its progress details) a mapping
record ``{type, source_id, dst_id}``.  Reading the journals of a
directory, oldest first, gives the current mapping: what ``import`` made,
then what ``copy`` replaced (a redone image gets a new id), then what a
``cutover`` booted.  A record the journal holds only as progress (a run
killed between the create call and the end of its step) counts too: that
is how a resumed run finds the resource it created before the kill.
"""

import contextlib
import dataclasses
import logging

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.crosscloud import state as state_mod

LOG = logging.getLogger(__name__)


def mapping_record(type_name, source_id, dst_id, **extra):
    """The dict a step returns (or records) for one mapped resource."""
    return {'type': type_name, 'source_id': source_id, 'dst_id': dst_id,
            **extra}


def _is_mapping(value):
    return isinstance(value, dict) and value.get('type') and \
        value.get('source_id') and 'dst_id' in value


@dataclasses.dataclass
class RunView:
    """One journal as the status and the ID map see it."""

    path: str
    kind: str
    plan: dict
    options: dict
    atoms: dict
    flow_state: str


def read_runs(state, dst=None, kind=None):
    """Every readable journal of a StateDir (oldest first) as RunViews.

    :param dst: a destination identity: only runs against it.
    """
    runs = []
    for path in state.journals(kind):
        try:
            journal = engine.Journal.open(path)
        except exceptions.JournalError as e:
            LOG.warning('skipping %s: %s', path, e)
            continue
        with contextlib.closing(journal):
            options = journal.options
            if dst is not None and not state_mod.same_destination(
                    options.get('dst') or {}, dst):
                continue
            runs.append(RunView(path, journal.kind, journal.plan, options,
                                journal.atoms(), journal.flow_state))
    return runs


def records(run):
    """The mapping records of one run, in atom order."""
    found = []
    for atom in run.atoms.values():
        if _is_mapping(atom.result):
            found.append(atom.result)
        elif _is_mapping(atom.details):
            found.append(atom.details)
    return found


def known_ids(runs):
    """``{(type, source id): dst id}`` over runs (later runs win)."""
    known = {}
    for run in runs:
        for record in records(run):
            if record.get('dst_id'):
                known[(record['type'], record['source_id'])] = \
                    record['dst_id']
            else:
                known.pop((record['type'], record['source_id']), None)
    return known
