"""Real Nova 34 in one process, built from nova's own functional-test fixtures.

Child-process only: importing this module imports nova, and nova must have
patched the process first (``nova_server`` imports ``nova.tests.functional``
before anything else).

The recipe (``shared/notes/realnova.md`` beside the project): a ``nova.test.TestCase``
instance set up outside any test runner gives sqlite API/cell0/cell1
databases, cell mappings, the fake RPC transport and the default flavors;
on top of it come a real-policy fixture pointed at our policy file, nova's
Neutron/Glance/Cinder fixtures, real placement, conductor, scheduler, N
computes on :class:`~osmigcfg.sandbox.nova.fake_driver.SandboxDriver`,
and nova's own api-paste pipeline with only ``authtoken`` removed.  Casts
stay casts (no CastAsCall), as in production.

Pitfalls handled here, each measured:

* placement's fixture sets ``enforce_new_defaults=False`` process-wide; after
  a policy reload every rule would OR in its deprecated legacy check, so we
  pin the option (True unless asked otherwise) with an override, set before
  nova's enforcer first loads its rules.
* ``TestCase`` sets futurist's ``ThreadWorker.MAX_IDLE_FOR`` to 0.01 s, which
  makes idle pool threads spin; we restore it.
* 64 RPC executor threads per server grow the process to 380+ threads; 8 is
  plenty here.
* the harness keeps every log line and notification in memory (made for
  short tests); we log to stderr instead and empty the notification lists
  now and then, so a long-lived sandbox does not grow.
* nova's ``CellDatabases`` guards its cell switching with a writer-first
  reader/writer lock, and ``DatabaseWriteLock`` serialises writes per
  database.  On native threads they deadlock: a thread inside a DB write
  asks for a read lock, a writer is already queued for the cell lock (so
  new readers wait), and that writer waits for a reader that waits for
  the DB write lock.  Seen as a drain test hanging with every Nova thread
  idle (py-spy).  Readers here never wait for a merely *queued* writer
  (:class:`_ReadersFirstLock`); a writer still waits for no readers.
* nova 34 keeps one live-migration thread pool per *process*
  (``nova.thread_pool_factory``, ``max_concurrent_live_migrations``
  workers): one per compute in production, where each nova-compute is its
  own process, but one for every compute here, so the whole sandbox ran
  k live migrations at a time instead of k per source host.  Each
  compute gets its own pool (:func:`_live_migration_pool_per_compute`).
"""

import datetime
import logging
import os
import re
import shutil
import sys
import sysconfig
import tempfile
import threading
import time
from unittest import mock

import futurist
from oslo_context import context as common_context
from oslo_messaging import opts as messaging_opts
import yaml

from nova.api.openstack import wsgi_app
from nova.api import wsgi as nova_wsgi
from nova import context as nova_context
from nova import objects
from nova import test
from nova import thread_pool_factory
from nova.tests import fixtures as nova_fixtures
from nova.tests.functional import fixtures as func_fixtures

from osmigcfg import files
from osmigcfg.sandbox.nova import fake_driver

CONF = test.CONF

#: Host name of the conductor, scheduler and API service records.
CONTROLLER_HOST = 'controller'
_NOTIFICATION_TRIM_SECONDS = 30


class _SandboxPolicyFixture(nova_fixtures.RealPolicyFixture):
    """Nova's real policy engine reading our policy file and policy dirs."""

    def __init__(self, policy_file, policy_dirs):
        super().__init__()
        self._file = policy_file
        self._dirs = list(policy_dirs)

    def _prepare_policy(self):
        self.policy_file = self._file
        CONF.set_override('policy_dirs', self._dirs, group='oslo_policy')


class _Harness(test.TestCase):
    """A nova TestCase used as a container of fixtures, never run as a test."""

    def runTest(self):
        """unittest needs a test method to construct the case."""


class _ReadersFirstLock(nova_fixtures.ReaderWriterLock):
    """CellDatabases' lock without writer preference (module doc)."""

    def _acquire_read_lock(self, me):
        with self._cond:
            while self._writer is not None and self._writer != me:
                self._cond.wait()
            self._readers[me] = self._readers.get(me, 0) + 1


def find_api_paste_ini():
    """The api-paste.ini nova installed (wheels put it in <prefix>/etc)."""
    candidates = [
        os.path.join(sysconfig.get_path('data'), 'etc', 'nova',
                     'api-paste.ini'),
        os.path.join(sys.prefix, 'etc', 'nova', 'api-paste.ini'),
        CONF.wsgi.api_paste_config,
    ]
    for path in candidates:
        if path and os.path.isfile(path):
            return path
    raise RuntimeError('nova api-paste.ini not found in %s' % candidates)


def write_paste_without_authtoken(source, target):
    """Copy nova's paste file, dropping only ``authtoken`` from pipelines."""
    with open(source, encoding='utf-8') as f:
        text = f.read()
    pipeline_line = re.compile(r'^(\s*(?:keystone|pipeline)\s*=.*)$', re.M)
    text = pipeline_line.sub(
        lambda m: re.sub(r'\s+authtoken\b', '', m.group(1)), text)
    with open(target, 'w', encoding='utf-8') as f:
        f.write(text)
    return target


