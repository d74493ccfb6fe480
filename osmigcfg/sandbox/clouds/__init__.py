"""Real local OpenStack clouds (keystone, glance, neutron, cinder) for tests.

:class:`LocalClouds` starts independent clouds side by side on 127.0.0.1
(by default ``src`` and ``dst``) from the real PyPI services, with a
private RabbitMQ for cinder, and writes a clouds.yaml with two entries per
cloud: ``<name>`` is the ``demo`` user, a plain ``member`` of the ``demo``
project, and ``<name>-admin`` is the cloud admin::

    with LocalClouds() as clouds:
        conn = clouds.connect('src')             # demo member
        admin = clouds.connect('dst', admin=True)

The services need their own virtualenv (SQLAlchemy 2.1, unlike Nova's):
``OSMIGCFG_CLOUDS_VENV``, else ``.venv-clouds`` at the repository root,
holding :data:`REQUIREMENTS`.  RabbitMQ comes from Debian's
``rabbitmq-server`` package.  Ports are chosen free; ``stop()`` ends every
process it started (each service runs in its own process group).
"""

import atexit
import concurrent.futures
import contextlib
import logging
import os
import pathlib
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time

import openstack.config.loader
import openstack.connection

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg.sandbox.clouds import config
from osmigcfg.sandbox.clouds import proc
from osmigcfg.sandbox.clouds import rabbit
from osmigcfg.sandbox.clouds import local_cloud
from osmigcfg.sandbox.clouds import nova
from osmigcfg.sandbox.clouds import nova_config

LOG = logging.getLogger(__name__)

#: what the clouds virtualenv holds (``.ci/run`` installs exactly this).
REQUIREMENTS = ('keystone==30.0.0', 'glance==33.0.0', 'neutron==29.0.0',
                'cinder==29.0.0', 'gunicorn')
VENV_ENV = 'OSMIGCFG_CLOUDS_VENV'
NOVA_REQUIREMENTS = ('nova==34.0.0', 'openstack-placement==16.0.0',
                     '"SQLAlchemy<2.1"')
_NOVA_BINARIES = ('python', 'nova-manage', 'placement-manage')
_BINARIES = ('python', 'gunicorn', 'keystone-manage', 'glance-manage',
             'cinder-manage', 'cinder-scheduler', 'cinder-volume')
_REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]

cloud_name = config.cloud_name


def default_venv():
    """``$OSMIGCFG_CLOUDS_VENV``, else ``.venv-clouds`` at the repo root."""
    return pathlib.Path(os.environ.get(VENV_ENV)
                        or _REPO_ROOT / '.venv-clouds')


def find_venv(venv=None):
    """The clouds virtualenv, checked; SandboxError saying what to install."""
    venv = pathlib.Path(venv) if venv else default_venv()
    missing = [b for b in _BINARIES if not (venv / 'bin' / b).exists()]
    if missing:
        raise exceptions.SandboxError(
            f'local clouds virtualenv {venv} is missing '
            f'{", ".join(missing)}',
            hint=f'python3.11 -m venv {venv} && {venv}/bin/pip install '
                 f'{" ".join(REQUIREMENTS)}; or set {VENV_ENV}')
    return venv


def find_nova():
    """The prefix of the virtualenv running us, if it holds Nova 34.

    Nova and placement run from the project's own virtualenv (they need
    SQLAlchemy < 2.1, the services' virtualenv has 2.1).
    """
    prefix = pathlib.Path(sys.prefix)
    missing = [b for b in _NOVA_BINARIES if not (prefix / 'bin' / b).exists()]
    if missing:
        raise exceptions.SandboxError(
            f'Nova is not installed in {prefix} (missing '
            f'{", ".join(missing)})',
            hint=f'{prefix}/bin/pip install {" ".join(NOVA_REQUIREMENTS)}')
    return prefix


def missing_requirements(venv=None, provisioned=False):
    """Why the local clouds cannot start here ([] when they can).

    ``provisioned``: the virtualenv is left out (``provision``
    installs it when missing).
    """
    problems = []
    checks = [rabbit.find_rabbitmq, find_nova]
    if not provisioned:
        checks.insert(0, lambda: find_venv(venv))
    for check in checks:
        try:
            check()
        except exceptions.SandboxError as e:
            problems.append(str(e))
    return problems


