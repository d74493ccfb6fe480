"""Run a maintenance plan, journaled and resumable.

The maintenance journal (kind ``maintain``) holds the plan, the options and
a *progress* record, saved before and after every step::

    {'steps': {'w1:hold': {'state': 'done', ...}, 'w1:drain': {...,
               'journals': [sub-journal paths]}, 'w1:host3:exec': {
               'state': 'failed', 'status': 2, 'output': '...'}, ...},
     'services': {host: 'maintenance' | 'held' | 'enabled'},
     'released': bool, 'state': 'running' | 'paused' | 'failed' | ...}

Steps per wave: ``hold`` (disable the wave's hosts for maintenance and the
hosts of later waves with another reason, so servers land only on hosts
already done or outside the scope; hosts the plan opened stay enabled),
``drain`` (the wave's servers as migration runs on the engine, each with
its own journal ``<journal>.w<N>-<k>``: live for ACTIVE/PAUSED, cold and
confirm for SHUTOFF, within the windows; the hosts are listed again until
they are empty), then per host ``exec`` (or ``pause``), ``up`` (its
compute service reports up) and ``enable``: the hosts of a wave go
through these three at the same time, each on its own thread (a patch
and reboot takes minutes; hosts at once must not mean one after the
other).  After the last wave, ``release`` enables every held host again.

The compute services are listed once per invocation; a service is then
changed with one request (its id and state are known), not a read and a
write.

A stop (a failed step, ``--pause``, ``--stop-after-wave``) enables the
held hosts again (the journal says so) and leaves the wave's hosts
disabled; ``resume`` holds them again and carries on with the first step
not done.  A kill leaves the journal saying which services were changed
(recorded before each change), and ``resume`` goes on the same way: a
drain resumes its migration journal (Nova is asked where every server is)
and an ``exec`` that was running is run again.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.migrate.maintain import drains
from osmigcfg.migrate.maintain import steps
from osmigcfg.migrate import options as options_mod

LOG = logging.getLogger(__name__)

KIND = 'maintain'


@dataclasses.dataclass(frozen=True)
class MaintainOptions:
    """How the hosts are maintained (journaled; a resume reads them back).

    :param command: the maintenance command template (``{host}``), or None.
    :param pause: stop after each host's drain until ``resume``.
    :param up_timeout: seconds to wait for the compute service to be up.
    :param command_timeout: seconds the command may run (None: one hour,
        ``steps.COMMAND_TIMEOUT``).
    """

    command: str | None = None
    pause: bool = False
    up_timeout: float = 600.0
    command_timeout: float | None = None

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data):
        return cls(**{k: v for k, v in (data or {}).items()
                      if k in cls.__dataclass_fields__})


@dataclasses.dataclass
class MaintainResult:
    """How a maintenance run ended.

    :ivar state: ``done``, ``failed``, ``paused`` or ``stopped``.
    :ivar message: what stopped it (None when done).
    :ivar outcomes: per-server outcomes of every drain so far.
    """

    state: str
    message: str | None
    journal: str
    outcomes: list
    services: dict

    @property
    def ok(self):
        return self.state == 'done'


class _Stop(Exception):
    """A step stopped the run (state, message)."""

    def __init__(self, state, message, host=None):
        super().__init__(message)
        self.state = state
        self.host = host


def step_groups(plan, options):
    """The steps of the plan, in order: a list of groups, each a list of
    chains (lists of step names) that may run at the same time."""
    groups = []
    for wave in plan['waves']:
        n = wave['number']
        groups += [[[f'w{n}:hold']], [[f'w{n}:drain']]]
        groups.append([[f'w{n}:{host}:{"pause" if options.pause else "exec"}',
                        f'w{n}:{host}:up', f'w{n}:{host}:enable']
                       for host in wave['hosts']])
    return groups + [[['release']]]


def step_names(plan, options):
    """Every step of the plan, in order."""
    return [name for group in step_groups(plan, options)
            for chain in group for name in chain]


class MaintainRun:
    """One invocation over a maintenance journal (new or resumed)."""

    def __init__(self, journal, compute, preflight, callbacks=(),
                 clock=time.time, stop_after_wave=None):
        self.journal = journal
        self.plan = journal.plan
        self.compute = compute
        self.preflight = preflight
        self.callbacks = list(callbacks)
        self.clock = clock
        self.stop_after_wave = stop_after_wave
        opts = journal.options
        self.options = MaintainOptions.from_dict(opts.get('maintain'))
        self.run_options = options_mod.RunOptions.from_dict(
            opts.get('run') or {})
        self.progress = dict(journal.book.meta.get('progress') or {})
        self.progress.setdefault('steps', {})
        self.progress.setdefault('services', {})
        self.events = engine.EventStream(journal.events_path, callbacks,
                                         clock=clock)
        #: host -> the state this process set and saw Nova accept; such a
        #: host is not asked again (holding the later hosts every wave
        #: would cost two requests per host and wave)
        self._applied = {}
        #: host -> its compute service record (listed once, kept current)
        self._services = None
        #: the hosts of a wave run their steps on threads: one writer
        self._lock = threading.RLock()

    # -- journal -----------------------------------------------------------
    def save(self):
        with self._lock:
            self.journal.update_meta(progress=self.progress)

    def mark(self, name, state, **details):
        with self._lock:
            record = dict(self.progress['steps'].get(name) or {})
            record.update(details, state=state, at=self.clock())
            self.progress['steps'][name] = record
            self.save()
        self.events.emit(f'maintain.step.{state}', item=name,
                         **{k: v for k, v in details.items()
                            if k != 'output'})
        return record

    def state_of(self, name):
        return (self.progress['steps'].get(name) or {}).get('state')

    def set_service(self, host, wanted):
        """Put ``host`` in ``wanted`` (maintenance, held, enabled).

        Hosts that were disabled before the run are left alone.
        """
        initial = self.plan['initial'].get(host) or {}
        if initial.get('status') != 'enabled':
            return
        with self._lock:
            if self._applied.get(host) == wanted and \
                    self.progress['services'].get(host) == wanted:
                return
            self._applied.pop(host, None)
            self.progress['services'][host] = wanted
            self.save()  # before the call: the journal never under-reports
            reason = {'maintenance': steps.MAINTAIN_REASON,
                      'held': steps.HOLD_REASON}.get(wanted)
            service = self._service(host)
            steps.set_disabled(self.compute, self.preflight, host,
                               wanted != 'enabled', reason, service=service)
            service.update(status='enabled' if wanted == 'enabled' else
                           'disabled', disabled_reason=reason)
            self._applied[host] = wanted
        self.events.emit('maintain.service', item=host, status=wanted)

    def _service(self, host):
        """``host``'s compute service (every one listed on first use)."""
        if self._services is None:
            self.preflight.require('services')
            self._services = {s['host']: s for s in
                              self.compute.compute_services()}
        if host not in self._services:
            raise exceptions.NotFoundError('compute service', host)
        return self._services[host]

    # -- the run -----------------------------------------------------------
    def run(self):
        self.events.emit('maintain.plan', waves=len(self.plan['waves']),
                         hosts=len(self.plan['scope']),
                         movers=sum(len(w['movers'])
                                    for w in self.plan['waves']),
                         resumed=bool(self.progress['steps']))
        try:
            if self.progress.get('released'):
                self._rehold()
            for group in step_groups(self.plan, self.options):
                chains = [[n for n in chain if self.state_of(n) != 'done']
                          for chain in group]
                chains = [chain for chain in chains if chain]
                if not chains:
                    continue
                self._run_chains(chains)
                last = group[-1][-1]
                if self.stop_after_wave and last.endswith(':enable') and \
                        int(last.split(':')[0][1:]) >= self.stop_after_wave:
                    raise _Stop('stopped', f'stopped after wave '
                                f'{self.stop_after_wave} as asked')
            state, message = 'done', None
        except _Stop as stop:
            state, message = stop.state, str(stop)
            self._release('released')
        self.progress['state'] = state
        self.save()
        self.events.emit('maintain.finished', state=state, message=message)
        self.events.close()
        return MaintainResult(state, message, self.journal.path,
                              collect_outcomes(self.journal.path,
                                               self.progress),
                              dict(self.progress['services']))

    def _run_chains(self, chains):
        """Run each chain's steps in order, the chains at the same time;
        when any stopped, stop (a failure first, else every pause)."""
        if len(chains) == 1:
            for name in chains[0]:
                self._step(name)
            return
        stops, errors = [], []

        def chain_of(names):
            try:
                for name in names:
                    self._step(name)
            except _Stop as stop:
                stops.append(stop)
            except BaseException as e:  # re-raised below, in this thread
                errors.append(e)

        threads = [threading.Thread(target=chain_of, args=(c,), daemon=True,
                                    name=f'osmigcfg-{c[0]}') for c in chains]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        failed = [s for s in stops if s.state != 'paused']
        if failed:
            raise failed[0]
        if stops:
            hosts = sorted(s.host for s in stops)
            raise _Stop('paused', self._paused_message(hosts))

    def _paused_message(self, hosts):
        return (f'{", ".join(hosts)} {"is" if len(hosts) == 1 else "are"} '
                f'empty and disabled: do the maintenance, then run '
                f'`resume {self.journal.path}`')

    def _step(self, name):
        parts = name.split(':')
        if name == 'release':
            self.mark(name, 'started')
            self._release(None)
            self.mark(name, 'done')
            return
        wave = self.plan['waves'][int(parts[0][1:]) - 1]
        kind = parts[-1]
        host = parts[1] if len(parts) == 3 else None
        if kind == 'pause':
            if self.state_of(name) == 'waiting':
                self.mark(name, 'done')
                return
            self.mark(name, 'waiting')
            raise _Stop('paused', self._paused_message([host]), host=host)
        self.mark(name, 'started')
        try:
            details = getattr(self, f'_do_{kind}')(wave, host, name) or {}
        except exceptions.OsmigcfgError as e:
            self.mark(name, 'failed', error=str(e))
            raise _Stop('failed', f'{name}: {e}') from None
        self.mark(name, 'done', **details)

    def _do_hold(self, wave, host, name):
        number = wave['number']
        later = [h for w in self.plan['waves'][number:] for h in w['hosts']]
        for h in later:
            if h not in wave['opened']:
                self.set_service(h, 'held')
        for h in wave['opened']:
            if self.progress['services'].get(h) == 'held':
                self.set_service(h, 'enabled')
        for h in wave['hosts']:
            if self.state_of(f'w{number}:{h}:enable') != 'done':
                self.set_service(h, 'maintenance')  # not a host done
        self.progress['released'] = False
        return {'held': [h for h in later if h not in wave['opened']]}

    def _rehold(self):
        """Hold again for the current wave after a stop released it."""
        for wave in self.plan['waves']:
            n = wave['number']
            if self.state_of(f'w{n}:hold') == 'done' and any(
                    self.state_of(s) != 'done' for s in step_names(
                        {'waves': [wave]}, self.options)[:-1]):
                self._do_hold(wave, None, f'w{n}:hold')
                break
        self.progress['released'] = False
        self.save()

    def _release(self, label):
        for host, state in sorted(self.progress['services'].items()):
            if state == 'held':
                self.set_service(host, 'enabled')
        if label:
            self.progress['released'] = True
            self.save()

    def _do_drain(self, wave, host, name):
        return drains.drain_wave(self, wave, name)

    def _do_exec(self, wave, host, name):
        if not self.options.command:
            return {}
        status, output = steps.run_command(
            self.options.command, host, timeout=self.options.command_timeout)
        if status != 0:
            self.mark(name, 'failed', status=status, output=output)
            raise _Stop('failed', f'the maintenance command failed on {host}'
                        f' (exit status {status}); {host} stays disabled. '
                        f'Fix it, then run `resume {self.journal.path}`',
                        host=host)
        return {'status': status, 'output': output}

    def _do_up(self, wave, host, name):
        steps.wait_up(self.compute, host, self.options.up_timeout)
        return {}

    def _do_enable(self, wave, host, name):
        self.set_service(host, 'enabled')
        return {}


