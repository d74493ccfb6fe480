"""The drain step of a maintenance wave, and the outcomes of every drain.

The wave's servers (listed per host, so the cost follows the wave, not the
cloud) move as a migration run on the engine: live for ACTIVE/PAUSED,
cold and confirm for SHUTOFF, within the windows.
"""

import logging
import os

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.migrate.maintain import plan as plan_mod
from osmigcfg.migrate import outcomes as outcomes_mod
from osmigcfg.migrate import planner
from osmigcfg.migrate import run as run_mod

LOG = logging.getLogger(__name__)

#: drain attempts per wave and run before the wave counts as failed
DRAIN_ATTEMPTS = 3


def drain_wave(run, wave, name):
    """Move the servers off the wave's hosts; journals and count moved.

    One migration run per attempt (its own journal ``<journal>.w<N>-<k>``);
    a killed run's last one is resumed first.  The hosts are listed again
    after each attempt, until they are empty or :data:`DRAIN_ATTEMPTS`.
    """
    record = run.progress['steps'][name]
    journals = list(record.get('journals') or [])
    moved = 0
    if journals and os.path.exists(journals[-1]):  # a killed run's
        found = _resume_sub(run, journals[-1])
        moved += sum(1 for o in found if o.outcome == 'migrated')
    for _ in range(DRAIN_ATTEMPTS):
        left = _movers(run, wave)
        if not left:
            return {'journals': journals, 'moved': moved}
        path = f'{run.journal.path}.w{wave["number"]}-{len(journals) + 1}'
        journals.append(path)
        run.mark(name, 'started', journals=journals)
        sub = planner.Plan('migrate', None, left)
        run.events.emit('maintain.drain', item=name, servers=len(left),
                         journal=path)
        found, _ = run_mod.execute(
            run.compute, run.preflight, plan=sub, journal_path=path,
            options=run.run_options, callbacks=run.callbacks)
        moved += sum(1 for o in found if o.outcome == 'migrated')
        journals_done = [o for o in found if o.outcome != 'migrated']
        if journals_done and len(journals_done) == len(found):
            break  # nothing moved: trying again would not help
    left = _movers(run, wave)
    if left:
        raise exceptions.MigrationFailed(
            f'{len(left)} server(s) still on {", ".join(wave["hosts"])}'
            f' after the drain: '
            f'{", ".join(i["name"] or i["id"] for i in left[:5])}',
            hint=f'see `report {run.journal.path}`; fix them, then '
                 f'`resume`')
    return {'journals': journals, 'moved': moved}


def _resume_sub(run, path):
    try:
        found, _ = run_mod.resume(run.compute, run.preflight,
                                  journal_path=path,
                                  callbacks=run.callbacks)
    except exceptions.JournalError as e:
        LOG.info('sub-journal %s not resumable: %s', path, e)
        return []
    return found


def _movers(run, wave):
    """Plan items for the servers still on the wave's hosts."""
    stays = {s['id'] for s in run.plan.get('special') or []}
    groups = run.plan.get('groups') or {}
    items = []
    for server in (s for h in wave['hosts'] for s in run.compute.servers(
            {'all_tenants': '1', 'host': h})):
        if server.get('host') not in wave['hosts'] or \
                server['id'] in stays or plan_mod.special_reason(server):
            continue
        item = planner.plan_item(server, run.plan.get('method', 'auto'),
                                 confirm=run.plan.get('confirm', True))
        if not item['method']:
            continue
        if server['id'] in groups:
            item['group'] = groups[server['id']]
        items.append(item)
    return items


def collect_outcomes(path, progress):
    """Per-server outcomes of every drain journal of a maintenance."""
    found = []
    for name in sorted(progress.get('steps') or {}):
        for sub in (progress['steps'][name].get('journals') or []):
            if not os.path.exists(sub):
                continue
            journal = engine.Journal.open(sub)
            try:
                found += outcomes_mod.outcomes(journal)
            finally:
                journal.close()
    return found
