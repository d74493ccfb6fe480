"""Real Nova 34 in a child process, driven over HTTP: the parent-side API.

Nova is never imported here: importing nova's functional-test package
monkey-patches the whole process, so Nova runs in a child process
(``nova_server``) and this module talks to it with openstacksdk and a small
JSON control API (``control.py``).  Typical use::

    with NovaSandbox(computes=('host1', 'host2')) as nova:
        alice = nova.connect('alice', 'demo', ['member'])
        server = nova.boot(alice, 'vm1')
        nova.set_policy('"os_compute_api:os-migrate-server:migrate": "@"')

Identities are tokens ``user:project:role1,role2`` (no Keystone; see
``identity.py``); roles are expanded with Keystone's default implied roles
(admin -> manager -> member -> reader) unless ``implied=False``.
"""

import atexit
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request

import openstack

import osmigcfg

from osmigcfg import exceptions
from osmigcfg import extras
from osmigcfg.sandbox.nova import identity
from osmigcfg.sandbox.nova import process as nova_process
from osmigcfg.sandbox import servers

LOG = logging.getLogger(__name__)

#: The highest compute microversion openstacksdk's Server resource knows.
SDK_MAX_MICROVERSION = (2, 100)
INSTALL_HINT = 'install the sandbox: ' + extras.pip_command('rehearse')

# nova must patch the process before the osmigcfg package is imported
# (its __init__ may pull in taskflow, which imports eventlet).
_BOOTSTRAP = (
    "import os; os.environ.setdefault('OS_NOVA_DISABLE_EVENTLET_PATCHING',"
    " '1'); import nova.tests.functional; "
    "from osmigcfg.sandbox.nova import server as nova_server; "
    "raise SystemExit(nova_server.main())")
_CHILD_ENV_DROP = ('OS_TEST_TIMEOUT', 'OS_STDOUT_CAPTURE',
                   'OS_STDERR_CAPTURE', 'OS_LOG_CAPTURE', 'OS_DEBUG')


def nova_available():
    """True when the ``rehearse`` extra (nova, placement...) is installed."""
    return extras.installed('rehearse')


def _install_hint(log_tail):
    if re.search(r"No module named '(nova|placement)['.]", log_tail):
        return INSTALL_HINT
    return None


