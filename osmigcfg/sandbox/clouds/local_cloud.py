"""One local cloud: configure, build databases, start, register, seed.

:class:`LocalCloud` drives one :class:`~config.CloudSpec` through
its life: write the config files, build the four databases (keystone's
chain and the other three in parallel), start the services (gunicorn for
the APIs, cinder-scheduler and cinder-volume on the broker), register
service users, catalog and a ``demo`` project in keystone, create the
external ``public`` network, and prove cinder can create a volume.
"""

import concurrent.futures
import contextlib
import json
import os
import shutil
import sqlite3
import threading
import time
import uuid

from cryptography import fernet

import openstack.connection
import openstack.exceptions

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg.sandbox.clouds import config as cc
from osmigcfg.sandbox.clouds import nova
from osmigcfg.sandbox.clouds import nova_config
from osmigcfg.sandbox.clouds import proc

SHIMS_DIR = os.path.join(os.path.dirname(__file__), 'service_shims')
CINDER_DAEMONS = {'cinder-scheduler': 'cinder.cmd.scheduler:main',
                  'cinder-volume': 'cinder.cmd.volume:main'}
#: Every service's API threads (and cinder's three processes) share one
#: sqlite file per service: transactions take the write lock at BEGIN
#: (see sqlite_immediate), or concurrent writers fail "database is locked".
SQLITE_PRELOAD = 'sqlite_immediate'
#: neutron's migration-seeded default security group rule templates
DEFAULT_SG_RULES = [
    {'direction': direction, 'ethertype': ethertype,
     'used_in_default_sg': True, 'used_in_non_default_sg': egress,
     **({} if egress else {'remote_group_id': 'PARENT'})}
    for direction, egress in (('egress', True), ('ingress', False))
    for ethertype in ('IPv4', 'IPv6')]
WSGI_APPS = {
    'keystone': 'keystone.wsgi.api:application',
    'glance': 'glance.wsgi.api:application',
    'neutron': 'neutron.wsgi.api:application',
    'cinder': 'cinder.wsgi.api:application',
}