collect_outcomes = drains.collect_outcomes


def start(compute, preflight, *, plan, journal_path, options=None,
          run_options=None, callbacks=(), stop_after_wave=None):
    """Create the journal of ``plan`` (a MaintainPlan) and run it.

    :raises PolicyDeniedError, InputError: when the plan has errors.
    """
    from osmigcfg.migrate import drain as drain_mod
    drain_mod.refuse_on_errors(plan)
    run_options = run_options or options_mod.RunOptions()
    windows = dict(run_options.windows.limits, group=1)
    run_options = dataclasses.replace(
        run_options, windows=type(run_options.windows)(
            windows, nova_limit=run_options.windows.nova_limit))
    recorded = {'maintain': (options or MaintainOptions()).to_dict(),
                'run': run_options.to_dict(),
                'endpoint': compute.session.endpoint}
    journal = engine.Journal.create(journal_path, KIND, plan.data, recorded)
    try:
        return MaintainRun(journal, compute, preflight, callbacks,
                           stop_after_wave=stop_after_wave).run()
    finally:
        journal.close()


def resume(compute, preflight, *, journal_path, callbacks=(),
           stop_after_wave=None):
    """Carry on a maintenance journal from the first step not done.

    :raises JournalError: for a journal of another kind or cloud.
    """
    journal = engine.Journal.open(journal_path, kind=KIND)
    recorded = journal.options.get('endpoint')
    if recorded and recorded != compute.session.endpoint:
        journal.close()
        raise exceptions.JournalError(
            journal_path, f'written against {recorded}, not '
            f'{compute.session.endpoint}')
    try:
        return MaintainRun(journal, compute, preflight, callbacks,
                           stop_after_wave=stop_after_wave).run()
    finally:
        journal.close()
