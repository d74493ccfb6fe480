"""Opening, resuming and reading the journaled runs of a directory.

One rule for ``import``, ``copy`` and ``cutover``: if the newest run of
the same kind (and label: a cutover's server) against the same
destination did not finish and was planned from the same documents, it
is resumed (TaskFlow skips its finished atoms; atoms a kill left running
and items that failed run again); otherwise a new run starts.
"""

import logging

from taskflow import states

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.crosscloud import state as state_mod

LOG = logging.getLogger(__name__)
FAILED = (states.REVERTED, states.FAILURE, states.REVERT_FAILURE)


def finished(journal):
    """Whether every atom of a run finished well (nothing to resume)."""
    atoms = journal.atoms()
    return journal.flow_state == states.SUCCESS and all(
        a.state == states.SUCCESS for a in atoms.values())


def _resumable(path, plan, options):
    try:
        journal = engine.Journal.open(path, plan['kind'])
    except exceptions.JournalError as e:
        LOG.warning('not resuming %s: %s', path, e)
        return None
    same = (journal.plan.get('digest') == plan.get('digest')
            and journal.plan.get('filters') == plan.get('filters')
            and state_mod.same_destination(journal.options.get('dst') or {},
                                           options.get('dst') or {}))
    if same and not finished(journal):
        return journal
    journal.close()
    return None


def resumable(state, kind, label, plan, options):
    """The unfinished run of ``kind`` and ``label`` that the same plan
    would resume (an open journal), or None."""
    latest = state.latest(kind, label)
    return _resumable(latest, plan, options) if latest else None


def open_or_create(state, kind, label, plan, options):
    """``(journal, resumed)``: the unfinished run to resume, or a new one."""
    journal = resumable(state, kind, label, plan, options)
    if journal is not None:
        LOG.info('resuming %s', journal.path)
        return journal, True
    path = state.new_journal_path(kind, label)
    return engine.Journal.create(path, kind, plan, options), False


def failed_atoms(journal):
    """Atoms of failed (reverted) items, to run again on resume."""
    atoms = journal.atoms()
    failed_items = {engine.split_atom_name(n)[0] for n, a in atoms.items()
                    if a.state in FAILED}
    return [n for n in atoms if engine.split_atom_name(n)[0] in failed_items]


def reset_failed(journal):
    """Make the failed items of a resumed run run again; returns them.

    Their atoms are reset in the journal (state PENDING, results and
    failures cleared; the progress records stay, so steps still see what
    they did before).  Resetting only the state, as the engine's
    ``reset_atoms`` does, leaves the failures in TaskFlow's storage, and
    a flow with failures is reverted again at once.
    """
    names = set(failed_atoms(journal))
    for detail in journal.flow_detail:
        if detail.name in names:
            detail.reset(states.PENDING)
    if names:
        journal.update_meta()  # saves the book, flow and atom details
    return sorted(names)


def _item_outcome(atoms, name):
    mine = {engine.split_atom_name(n)[1]: a for n, a in atoms.items()
            if engine.split_atom_name(n)[0] == name}
    steps = {k: a for k, a in mine.items() if k != 'retry'}
    if not steps:
        return 'pending', None, None
    failed = [a for a in steps.values() if a.state in FAILED or a.failure]
    if failed or (mine.get('retry') and mine['retry'].state in FAILED):
        reason = next((a.failure for a in failed if a.failure), None)
        return 'failed', reason, None
    if all(a.state == states.SUCCESS for a in steps.values()):
        last = list(steps.values())[-1].result or {}
        return last.get('action') or last.get('outcome') or 'done', None, \
            last
    return 'pending', None, None


def item_rows(atoms, items):
    """Per plan item: outcome, destination id, reason.

    :param atoms: a journal's atoms (``Journal.atoms()``).
    :param items: its plan's items (dicts with ``item`` and ``deferred``).
    """
    rows = []
    for item in items:
        if item.get('deferred'):
            rows.append(dict(item, outcome='deferred',
                             reason=item['deferred']))
            continue
        outcome, reason, result = _item_outcome(atoms, item['item'])
        row = dict(item, outcome=outcome, reason=reason)
        if result and result.get('dst_id'):
            row['dst_id'] = result['dst_id']
        rows.append(row)
    return rows


def _failed_again(journal, context):
    """Reset the failed items in the journal; nothing more for the
    runner to reset (see :func:`reset_failed`)."""
    reset_failed(journal)
    return []


def run(journal, resumed, result, **run_args):
    """Run ``journal`` on the engine and fill ``result``; closes it.

    Failed items of a resumed run run again.  ``run_args`` go to
    :func:`~osmigcfg.engine.run_journaled`.

    :returns: ``result`` with its ``journal``, ``run`` and ``rows``.
    """
    try:
        result.journal = journal.path
        result.run = engine.run_journaled(
            journal, reset=_failed_again if resumed else None, **run_args)
        result.rows = item_rows(journal.atoms(), journal.plan['items'])
    finally:
        journal.close()
    return result