class NovaStack:
    """Nova API app, conductor, scheduler, placement and computes.

    :param policy_file: path of the policy file Nova reads (must exist).
    :param policy_dirs: policy.d directories, in order.
    :param enforce_new_defaults: value pinned for ``[oslo_policy]``.
    :param computes: compute host names.
    :param conf: ``(group, option, value)`` overrides applied before any
        service starts (group ``DEFAULT`` for the default group).
    :param workdir: directory for the paste file.
    """

    def __init__(self, policy_file, policy_dirs=(), enforce_new_defaults=True,
                 computes=('host1', 'host2'), conf=(), workdir='.'):
        self.policy_file = os.path.abspath(policy_file)
        self.policy_dirs = [os.path.abspath(d) for d in policy_dirs]
        self.enforce_new_defaults = enforce_new_defaults
        self.hosts = list(computes)
        self.conf = list(conf)
        self.workdir = workdir
        self.case = None
        self.app = None
        self.stopped_hosts = set()
        self._policy_mtime_ns = 0
        self._lock = threading.Lock()
        self._notifier = None
        self._scratch = None
        self._trimmer_stop = threading.Event()

    # -- life cycle --------------------------------------------------------

    def start(self):
        """Build the stack; returns the WSGI app of the compute API."""
        idle = futurist._thread.ThreadWorker.MAX_IDLE_FOR
        # The harness nests its temporary directories (sqlite databases,
        # fake HOME) in tempfile's directory: make that one of ours.
        self._scratch = tempfile.tempdir = tempfile.mkdtemp(
            prefix='nova-sandbox-')
        self.case = _Harness('runTest')
        with mock.patch.object(sys.modules['nova.tests.fixtures.nova'],
                               'ReaderWriterLock', _ReadersFirstLock):
            self.case.setUp()
        futurist._thread.ThreadWorker.MAX_IDLE_FOR = idle
        _log_to_stderr()
        _live_migration_pool_per_compute()
        self._configure()
        self._add_fixtures()
        self._start_services()
        paste = write_paste_without_authtoken(
            find_api_paste_ini(), os.path.join(self.workdir, 'api-paste.ini'))
        self.app = nova_wsgi.Loader(paste).load_app('osapi_compute')
        threading.Thread(target=self._trim_notifications, daemon=True,
                         name='sandbox-notification-trim').start()
        return self.app

    def _configure(self):
        case = self.case
        _register_executor_pool_opt()
        case.flags(executor_thread_pool_size=8)
        case.flags(compute_driver=fake_driver.register())
        for group, name, value in self.conf:
            CONF.set_override(name, value,
                              None if group.upper() == 'DEFAULT' else group)
        # Pinned before the policy fixture, which loads the rules at once,
        # and as an override, which placement's set_defaults() cannot undo.
        case.flags(enforce_new_defaults=self.enforce_new_defaults,
                   group='oslo_policy')

    def _add_fixtures(self):
        case = self.case
        case.useFixture(_SandboxPolicyFixture(self.policy_file,
                                              self.policy_dirs))
        case.useFixture(nova_fixtures.NeutronFixture(case))
        case.useFixture(nova_fixtures.GlanceFixture(case))
        case.useFixture(nova_fixtures.CinderFixture(case))
        case.useFixture(func_fixtures.PlacementFixture())
        case.useFixture(nova_fixtures.AllServicesCurrent())
        self._notifier = case.useFixture(
            nova_fixtures.NotificationFixture(case))
        case.flags(transport_url=case.cell_mappings['cell1'].transport_url)

    def _start_services(self):
        case = self.case
        case.start_service('conductor', host=CONTROLLER_HOST)
        case.start_service('scheduler', host=CONTROLLER_HOST)
        wsgi_app._setup_service(CONTROLLER_HOST, 'osapi_compute')
        for host in self.hosts:
            case._start_compute(host)

    def stop(self):
        """Drop the stack's files; the process is about to exit.

        Running the harness's cleanups (service stops, thread-pool
        shutdowns) takes 7-8 s and buys nothing when the process exits right
        after, so only the scratch directory holding the sqlite databases
        and the fake HOME is removed.
        """
        self._trimmer_stop.set()
        if self._scratch and os.path.isdir(self._scratch):
            shutil.rmtree(self._scratch, ignore_errors=True)

    def _trim_notifications(self):
        while not self._trimmer_stop.wait(_NOTIFICATION_TRIM_SECONDS):
            self._notifier.reset()

    # -- policy ------------------------------------------------------------

    def set_policy(self, text):
        """Replace the policy file; Nova reloads it on its next request.

        ``text`` empty or None means Nova's defaults.  Raises ValueError
        when the text is not a YAML/JSON mapping (Nova would fail every
        request with it).
        """
        text = text or '{}\n'
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise ValueError('policy is not valid YAML: %s' % e) from None
        if data is not None and not isinstance(data, dict):
            raise ValueError('policy must be a mapping of rule to check')
        with self._lock:
            files.write_atomic(self.policy_file, text)
            self._bump_policy_mtime()

    def set_policy_dirs(self, dirs):
        """Point ``[oslo_policy] policy_dirs`` at ``dirs`` and reload all."""
        dirs = [os.path.abspath(d) for d in dirs]
        with self._lock:
            CONF.set_override('policy_dirs', dirs, group='oslo_policy')
            self.policy_dirs = dirs
            # A touched main file makes oslo.policy rebuild every rule from
            # scratch, which also drops rules of directories removed here.
            self._bump_policy_mtime()

    def set_enforce_new_defaults(self, value):
        with self._lock:
            CONF.set_override('enforce_new_defaults', bool(value),
                              group='oslo_policy')
            self.enforce_new_defaults = bool(value)
            self._bump_policy_mtime()

    def _bump_policy_mtime(self):
        # oslo.policy reloads only when the mtime grows; two writes within
        # one filesystem timestamp tick would otherwise look unchanged.
        now = time.time_ns()
        self._policy_mtime_ns = max(now, self._policy_mtime_ns + 10**6)
        os.utime(self.policy_file,
                 ns=(self._policy_mtime_ns, self._policy_mtime_ns))

    # -- compute services --------------------------------------------------

    def stop_compute(self, host):
        """Stop a compute service and let its heartbeat look stale.

        The record's last heartbeat is moved ``service_down_time`` into the
        past, as if the service had been gone that long, so the API shows
        it ``down`` at once instead of a minute later.
        """
        service = self._compute(host)
        if host in self.stopped_hosts:
            return
        service.stop()
        self.stopped_hosts.add(host)
        ref = self._service_record(host)
        ref.last_seen_up = (
            datetime.datetime.now(datetime.timezone.utc)
            - datetime.timedelta(seconds=CONF.service_down_time + 5))
        ref.save()

    def start_compute(self, host):
        """Start a new compute service for ``host``, keeping its servers."""
        old = self._compute(host)
        if host not in self.stopped_hosts:
            return
        with mock.patch('nova.virt.driver.load_compute_driver',
                        return_value=old.manager.driver):
            new = self.case.start_service('compute', host=host)
        self.case.computes[host] = new
        self.stopped_hosts.discard(host)
        # Heartbeat now (the real report_state code) rather than after the
        # reporting delay, so the service is "up" when this returns.
        new.servicegroup_api._driver._report_state(new)

    def compute_states(self):
        states = {}
        for host in self.hosts:
            ref = self._service_record(host)
            up = self.case.computes[host].servicegroup_api.service_is_up(ref)
            states[host] = 'up' if up else 'down'
        return states

    def _compute(self, host):
        try:
            return self.case.computes[host]
        except KeyError:
            raise LookupError('no compute host %r (hosts: %s)'
                              % (host, ', '.join(self.hosts))) from None

    def _service_record(self, host):
        ctxt = nova_context.get_admin_context()
        cell = self.case.host_mappings[host].cell_mapping
        with nova_context.target_cell(ctxt, cell) as cctxt:
            return objects.Service.get_by_compute_host(cctxt, host)


