"""Placement and Nova of one local cloud: databases, processes, readiness.

The steps :class:`~local_cloud.LocalCloud` runs for the services of the
project's virtualenv (see ``nova_config`` for their wiring):

* ``build_schemas``: ``placement-manage db sync`` and Nova's cells v2
  chain (``api_db sync``, ``cell_v2 map_cell0``, ``cell_v2 create_cell``,
  ``db sync``); ``copy_schemas`` lets another cloud reuse them, pointing
  the cell mappings at its own files and broker;
* ``start_apis`` (placement, serving one request at a time: on sqlite
  parallel allocation writes deadlock; nova-api), ``start_daemons``
  (conductor, scheduler) and ``start_computes``;
* ``wait_computes``: every compute mapped to the cell (the scheduler
  discovers hosts every 2 s) and known to placement, read from the
  databases;
* ``seed``: public flavors.
"""

import contextlib
import datetime
import shutil
import sqlite3
import time

from osmigcfg import exceptions
from osmigcfg.sandbox.clouds import nova_config as nc
from osmigcfg.sandbox.clouds import proc

NOVA_DBS = ('nova_api', 'nova_cell0', 'nova_cell1', 'placement')
#: the flavors every cloud gets: name -> (vcpus, ram MB, disk GB)
FLAVORS = {'m1.tiny': (1, 512, 1), 'm1.small': (1, 2048, 2),
           'm1.medium': (2, 4096, 4)}
NOVA_ENV = {'OS_NOVA_DISABLE_EVENTLET_PATCHING': '1'}


def _bin(cloud, name):
    return str(cloud.spec.nova_prefix / 'bin' / name)


def _conf(cloud, name='nova.conf'):
    return str(cloud.spec.etc('nova') / name)


def _manage(cloud, label, *args):
    cloud.step_with(f'nova {label}', [_bin(cloud, 'nova-manage'),
                                      '--config-file', _conf(cloud), *args],
                    **NOVA_ENV)


def build_schemas(cloud):
    """placement's and Nova's databases (the cells v2 steps, in order)."""
    cloud.step_with('placement db sync', [
        _bin(cloud, 'placement-manage'), '--config-file',
        str(cloud.spec.etc('placement') / 'placement.conf'), 'db', 'sync'])
    _manage(cloud, 'api_db sync', 'api_db', 'sync')
    _manage(cloud, 'map_cell0', 'cell_v2', 'map_cell0',
            '--database_connection', nc.nova_db_url(cloud.spec, 'cell0'))
    _manage(cloud, 'create_cell', 'cell_v2', 'create_cell', '--name',
            'cell1')
    _manage(cloud, 'db sync', 'db', 'sync')


def db_files(spec):
    return [spec.root / f'{name}.db' for name in NOVA_DBS]


def adopt_schemas(cloud, template):
    """After copying ``template``'s files: point the cells at ours."""
    with contextlib.closing(sqlite3.connect(
            cloud.spec.root / 'nova_api.db')) as db, db:
        db.execute("UPDATE cell_mappings SET database_connection = ? "
                   "WHERE name = 'cell0'",
                   (nc.nova_db_url(cloud.spec, 'cell0'),))
        db.execute("UPDATE cell_mappings SET database_connection = ?, "
                   "transport_url = ? WHERE name = 'cell1'",
                   (nc.nova_db_url(cloud.spec, 'cell1'),
                    cloud.spec.nova_transport_url))


def _wsgi(cloud, service, app, threads, **env):
    spec = cloud.spec
    return proc.ServiceProcess(
        f'{spec.name} {service}-api',
        [_bin(cloud, 'python'), '-m', 'wsgi_serve',
         str(spec.ports[service]), str(threads)],
        cloud.env(OSMIGCFG_WSGI_APP=app,
                  OSMIGCFG_PRELOAD=cloud.SQLITE_PRELOAD, **NOVA_ENV, **env),
        cloud.log_dir / f'{service}-api.log').start()


def start_apis(cloud):
    """placement (one request at a time) and nova-api.

    nova-api loads its paste pipeline from the first of its config files,
    so the shipped ``api-paste.ini`` is copied next to nova.conf.
    """
    shutil.copyfile(cloud.spec.nova_prefix / 'etc' / 'nova' / 'api-paste.ini',
                    cloud.spec.etc('nova') / 'api-paste.ini')
    cloud.services['placement'] = _wsgi(
        cloud, 'placement', 'placement.wsgi.api:application', 1,
        OS_PLACEMENT_CONFIG_DIR=str(cloud.spec.etc('placement')))
    cloud.services['nova'] = _wsgi(
        cloud, 'nova', 'nova.wsgi.osapi_compute:application', 4,
        OS_NOVA_CONFIG_DIR=str(cloud.spec.etc('nova')),
        OS_NOVA_CONFIG_FILES='api-paste.ini;nova.conf')