class NovaSandbox:
    """A real Nova 34 API, conductor, scheduler and computes on 127.0.0.1.

    :param policy_file: a policy file to start with (copied; None: Nova's
        defaults).  Change it later with :meth:`set_policy`.
    :param policy_dirs: policy.d directories (read in place).
    :param enforce_new_defaults: ``[oslo_policy] enforce_new_defaults``.
    :param computes: compute host names (fake virt driver, 10 vCPU/8 GB).
    :param conf: Nova config overrides, ``{'group.option': value}`` or
        ``['group.option=value', ...]``, e.g.
        ``{'DEFAULT.max_concurrent_live_migrations': 1}``.
    :param workdir: scratch directory (policy file, log); a temporary one,
        removed by :meth:`stop`, when None.
    :param start_timeout: seconds to wait for the API to answer.
    """

    def __init__(self, policy_file=None, *, policy_dirs=(),
                 enforce_new_defaults=True, computes=('host1', 'host2'),
                 conf=None, workdir=None, start_timeout=120.0):
        self.initial_policy_file = policy_file
        self.initial_policy_dirs = [os.path.abspath(d) for d in policy_dirs]
        self.initial_enforce_new_defaults = enforce_new_defaults
        self.computes = tuple(computes)
        self.conf = _conf_args(conf)
        self.workdir = workdir
        self.start_timeout = start_timeout
        self.port = None
        self.pid = None
        self.max_microversion = None
        self.startup_seconds = None
        self._child = None
        self._own_workdir = False
        self._admin = None
        self._dirty = set()

    # -- life cycle --------------------------------------------------------

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def endpoint(self):
        """The compute API endpoint, ``http://127.0.0.1:PORT/v2.1``."""
        return f'http://127.0.0.1:{self.port}/v2.1'

    @property
    def log_path(self):
        return os.path.join(self.workdir, 'nova-server.log')

    @property
    def policy_path(self):
        """The policy file the sandboxed Nova reads."""
        return os.path.join(self.workdir, 'policy.yaml')

    def start(self):
        """Start Nova and wait until its API answers; returns self.

        :raises MissingExtraError: the ``rehearse`` extra (nova 34) is not
            installed.
        :raises SandboxError: the child exited or did not answer within
            ``start_timeout`` (with its last log lines).
        """
        if self._child is not None:
            return self
        extras.require('rehearse', feature='the Nova sandbox')
        began = time.monotonic()
        self._prepare_workdir()
        self._child = nova_process.ChildProcess(
            'the Nova sandbox', self._command(), self.log_path,
            cwd=self.workdir, env=self._child_env())
        atexit.register(self.stop)
        try:
            ready = self._child.start(self.start_timeout, _install_hint)
            self.port, self.pid = ready['port'], ready['pid']
            self.max_microversion = self._http('GET', '/v2.1/')[
                'version']['version']
        except Exception:
            self.stop()
            raise
        self.startup_seconds = round(time.monotonic() - began, 2)
        LOG.info('nova sandbox up at %s in %.1f s (pid %s)', self.endpoint,
                 self.startup_seconds, self.pid)
        return self

    def stop(self):
        """Stop the child (SIGTERM, then SIGKILL) and clean up; idempotent.

        A temporary workdir is removed; one given by the caller is kept.
        """
        child, self._child = self._child, None
        atexit.unregister(self.stop)
        if child is not None:
            child.stop()
        self._admin = None
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir, self._own_workdir = None, False

    @property
    def running(self):
        return self._child is not None and self._child.running

    def log_tail(self, lines=20):
        """The last ``lines`` lines of Nova's log (the child's stderr)."""
        return self._child.log_tail(lines) if self._child else ''

    def _prepare_workdir(self):
        if self.workdir is None:
            self.workdir = tempfile.mkdtemp(prefix='osmigcfg-nova-')
            self._own_workdir = True
        os.makedirs(os.path.join(self.workdir, 'tmp'), exist_ok=True)
        with open(self.policy_path, 'w', encoding='utf-8') as f:
            f.write(self._initial_policy_text() or '{}\n')

    def _initial_policy_text(self):
        if not self.initial_policy_file:
            return ''
        with open(self.initial_policy_file, encoding='utf-8') as f:
            return f.read()

    def _command(self):
        cmd = [sys.executable, '-c', _BOOTSTRAP, '--port', '0',
               '--policy-file', self.policy_path, '--workdir', self.workdir,
               '--computes', ','.join(self.computes)]
        for d in self.initial_policy_dirs:
            cmd += ['--policy-dir', d]
        if not self.initial_enforce_new_defaults:
            cmd.append('--no-enforce-new-defaults')
        for item in self.conf:
            cmd += ['--conf', item]
        return cmd

    def _child_env(self):
        env = {k: v for k, v in os.environ.items()
               if k not in _CHILD_ENV_DROP}
        env['TMPDIR'] = os.path.join(self.workdir, 'tmp')
        env['OS_NOVA_DISABLE_EVENTLET_PATCHING'] = '1'
        # the child runs the osmigcfg this process runs (a checkout run
        # with ``python -m`` from its root, not the copy the venv has)
        root = os.path.dirname(os.path.dirname(os.path.abspath(
            osmigcfg.__file__)))
        env['PYTHONPATH'] = os.pathsep.join(
            [root] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep)
                      if p])
        return env

    # -- clients -----------------------------------------------------------

    def connect(self, user='alice', project='demo', roles=('member',),
                implied=True, microversion='auto'):
        """An openstacksdk Connection acting as ``user`` in ``project``.

        :param roles: role names; implied roles are added unless
            ``implied`` is False.
        :param microversion: 'auto' pins the highest compute microversion
            both Nova and openstacksdk know; None lets openstacksdk pick per
            call; or an explicit '2.x'.
        """
        if microversion == 'auto':
            microversion = self.negotiated_microversion()
        token = identity.make_token(user, project, roles, implied)
        return openstack.connect(
            load_yaml_config=False, load_envvars=False,
            auth_type='admin_token',
            auth={'token': token, 'endpoint': self.endpoint},
            compute_api_version=microversion,
            app_name='osmigcfg-sandbox')

    @property
    def admin(self):
        """A cached admin Connection (``admin`` in project ``admin``)."""
        if self._admin is None:
            self._admin = self.connect('admin', 'admin', ['admin'])
        return self._admin

    def negotiated_microversion(self):
        nova = tuple(int(x) for x in self.max_microversion.split('.'))
        return '%d.%d' % min(nova, SDK_MAX_MICROVERSION)

    def token_env(self, user='alice', project='demo', roles=('member',),
                  implied=True):
        """OS_* variables pointing the ``openstack`` CLI at the sandbox."""
        return {
            'OS_AUTH_TYPE': 'admin_token',
            'OS_ENDPOINT': self.endpoint,
            'OS_TOKEN': identity.make_token(user, project, roles, implied),
            'OS_COMPUTE_API_VERSION': self.negotiated_microversion(),
        }

    # -- servers (see servers.py) -----------------------------------------

    def boot(self, conn, name, *, flavor=servers.DEFAULT_FLAVOR,
             image=servers.DEFAULT_IMAGE, networks='none', host=None,
             wait=True, timeout=60):
        """Create a server as ``conn``'s identity; ACTIVE when ``wait``.

        ``flavor`` is a flavor id or name (nova's default flavors, m1.tiny
        is '1'); ``image`` defaults to nova's fake Glance image; ``host``
        forces a compute host (admin).
        """
        return servers.boot(conn, name, flavor=flavor, image=image,
                            networks=networks, host=host, wait=wait,
                            timeout=timeout)

    def host_of(self, server):
        """The compute host of ``server`` (read as admin)."""
        return servers.host_of(self.admin, server)

    # -- control API -------------------------------------------------------

    def set_policy(self, text):
        """Replace the policy file (None/'' = Nova defaults); Nova reloads
        it on its next request."""
        self._control('PUT', 'policy', {'text': text or ''}, dirty='policy')

    def set_policy_dirs(self, dirs):
        self._control('PUT', 'policy-dirs',
                      {'dirs': [os.path.abspath(d) for d in dirs]},
                      dirty='policy_dirs')

    def set_enforce_new_defaults(self, value):
        self._control('PUT', 'enforce-new-defaults', {'value': bool(value)},
                      dirty='enforce')

    def set_migration_duration(self, live=None, cold=None):
        """Seconds each live / cold migration takes on the fake hypervisor."""
        self._control('PUT', 'faults/durations', {'live': live, 'cold': cold},
                      dirty='faults')

    def fail_live_migration(self, server_id, times=None):
        """Make the next ``times`` (None: all) live migrations of a server
        fail on the source compute; Nova rolls them back."""
        self._control('PUT', f'faults/live-failures/{server_id}',
                      {'times': times}, dirty='faults')

    def hold_server_lists(self, hold=True):
        """Hold back (True) or let go (False) Nova's answers to server
        lists: answers computed now arrive after the hold ends."""
        self._control('PUT', 'faults/hold-server-lists', {'hold': hold},
                      dirty='faults')

    def held_server_lists(self):
        """How many server-list answers are held back now."""
        return self.status()['faults']['held_server_lists']

    def clear_faults(self):
        self._control('DELETE', 'faults')
        self._dirty.discard('faults')

    def stop_compute(self, host):
        """Stop a compute service; the API reports it down at once."""
        return self._control('POST', f'computes/{host}/stop',
                             dirty='computes')['computes']

    def start_compute(self, host):
        """Start it again (same servers); reported up at once."""
        return self._control('POST', f'computes/{host}/start')['computes']

    def status(self):
        """Computes up/down, policy settings, faults, threads, RSS (kB)."""
        return self._control('GET', 'status')

    def reset(self):
        """Undo what changed since start: policy, dirs, faults, computes."""
        dirty, self._dirty = self._dirty, set()
        if 'policy' in dirty:
            self.set_policy(self._initial_policy_text())
        if 'policy_dirs' in dirty:
            self.set_policy_dirs(self.initial_policy_dirs)
        if 'enforce' in dirty:
            self.set_enforce_new_defaults(self.initial_enforce_new_defaults)
        if 'faults' in dirty:
            self.clear_faults()
        if 'computes' in dirty:
            for host, state in self.status()['computes'].items():
                if state == 'down':
                    self.start_compute(host)
        self._dirty.clear()

    def _control(self, method, path, body=None, dirty=None):
        if dirty:
            self._dirty.add(dirty)
        return self._http(method, '/_sandbox/' + path, body)

    def _http(self, method, path, body=None, timeout=60):
        if not self.running:
            raise exceptions.SandboxError('the Nova sandbox is not running')
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f'http://127.0.0.1:{self.port}{path}', data=data, method=method,
            headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                return json.loads(resp.read() or b'{}')
        except urllib.error.HTTPError as e:
            detail = e.read().decode('utf-8', 'replace')
            raise exceptions.SandboxError(
                f'sandbox {method} {path}: HTTP {e.code}: {detail}') from None
        except (urllib.error.URLError, OSError) as e:
            raise exceptions.SandboxError(
                f'sandbox {method} {path}: {e}; last log lines:\n'
                f'{self.log_tail()}') from None


def _conf_args(conf):
    if not conf:
        return []
    if isinstance(conf, dict):
        return [f'{k}={_conf_value(v)}' for k, v in conf.items()]
    return list(conf)


def _conf_value(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple)):
        return ','.join(str(v) for v in value)
    return str(value)
