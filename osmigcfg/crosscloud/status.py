"""Status: what is imported, copied and cut over, read from the journals.

No cloud is asked: the answer is what the runs of a documents directory
recorded.  For each resource of the documents, the newest run that dealt
with it says how it ended: import (``created``, ``updated``,
``unchanged``, ``deferred``, ``failed``, ``pending``), data (``copied``,
``already copied``, ``adopted``, ``failed``, ``pending``; ``-`` when the
type has no data) and cutover (servers), plus its destination id from
the ID map, and for a cut-over server its downtime (source SHUTOFF to
destination ACTIVE, in seconds).
"""

import dataclasses
import os

from osmigcfg.crosscloud import documents as documents_mod
from osmigcfg.crosscloud import idmap
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import runs as runs_mod
from osmigcfg.crosscloud import state as state_mod
from osmigcfg.crosscloud.cutover import batch
from osmigcfg.crosscloud.importing import items as import_items

COLUMNS = ('Type', 'Name', 'Imported', 'Data', 'Cutover', 'Destination id',
           'Note', 'Downtime (s)')


@dataclasses.dataclass
class Status:
    """Rows per resource and the runs they come from."""

    rows: list
    runs: list

    def counts(self, column):
        """``{value: how many}`` of one column (``Imported``, ``Data``)."""
        index = COLUMNS.index(column)
        found = {}
        for row in self.rows:
            found[row[index]] = found.get(row[index], 0) + 1
        return found


def _latest_rows(runs):
    """``{item name: (kind, row)}``: each item's row in its newest run."""
    latest = {}
    for run in runs:
        for row in runs_mod.item_rows(run.atoms, run.plan.get('items', [])):
            latest[row['item']] = (run.kind, row)
    return latest


def _downtimes(runs):
    """``{item: seconds}`` of the servers the cutover runs moved (the
    newest run that measured one wins)."""
    found = {}
    for run in runs:
        if run.kind != 'cutover':
            continue
        for row in run.plan.get('items', []):
            seconds = batch.downtime(run.atoms, row['item'])
            if seconds is not None:
                found[row['item']] = seconds
    return found


def _outcome(latest, name, default='-'):
    found = latest.get(name)
    if not found:
        return default, ''
    row = found[1]
    return row['outcome'], row.get('reason') or ''


def read_status(directory: str | os.PathLike,
                dst_cloud: str | None = None) -> Status:
    """The :class:`Status` of a documents directory.

    :param dst_cloud: only runs against this destination (its clouds.yaml
        name, as given to the runs).
    """
    documents, _ = documents_mod.read_directory(directory)
    runs = [r for r in idmap.read_runs(state_mod.StateDir(directory))
            if dst_cloud is None or (r.options.get('dst') or {}).get(
                'cloud') == dst_cloud]
    latest = _latest_rows(runs)
    known = idmap.known_ids(runs)
    by_cutover = {(r['type'], r['source_id']) for run in runs
                  if run.kind == 'cutover' for r in idmap.records(run)
                  if r.get('copied')}
    downtimes = _downtimes(runs)
    rows = []
    for document in documents:
        for entry in document.entries:
            row = _row(entry, latest, known, by_cutover)
            rows.append((*row, downtimes.get(import_items.item_name(
                entry, 'cutover'), '')))
    return Status(rows, [r.path for r in runs])


def _row(entry, latest, known, by_cutover=()):
    imported, why = _outcome(latest, import_items.item_name(entry),
                             'not imported')
    data, data_why = ('-', '')
    if resources.get_type(entry.type).has_data:
        default = 'not copied' if entry.migration.get(
            'copy_data', True) else 'not copied (copy_data: false)'
        data, data_why = _outcome(latest, import_items.item_name(
            entry, f'copy-{entry.type}'), default)
        if (entry.type, import_items.source_key(entry)) in by_cutover:
            data = 'copied by cutover'

    cutover, cut_why = ('-', '')
    if entry.type == 'server':
        cutover, cut_why = _outcome(latest, import_items.item_name(
            entry, 'cutover'), 'not cut over')
    dst_id = known.get((entry.type, import_items.source_key(entry)), '')
    note = '; '.join(t for t in (why, data_why, cut_why) if t)
    return (entry.type, entry.dst_name or entry.name, imported, data,
            cutover, dst_id, note)