def _live_migration_pool_per_compute():
    """Give each compute manager its own live-migration pool, as each
    nova-compute process has in production (the source compute runs the
    migration: ``ComputeManager.live_migration`` spawns
    ``_do_live_migration`` on that pool)."""
    spawn_on = thread_pool_factory.spawn_on
    if getattr(spawn_on, 'per_compute', False):
        return
    pools, lock = {}, threading.Lock()

    def per_compute(executor_type, func, *args, **kwargs):
        host = getattr(getattr(func, '__self__', None), 'host', None)
        if executor_type is not \
                thread_pool_factory.ExecutorType.LIVE_MIGRATION or not host:
            return spawn_on(executor_type, func, *args, **kwargs)
        with lock:
            pool = pools.get(host)
            if pool is None:
                pool = pools[host] = futurist.ThreadPoolExecutor(
                    thread_pool_factory.get_max_concurrent_live_migrations())
        context = common_context.get_current()

        def run(*a, **kw):  # what spawn_on does: the request context
            if context is not None:
                context.update_store()
            return func(*a, **kw)

        return pool.submit(run, *args, **kwargs)

    per_compute.per_compute = True
    thread_pool_factory.spawn_on = per_compute


def _register_executor_pool_opt():
    # oslo.messaging registers it with the first RPC server; we need it
    # before that, so every RPC server is built with the small pool.
    for group, opts in messaging_opts.list_opts():
        if group is None:
            CONF.register_opts(
                [o for o in opts if o.name == 'executor_thread_pool_size'])


def _log_to_stderr():
    """Replace the harness's in-memory log capture with stderr logging.

    The harness keeps INFO lines in a buffer and formats every DEBUG record
    into a null handler: fine for a 10-second test, a leak and a CPU cost
    for a sandbox that lives for a whole test session.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(
        '%(asctime)s %(levelname)s [%(name)s] %(message)s'))
    root.addHandler(handler)
    debug = os.environ.get('OSMIGCFG_SANDBOX_DEBUG') == '1'
    root.setLevel(logging.DEBUG if debug else logging.INFO)