class LocalClouds:
    """Several real local clouds and their broker (see the module doc)."""

    def __init__(self, names=('src', 'dst'), venv=None, workdir=None,
                 nova=True, computes=2, flavors=False):
        names = tuple(names)
        if len(set(names)) != len(names) or not all(
                re.fullmatch(r'[a-z][a-z0-9]{0,15}', n) for n in names):
            raise ValueError(f'cloud names must be distinct [a-z][a-z0-9]*: '
                             f'{names}')
        self.names = names
        self._venv = venv
        self.nova_prefix = find_nova() if nova else None
        if computes < 1:
            raise ValueError(f'computes must be at least 1: {computes}')
        self.computes = computes
        self.flavors = flavors
        self._workdir = pathlib.Path(workdir) if workdir else None
        self._own_workdir = workdir is None
        self.root = None
        self.clouds = {}
        self.broker = None
        self.startup_seconds = None
        self._started = False
        self._extra_entries = []
        self._lock = threading.Lock()

    # -- lifecycle --------------------------------------------------------
    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        """Start the broker and every cloud; return self when all answer.

        Raises SandboxError (everything started so far is stopped again).
        """
        begin = time.monotonic()
        venv = find_venv(self._venv)
        if self._workdir and self._workdir.exists() and any(
                self._workdir.iterdir()):
            raise exceptions.SandboxError(
                f'local clouds: workdir {self._workdir} is not empty',
                hint='give an empty or new directory')
        self.root = self._workdir or pathlib.Path(
            tempfile.mkdtemp(prefix='osmigcfg-clouds-'))
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        per_cloud = len(config.ALL_SERVICES)
        ports = proc.free_ports(3 + per_cloud * len(self.names))
        specs = self._specs(venv, ports[0], ports[3:])
        self._started = True
        atexit.register(self.stop)
        try:
            self.broker = rabbit.Broker(self.root / 'rabbitmq', *ports[:3])
            self.broker.start(config.render_rabbit_definitions(specs))
            self.clouds = {s.name: local_cloud.LocalCloud(s) for s in specs}
            self._build_databases()
            with concurrent.futures.ThreadPoolExecutor(len(specs)) as pool:
                list(pool.map(self._bring_up, self.clouds.values()))
            self._write_clouds_yaml()
        except BaseException:
            self.stop(keep_workdir=True)
            raise
        self.startup_seconds = round(time.monotonic() - begin, 1)
        LOG.info('local clouds %s up in %.1f s under %s',
                 ', '.join(self.names), self.startup_seconds, self.root)
        return self

    def _specs(self, venv, rabbit_port, ports):
        specs = []
        per_cloud = len(config.ALL_SERVICES)
        for i, name in enumerate(self.names):
            mine = ports[per_cloud * i:per_cloud * (i + 1)]
            specs.append(config.CloudSpec(
                name=name, root=self.root / name, venv=venv,
                nova_prefix=self.nova_prefix, computes=self.computes,
                ports=dict(zip(config.ALL_SERVICES, mine)),
                rabbit_port=rabbit_port,
                passwords={k: secrets.token_urlsafe(18) for k in
                           ('admin', 'demo', 'service', 'rabbit')}))
        return specs

    def _build_databases(self):
        """The first cloud builds the empty schemas, the others copy them."""
        first, *others = self.clouds.values()
        for cloud in self.clouds.values():
            cloud.write_config()
        first.timed('schemas', first.build_schemas)
        for cloud in others:
            cloud.timed('schemas', cloud.copy_schemas, first)

    def _bring_up(self, cloud):
        cloud.write_keys()
        cloud.timed('keystone bootstrap', cloud.bootstrap_keystone)
        cloud.start_apis()
        cloud.timed('broker', self.broker.wait)
        cloud.start_cinder()
        cloud.timed('apis answer', cloud.wait_apis)
        cloud.timed('register', cloud.register, cloud.admin_connection())
        cloud.start_nova()  # computes report to placement as nova at once
        admin = cloud.admin_connection()  # a new token sees the catalog
        cloud.timed('seed network', cloud.seed, admin)
        if self.flavors:
            cloud.timed('seed flavors', cloud.seed_nova, admin)
        cloud.timed('cinder ready', cloud.probe_cinder, admin)
        cloud.timed('computes ready', cloud.wait_computes)

    def stop(self, keep_workdir=False):
        """Stop every cloud and the broker; nothing started here survives."""
        if not self._started:
            return
        self._started = False
        atexit.unregister(self.stop)
        for cloud in self.clouds.values():
            cloud.stop()
        if self.broker is not None:
            self.broker.stop()
        if self._own_workdir and not keep_workdir and self.root:
            shutil.rmtree(self.root, ignore_errors=True)
        LOG.info('local clouds stopped')

    def detach(self):
        """Leave every process running and forget them (``sandbox up``).

        Returns ``[(label, ServiceProcess, stop_order)]``: stop order 0
        for the services, 1 for the broker, 2 for its epmd (the broker is
        stopped last: a nova-compute left reconnecting needs SIGKILL).
        """
        order = {'rabbitmq-server': 1, 'epmd': 2}
        procs = [(label, proc, order.get(label, 0))
                 for label, proc in self.processes().items()]
        self._started = False
        atexit.unregister(self.stop)
        return procs

    def _write_clouds_yaml(self):
        specs = [c.spec for c in self.clouds.values()]
        files.write_atomic(
            self.clouds_yaml,
            config.render_clouds_yaml(specs, self._extra_entries),
            mode=0o600)

    # -- use --------------------------------------------------------------
    def add_project(self, cloud, project, role='member'):
        """Create ``project`` with a user holding ``role`` in it.

        The user is named after the project; clouds.yaml gains the entry
        ``<cloud>-<project>`` (returned), usable with ``connect`` and
        ``--os-cloud``.  Tests use this to work in a project of their own.
        """
        self.connect(cloud, admin=True).identity.create_project(
            name=project, domain_id='default')
        return self.add_user(cloud, project, role, project=project)

    def add_user(self, cloud, user, role, project=config.DEMO_PROJECT):
        """Create ``user`` holding ``role`` on an existing ``project``.

        clouds.yaml gains the entry ``<cloud>-<user>`` (returned); tests
        use it for a second persona (a reader) on the demo project.
        """
        spec = self.clouds[cloud].spec
        admin = self.connect(cloud, admin=True)
        password = secrets.token_urlsafe(18)
        proj = admin.identity.find_project(project, ignore_missing=False)
        made = admin.identity.create_user(
            name=user, password=password, domain_id='default',
            default_project_id=proj.id)
        admin.identity.assign_project_role_to_user(
            proj, made, admin.identity.find_role(role, ignore_missing=False))
        entry = f'{cloud}-{user}'
        with self._lock:
            self._extra_entries.append((entry, spec, user, project,
                                        password))
            self._write_clouds_yaml()
        return entry

    @property
    def clouds_yaml(self):
        """Path of the clouds.yaml naming ``<cloud>`` and ``<cloud>-admin``."""
        return self.root / 'clouds.yaml'

    def env(self):
        """Environment variables pointing openstack clients at our clouds."""
        return {'OS_CLIENT_CONFIG_FILE': str(self.clouds_yaml)}

    def cloud_config(self, cloud, admin=False):
        """The openstacksdk CloudRegion of a cloud or clouds.yaml entry.

        ``cloud`` is a local cloud's name (then ``admin`` picks the admin
        or the demo member) or any entry of our clouds.yaml.
        """
        entry = cloud_name(cloud, admin) if cloud in self.clouds else cloud
        config = openstack.config.loader.OpenStackConfig(
            config_files=[str(self.clouds_yaml)], vendor_files=[],
            secure_files=[])
        return config.get_one(cloud=entry)

    def connect(self, cloud, admin=False):
        """An openstacksdk Connection (see ``cloud_config`` for ``cloud``)."""
        return openstack.connection.Connection(
            config=self.cloud_config(cloud, admin))

    # -- policy and roles, changed while the clouds run -------------------
    def set_nova_policy(self, cloud, text=None):
        """Make nova-api of ``cloud`` enforce ``text`` (policy YAML).

        ``None`` restores Nova's defaults.  oslo.policy reads the file
        again at the next request that checks a rule (it compares the
        file's modification time): no restart.
        """
        files.write_atomic(nova_config.policy_file(self.clouds[cloud].spec),
                           text or nova_config.DEFAULT_POLICY, mode=0o600)

    @contextlib.contextmanager
    def roles_taken(self, cloud, user, roles, project='service'):
        """Take ``roles`` from ``user`` on ``project`` for a ``with`` block.

        The roles the user held are given back afterwards, whatever the
        block did.  Each change is followed by a wait of
        :data:`config.TOKEN_CACHE_SECONDS` + 1 s: the APIs cache a token's
        roles that long.  Keystone revokes the user's tokens when a role is
        taken, so the service asks for a new token with the roles left.
        """
        idn = self.connect(cloud, admin=True).identity
        who = idn.find_user(user, ignore_missing=False)
        where = idn.find_project(project, ignore_missing=False)
        taken = []
        try:
            for name in roles:
                role = idn.find_role(name, ignore_missing=False)
                if idn.validate_user_has_project_role(where, who, role):
                    idn.unassign_project_role_from_user(where, who, role)
                    taken.append(role)
            time.sleep(config.TOKEN_CACHE_SECONDS + 1)
            yield [r.name for r in taken]
        finally:
            for role in taken:
                idn.assign_project_role_to_user(where, who, role)
            if taken:
                time.sleep(config.TOKEN_CACHE_SECONDS + 1)

    @contextlib.contextmanager
    def nova_option(self, cloud, section, key, value):
        """Set one option of Nova's configuration for a ``with`` block.

        It is written into nova.conf and every compute's file, and the
        computes are restarted (they make the calls to the other services
        during moves); afterwards the files are restored and the computes
        restarted again.  nova-api, conductor and scheduler keep running
        with the old value.  The computes must hold no servers: the fake
        driver forgets them.
        """
        c = self.clouds[cloud]
        paths = [c.spec.etc('nova') / 'nova.conf'] + [
            c.spec.etc('nova') / f'{host}.conf'
            for host in c.spec.compute_hosts()]
        saved = {p: p.read_text() for p in paths}
        try:
            for path, text in saved.items():
                files.write_atomic(path, nova_config.with_option(
                    text, section, key, value), mode=0o600)
            nova.restart_computes(c)
            yield
        finally:
            for path, text in saved.items():
                files.write_atomic(path, text, mode=0o600)
            nova.restart_computes(c)

    # -- the servers' disks (the fake virt driver keeps one file each) --
    def disk_path(self, cloud, server_id):
        """The file holding a server's disk on ``cloud``."""
        if not re.fullmatch(r'[0-9a-f-]{36}', server_id):
            raise ValueError(f'not a server id: {server_id!r}')
        return self.clouds[cloud].spec.disks / server_id

    def read_disk(self, cloud, server_id, offset=0, size=-1):
        """Bytes of a server's disk (SandboxError when it has none)."""
        try:
            with open(self.disk_path(cloud, server_id), 'rb') as f:
                f.seek(offset)
                return f.read(size)
        except FileNotFoundError:
            raise exceptions.SandboxError(
                f'server {server_id} has no disk on {cloud}') from None

    def write_disk(self, cloud, server_id, data, offset=0):
        """Write ``data`` into a server's disk at ``offset``."""
        try:
            with open(self.disk_path(cloud, server_id), 'r+b') as f:
                f.seek(offset)
                f.write(data)
        except FileNotFoundError:
            raise exceptions.SandboxError(
                f'server {server_id} has no disk on {cloud}') from None

    def processes(self):
        """``{label: ServiceProcess}`` of everything running."""
        procs = {}
        for cloud in self.clouds.values():
            for name, service in cloud.services.items():
                procs[f'{cloud.spec.name} {name}'] = service
        if self.broker is not None:
            for service in self.broker.processes():
                procs[service.name] = service
        return procs

    def stats(self):
        """Startup seconds, per-cloud step timings and RSS per process (MB)."""
        rss = {label: round(p.rss_kb() / 1024)
               for label, p in self.processes().items()}
        return {
            'startup_seconds': self.startup_seconds,
            'timings': {n: dict(c.timings) for n, c in self.clouds.items()},
            'rss_mb': rss,
            'rss_total_mb': sum(rss.values()),
        }
