"""Run a plan on the engine (journaled), and resume a killed run.

:func:`execute` creates the journal (plan + options), builds one TaskFlow
flow per server (:mod:`~osmigcfg.migrate.steps`) and runs them within the
concurrency windows.  :func:`resume` opens a journal, rebuilds the same
flows, *reconciles* each unfinished server with what Nova says (servers a
kill left mid-start are marked so ``start`` looks before it sends; running
migrations re-occupy their window slots first; timed-out waits run again)
and carries on.  Both return the per-server outcomes
(:func:`~osmigcfg.migrate.outcomes.outcomes`).
"""

import collections
import dataclasses
import time

from taskflow import states

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.migrate import drivers
from osmigcfg.migrate import facts as facts_mod
from osmigcfg.migrate import options as options_mod
from osmigcfg.migrate import outcomes as outcomes_mod
from osmigcfg.migrate import planner
from osmigcfg.migrate import steps
from osmigcfg.migrate import watch as watch_mod


class MigrationContext(engine.Context):
    """What every step of a migration run shares (in memory)."""

    def __init__(self, plan, options, *, compute, preflight, events,
                 clock=time.time, sleep=time.sleep):
        super().__init__(engine.Windows(options.windows.limits), events)
        self.plan = plan
        self.options = options
        self.compute = compute
        self.preflight = preflight
        self.clock = clock
        self.resumed = set()
        # servers of another project than the caller's (a maintenance
        # wave of a member's servers) appear only in an all-projects list
        projects = {i['project_id'] for i in plan['items']}
        caller = getattr(getattr(preflight, 'caller', None), 'project_id',
                         None)
        self.watch = watch_mod.ServerWatch(
            compute, all_projects=plan.get('kind') == 'drain' or
            projects - {caller} != set(),
            interval=options.poll[0], clock=clock,
            migrations=_may_list_migrations(preflight))
        self.fact_cache = facts_mod.FactCache(compute, plan['host'],
                                              clock=clock) \
            if plan.get('kind') == 'drain' else None
        # a list of servers several of which share a host (a maintenance
        # wave): the facts of each such host come from shared list calls
        # too, instead of two reads per server
        sources = collections.Counter(
            i.get('source') for i in plan['items'] if i.get('source'))
        self.source_caches = {} if self.fact_cache else {
            host: facts_mod.FactCache(compute, host, clock=clock)
            for host, n in sources.items() if n > 1}
        self.drivers = {name: cls(compute, preflight, sleep=sleep,
                                  clock=clock, poll=tuple(options.poll),
                                  watch=self.watch)
                        for name, cls in drivers.DRIVERS.items()}

    def window_keys(self, item):
        """The window slots an item takes: its source and its target."""
        keys = [('source', item.get('source') or 'scheduler-visible-only')]
        if item.get('host'):
            keys.append(('dest', item['host']))
        if item.get('group'):  # maintain: anti-affinity one at a time
            keys.append(('group', item['group']))
        return keys

    def facts(self, item):
        """The facts of a server about to move (shared list calls for a
        drain or for servers sharing a source host, else two reads of its
        own)."""
        cache = self.fact_cache or self.source_caches.get(item.get('source'))
        cached = cache.facts(item['id']) if cache else None
        return cached or facts_mod.snapshot(self.compute, item['id'])

    def still_to_move(self, item, facts):
        """Why a server planned to move should not move now (or None)."""
        if self.plan.get('kind') == 'drain' and facts.get('host') and \
                facts['host'] != self.plan.get('host'):
            return f'no longer on {self.plan["host"]} (on {facts["host"]})'
        method, skip = planner.choose_method(facts, item['method'])
        return skip


def _may_list_migrations(preflight):
    """Whether the run's watch should list migration records: the caller
    is an admin, or nobody knows (Nova's 403 then turns it off)."""
    try:
        return preflight.check('all-servers').allowed is not False
    except (AttributeError, KeyError):  # a preflight without the check
        return True


def build_flow(context, plan):
    """One flow per server that moves, under one unordered run flow."""
    return engine.run_flow(plan['kind'], [
        steps.server_flow(context, item) for item in plan['items']
        if item['method'] and not item['skip']])