def _daemon(cloud, label, entry, conf, preload, **env):
    return proc.ServiceProcess(
        f'{cloud.spec.name} {label}',
        [_bin(cloud, 'python'), '-m', 'launch', label.split()[0], entry,
         '--config-file', conf],
        cloud.env(OSMIGCFG_PRELOAD=preload, **NOVA_ENV, **env),
        cloud.log_dir / f'{label.replace(" ", "-")}.log').start()


def start_daemons(cloud):
    """nova-conductor and nova-scheduler (they need the broker)."""
    for name in ('conductor', 'scheduler'):
        cloud.services[f'nova-{name}'] = _daemon(
            cloud, f'nova-{name}', f'nova.cmd.{name}:main', _conf(cloud),
            cloud.SQLITE_PRELOAD)


def start_computes(cloud):
    """One nova-compute per host (they need keystone's nova user)."""
    cloud.spec.disks.mkdir(parents=True, exist_ok=True, mode=0o700)
    for host in cloud.spec.compute_hosts():
        # Nova keeps the node's uuid in <state_path>/compute_id
        (cloud.spec.root / 'state' / 'nova' / host).mkdir(
            parents=True, exist_ok=True, mode=0o700)
        cloud.services[host] = _daemon(
            cloud, f'nova-compute {host}', 'nova.cmd.compute:main',
            _conf(cloud, f'{host}.conf'), 'nova_virt_path',
            OSMIGCFG_DISKS=str(cloud.spec.disks))


def restart_computes(cloud, timeout=180):
    """Restart every nova-compute of ``cloud`` and wait until each reports
    to the database twice (so it reads a changed config).

    The first report of a new process comes early in its start; the
    second is the periodic one, after its RPC server has started.  The
    fake driver forgets its servers: restart only hosts without any.
    """
    hosts = list(cloud.spec.compute_hosts())
    for host in hosts:
        cloud.services[host].stop()
    # only reports of the new processes count
    since = datetime.datetime.now(datetime.timezone.utc).strftime(
        '%Y-%m-%d %H:%M:%S.%f')
    for host in hosts:
        cloud.services[host].start()
    deadline = time.monotonic() + timeout
    sql = ("SELECT host || ' ' || updated_at FROM services WHERE "
           f"binary = 'nova-compute' AND deleted = 0 AND updated_at > "
           f"'{since}'")
    seen = {}
    while True:
        cloud.check_alive()
        for row in _column(cloud.spec.root / 'nova_cell1.db', sql):
            host, _, stamp = row.partition(' ')
            seen.setdefault(host, set()).add(stamp)
        if all(len(seen.get(h, ())) >= 2 for h in hosts):
            return
        if time.monotonic() > deadline:
            raise exceptions.SandboxError(
                f'local clouds: {cloud.spec.name}: restarted computes did '
                f'not report within {timeout} s',
                hint=f'see {cloud.log_dir}')
        time.sleep(0.5)


def _column(path, sql):
    try:
        with contextlib.closing(sqlite3.connect(
                f'file:{path}?mode=ro', uri=True, timeout=5)) as db:
            return {row[0] for row in db.execute(sql)}
    except sqlite3.Error:
        return set()


def wait_computes(cloud, timeout=120):
    """Until every compute is mapped to cell1 and is a placement provider."""
    spec = cloud.spec
    wanted = set(spec.compute_hosts())
    deadline = time.monotonic() + timeout
    while True:
        cloud.check_alive()
        mapped = _column(spec.root / 'nova_api.db',
                         'SELECT host FROM host_mappings')
        providers = _column(spec.root / 'placement.db',
                            'SELECT name FROM resource_providers')
        if wanted <= mapped and wanted <= providers:
            return
        if time.monotonic() > deadline:
            raise exceptions.SandboxError(
                f'local clouds: {spec.name}: computes '
                f'{", ".join(sorted(wanted - (mapped & providers)))} '
                f'not ready after {timeout} s',
                hint=f'see {cloud.log_dir}')
        time.sleep(0.5)


def seed(conn):
    """The public flavors of :data:`FLAVORS`."""
    for name, (vcpus, ram, disk) in FLAVORS.items():
        conn.compute.create_flavor(name=name, vcpus=vcpus, ram=ram,
                                   disk=disk, is_public=True)