class LocalCloud:
    """One cloud's processes and setup steps (see the module docstring)."""

    SQLITE_PRELOAD = SQLITE_PRELOAD

    def __init__(self, spec):
        self.spec = spec
        self.services = {}
        self.timings = {}
        self.secrets = tuple(spec.passwords.values())
        self.log_dir = spec.root / 'log'

    # -- helpers --------------------------------------------------------
    def _bin(self, name):
        return str(self.spec.venv / 'bin' / name)

    def _env(self, **extra):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(('OS_', 'PYTHON', 'VIRTUAL_ENV'))}
        env.update(PYTHONPATH=SHIMS_DIR, PYTHONWARNINGS='ignore',
                   PYTHONDONTWRITEBYTECODE='1', **extra)
        return env

    env = _env

    def _conf(self, service, name=None):
        return str(self.spec.etc(service) / (name or f'{service}.conf'))

    def _step(self, name, argv, **env):
        proc.run_step(f'{self.spec.name} {name}', argv, self._env(**env),
                      self.log_dir / f'setup-{name.split()[0]}.log',
                      secrets=self.secrets)

    step_with = _step

    def timed(self, label, func, *args):
        """Run ``func(*args)``, recording its duration under ``label``."""
        start = time.monotonic()
        result = func(*args)
        self.timings[label] = round(time.monotonic() - start, 2)
        return result

    # -- configuration and databases -----------------------------------
    def write_config(self):
        """Create the directory tree and write every config file (0600)."""
        for sub in ('log', 'state/keystone/fernet-keys',
                    'state/keystone/credential-keys'):
            (self.spec.root / sub).mkdir(parents=True, exist_ok=True,
                                         mode=0o700)
        for path, text in {**cc.config_files(self.spec),
                           **nova_config.config_files(self.spec)
                           }.items():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            files.write_atomic(path, text, mode=0o600)

    def _keystone_db(self):
        self._step('keystone db_sync', [self._bin('keystone-manage'),
                                        '--config-file',
                                        self._conf('keystone'), 'db_sync'])

    def _glance_db(self):
        self._step('glance db_sync', [self._bin('glance-manage'),
                                      '--config-file', self._conf(
                                          'glance', 'glance-api.conf'),
                                      'db_sync'])

    def _cinder_db(self):
        self._step('cinder db sync', [self._bin('cinder-manage'),
                                      '--config-file', self._conf('cinder'),
                                      'db', 'sync'])

    def _neutron_db(self):
        self._step('neutron schema', [
            self._bin('python'), '-m', 'neutron_schema',
            self._conf('neutron'), self._conf('neutron', 'ml2_conf.ini')])

    def build_schemas(self):
        """Build the four (empty) databases in parallel, in WAL mode."""
        steps = {'keystone': self._keystone_db, 'glance': self._glance_db,
                 'cinder': self._cinder_db, 'neutron': self._neutron_db}
        if self.spec.nova_prefix:
            steps['nova'] = lambda: nova.build_schemas(self)
        with concurrent.futures.ThreadPoolExecutor(len(steps)) as pool:
            futures = [pool.submit(self.timed, f'db {name}', step)
                       for name, step in steps.items()]
            for future in futures:
                future.result()
        for path in self._db_files():
            # api, scheduler and volume share cinder's file: WAL avoids locks
            with contextlib.closing(sqlite3.connect(path)) as db:
                db.execute('PRAGMA journal_mode=WAL')

    def _db_files(self):
        own = [self.spec.root / f'{service}.db' for service in cc.SERVICES]
        if self.spec.nova_prefix:
            own += nova.db_files(self.spec)
        return own

    def copy_schemas(self, template):
        """Copy the empty databases another cloud built (saves ~15 s).

        The databases hold no cloud-specific data before keystone's
        bootstrap, except cinder's ``__DEFAULT__`` volume type, which gets
        a fresh ID so the clouds stay distinguishable.
        """
        for path in self._db_files():
            shutil.copyfile(template.spec.root / path.name, path)
        if self.spec.nova_prefix:
            nova.adopt_schemas(self, template)
        with contextlib.closing(sqlite3.connect(
                self.spec.root / 'cinder.db')) as db, db:
            db.execute("UPDATE volume_types SET id = ? "
                       "WHERE name = '__DEFAULT__'", (str(uuid.uuid4()),))

    def write_keys(self):
        """Fernet token and credential keys, as ``fernet_setup`` makes them."""
        keys = self.spec.root / 'state' / 'keystone'
        for repo in ('fernet-keys', 'credential-keys'):
            for index in ('0', '1'):  # 0 is the staged key, 1 the primary
                files.write_atomic(keys / repo / index,
                                   fernet.Fernet.generate_key().decode(),
                                   mode=0o600)

    def bootstrap_keystone(self):
        """``keystone-manage bootstrap``: admin, roles, identity endpoint."""
        url = self.spec.auth_url
        self._step('keystone bootstrap', [
            self._bin('keystone-manage'), '--config-file',
            self._conf('keystone'), 'bootstrap', '--bootstrap-admin-url', url,
            '--bootstrap-public-url', url, '--bootstrap-internal-url', url,
            '--bootstrap-region-id', cc.REGION],
            OS_BOOTSTRAP_PASSWORD=self.spec.passwords['admin'])

    # -- services ---------------------------------------------------------
    def _gunicorn(self, service, **env):
        argv = [self._bin('gunicorn'), '-k', 'gthread', '-w', '1',
                '--threads', '4', '--no-control-socket', '--timeout', '300',
                '--graceful-timeout', '3', '-b',
                f'127.0.0.1:{self.spec.ports[service]}',
                'wsgi_shim:application']
        return proc.ServiceProcess(
            f'{self.spec.name} {service}-api', argv,
            self._env(OSMIGCFG_WSGI_APP=WSGI_APPS[service],
                      OSMIGCFG_PRELOAD=SQLITE_PRELOAD, **env),
            self.log_dir / f'{service}-api.log').start()

    def start_apis(self):
        """Start keystone, glance, neutron, placement and nova-api."""
        etc = self.spec.etc
        self.services['keystone'] = self._gunicorn(
            'keystone', OS_KEYSTONE_CONFIG_DIR=str(etc('keystone')),
            OS_KEYSTONE_CONFIG_FILES='keystone.conf')
        self.services['glance'] = self._gunicorn(
            'glance', OS_GLANCE_CONFIG_DIR=str(etc('glance')))
        self.services['neutron'] = self._gunicorn(
            'neutron', OS_NEUTRON_CONFIG_DIR=str(etc('neutron')),
            OS_NEUTRON_CONFIG_FILES='neutron.conf;ml2_conf.ini')
        if self.spec.nova_prefix:
            nova.start_apis(self)

    def start_cinder(self):
        """Start cinder's API, scheduler and volume (they need the broker)."""
        conf = ['--config-file', self._conf('cinder')]
        self.services['cinder'] = self._gunicorn(
            'cinder', OSMIGCFG_WSGI_ARGV=json.dumps(conf))
        for daemon, entry in CINDER_DAEMONS.items():
            self.services[daemon] = proc.ServiceProcess(
                f'{self.spec.name} {daemon}',
                [self._bin('python'), '-m', 'launch', daemon, entry, *conf],
                self._env(OSMIGCFG_PRELOAD=SQLITE_PRELOAD),
                self.log_dir / f'{daemon}.log').start()

    def start_nova(self):
        """Nova's conductor and scheduler (need the broker), computes."""
        if self.spec.nova_prefix:
            nova.start_daemons(self)
            nova.start_computes(self)

    def wait_computes(self):
        """Until every nova-compute can take servers (no-op without Nova)."""
        if self.spec.nova_prefix:
            nova.wait_computes(self)

    def wait_apis(self, timeout=180):
        """Wait until every API answers HTTP."""
        procs = list(self.services.values())
        for service in self.spec.services:
            proc.wait_http(self.spec.url(service), procs, timeout,
                           self.secrets)

    def check_alive(self):
        for service in self.services.values():
            service.check_alive(self.secrets)

    def stop(self):
        """Stop every service of this cloud (in parallel)."""
        # plain threads: an executor refuses work at interpreter exit,
        # where the atexit hook of LocalClouds may call this
        threads = [threading.Thread(target=p.stop, daemon=True)
                   for p in self.services.values() if p is not None]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    # -- keystone contents and seed resources ------------------------------
    def admin_connection(self):
        """An openstacksdk connection as this cloud's admin."""
        return openstack.connection.Connection(
            auth_url=self.spec.auth_url, username='admin',
            password=self.spec.passwords['admin'], project_name='admin',
            user_domain_name='Default', project_domain_name='Default',
            region_name=cc.REGION, identity_api_version='3',
            interface='public')

    def register(self, conn):
        """Service users, the catalog, and the ``demo`` project and user."""
        idn = conn.identity
        roles = {r.name: r for r in idn.roles()}
        service_project = idn.create_project(name='service',
                                             domain_id='default')
        for name, (stype, path) in self.spec.catalog.items():
            user = idn.create_user(
                name=name, password=self.spec.passwords['service'],
                domain_id='default', default_project_id=service_project.id)
            for role in ('admin', 'service'):
                if role in roles:
                    idn.assign_project_role_to_user(
                        service_project, user, roles[role])
            service = idn.create_service(name=name, type=stype)
            idn.create_endpoint(service_id=service.id, interface='public',
                                url=self.spec.url(name) + path,
                                region_id=cc.REGION)
        demo = idn.create_project(name=cc.DEMO_PROJECT, domain_id='default')
        user = idn.create_user(
            name=cc.DEMO_USER, password=self.spec.passwords['demo'],
            domain_id='default', default_project_id=demo.id)
        idn.assign_project_role_to_user(demo, user, roles['member'])

    def seed(self, conn):
        """The external ``public`` network, and neutron's default SG rules.

        The rules templates (egress for every group, ingress from itself
        for ``default``) are rows a data migration inserts; building the
        schema from the models skips it, so they are created here.
        """
        for rule in DEFAULT_SG_RULES:
            response = conn.network.post('/default-security-group-rules',
                                         json={'default_security_group_rule':
                                               rule})
            if response.status_code >= 400:
                raise exceptions.SandboxError(
                    f'local clouds: {self.spec.name}: cannot create the '
                    f'default security group rules: {response.text[:200]}')
        net = conn.network.create_network(
            name=cc.PUBLIC_NETWORK, is_router_external=True,
            provider_network_type='flat',
            provider_physical_network=cc.PUBLIC_NETWORK)
        conn.network.create_subnet(
            network_id=net.id, name=f'{cc.PUBLIC_NETWORK}-subnet',
            ip_version=4, cidr=cc.PUBLIC_CIDR, is_dhcp_enabled=False)

    def seed_nova(self, conn):
        """Public flavors (no-op without Nova)."""
        if self.spec.nova_prefix:
            nova.seed(conn)

    def probe_cinder(self, conn, timeout=120):
        """Create and delete a volume: cinder is ready only when that works.

        Until cinder-volume has reported its capabilities the scheduler
        puts new volumes in ``error``; those are deleted and retried.
        """
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            volume = conn.block_storage.create_volume(size=1, name='probe')
            try:
                conn.block_storage.wait_for_status(
                    volume, status='available', failures=['error'],
                    interval=0.2, wait=timeout)
                conn.block_storage.delete_volume(volume)
                return
            except openstack.exceptions.ResourceFailure:
                conn.block_storage.delete_volume(volume, ignore_missing=True)
            except openstack.exceptions.ResourceTimeout:
                pass
            if time.monotonic() > deadline:
                raise exceptions.SandboxError(
                    f'local clouds: cinder of {self.spec.name} cannot '
                    'create volumes', hint=f'see {self.log_dir}')
            time.sleep(1)