def execute(compute, preflight, *, plan, journal_path, options,
            callbacks=(), clock=time.time, sleep=time.sleep):
    """Run ``plan`` (a Plan) with a new journal; returns the outcomes.

    :param options: the :class:`~osmigcfg.migrate.options.RunOptions`.
    :raises JournalError: when the journal cannot be created.
    """
    recorded = dict(options.to_dict(), endpoint=compute.session.endpoint)
    journal = engine.Journal.create(journal_path, plan.kind, plan.to_dict(),
                                    recorded)
    return _run(journal, options, compute=compute, preflight=preflight,
                callbacks=callbacks, clock=clock, sleep=sleep,
                reconcile_first=False)


def resume(compute, preflight, *, journal_path, callbacks=(),
           clock=time.time, sleep=time.sleep, timeout=None):
    """Carry on a journaled run after a crash, a stop or a timeout.

    :param timeout: seconds to wait for each migration from now on
        (None: the journal's; 0: the default of each operation,
        :data:`~osmigcfg.migrate.waits.DEFAULT_TIMEOUTS`).

    :raises JournalError: for a missing, foreign or corrupt journal, or
        one written against another cloud endpoint.
    """
    journal = engine.Journal.open(journal_path)
    if journal.kind not in ('drain', 'migrate'):
        raise exceptions.JournalError(
            journal_path, f'a {journal.kind} journal, not a migration')
    recorded = journal.options.get('endpoint')
    if recorded and recorded != compute.session.endpoint:
        raise exceptions.JournalError(
            journal_path, f'written against {recorded}, not '
            f'{compute.session.endpoint}')
    options = options_mod.RunOptions.from_dict(journal.options)
    if timeout is not None:  # this run only
        options = dataclasses.replace(options, timeout=timeout or None)
    return _run(journal, options, compute=compute, preflight=preflight,
                callbacks=callbacks, clock=clock, sleep=sleep,
                reconcile_first=True)


def _run(journal, options, *, compute, preflight, callbacks, clock, sleep,
         reconcile_first):
    found = []

    def finish(journal, context, result):
        found.extend(outcomes_mod.outcomes(journal))
        context.events.emit('run.outcomes', suspended=result.suspended,
                            **outcomes_mod.counts(found))

    plan = journal.plan
    result = engine.run_journaled(
        journal, callbacks=callbacks, clock=clock, finish=finish,
        make_context=lambda events: MigrationContext(
            plan, options, compute=compute, preflight=preflight,
            events=events, clock=clock, sleep=sleep),
        make_flow=lambda context: build_flow(context, plan),
        plan_event=lambda flow: {
            'plan': plan['kind'], 'host': plan.get('host'),
            'items': len(plan['items']), 'movers': len(list(flow)),
            'resumed': reconcile_first},
        reset=reconcile if reconcile_first else None)
    return found, result


def reconcile(journal, context):
    """Look at Nova for every unfinished server; returns atoms to re-run."""
    atoms = journal.atoms()
    reset = []
    for item in journal.plan['items']:
        if not item['method'] or item['skip']:
            continue
        sid = item['id']

        def state(step):
            record = atoms.get(engine.atom_name(sid, step))
            return record.state if record else None

        verify = atoms.get(engine.atom_name(sid, 'verify'))
        if verify and verify.state == states.SUCCESS:
            if (verify.result or {}).get('outcome') == 'timeout':
                reset += [engine.atom_name(sid, s)
                          for s in ('wait', 'confirm', 'verify')]
                context.events.emit('item.reconciled', item=sid,
                                    action='wait again after a timeout')
            continue
        if state('retry') in (states.REVERTED, states.FAILURE):
            continue
        if state('start') in (states.RUNNING, states.SUCCESS):
            _reoccupy(context, item, hold=state('wait') != states.SUCCESS)
    return reset


def _reoccupy(context, item, hold):
    """A server whose start may have gone out: mark it, hold its slot.

    The slot is held only while ``wait`` is still to run (it releases it).
    """
    sid = item['id']
    context.resumed.add(sid)
    server = context.compute.server_or_gone(sid)
    if hold and server and server['status'] in facts_mod.STARTED_STATUSES:
        context.windows.occupy(sid, context.window_keys(item))
    context.events.emit('item.reconciled', item=sid,
                        status=server['status'] if server else 'deleted',
                        task_state=server['task_state'] if server else None)
