"""What the local clouds look like on disk: a layout and pure renderers.

A :class:`CloudSpec` names one cloud's ports, directories and generated
passwords; the ``render_*`` functions turn it into the text of each
service's configuration file, RabbitMQ's definitions and the clouds.yaml
the tests use.  Nothing here touches the disk or the network; the
passwords are random per run and stay out of ``repr`` and logs.
"""

import dataclasses
import json
import pathlib

import yaml

SERVICES = ('keystone', 'glance', 'neutron', 'cinder')
#: the services of the project's own virtualenv (Nova needs SQLAlchemy<2.1)
NOVA_SERVICES = ('placement', 'nova')
ALL_SERVICES = SERVICES + NOVA_SERVICES
REGION = 'RegionOne'
DEMO_PROJECT = 'demo'
DEMO_USER = 'demo'
#: name -> (service type, path after host:port) registered in the catalog.
CATALOG = {
    'glance': ('image', ''),
    'neutron': ('network', ''),
    'cinder': ('block-storage', '/v3/%(project_id)s'),
    'placement': ('placement', ''),
    'nova': ('compute', '/v2.1'),
}
#: the admin-created external network every cloud gets, for FIPs/gateways.
PUBLIC_NETWORK = 'public'
PUBLIC_CIDR = '172.24.4.0/24'
#: keystonemiddleware caches a token's validation (its roles) this long;
#: its default, 300 s, would leave a role change unseen for minutes
TOKEN_CACHE_SECONDS = 5


@dataclasses.dataclass(frozen=True)
class CloudSpec:
    """One local cloud: name, ports, directories and its passwords."""

    name: str
    root: pathlib.Path
    venv: pathlib.Path
    ports: dict
    rabbit_port: int
    passwords: dict = dataclasses.field(repr=False)
    #: prefix of the virtualenv holding Nova 34 and placement 16
    nova_prefix: pathlib.Path = None
    computes: int = 2

    @property
    def services(self):
        """The API services this cloud runs (Nova's only with a prefix)."""
        return ALL_SERVICES if self.nova_prefix else SERVICES

    @property
    def catalog(self):
        """``{service: (type, path)}`` of the services this cloud runs."""
        return {k: v for k, v in CATALOG.items() if k in self.services}

    def compute_hosts(self):
        """The nova-compute hosts: ``<cloud>-compute1`` ..."""
        return [f'{self.name}-compute{i + 1}' for i in range(self.computes)]

    def url(self, service):
        return f'http://127.0.0.1:{self.ports[service]}'

    @property
    def auth_url(self):
        return self.url('keystone') + '/v3'

    @property
    def transport_url(self):
        """Cinder's RPC: the vhost named after the cloud."""
        return (f'rabbit://{self.name}:{self.passwords["rabbit"]}'
                f'@127.0.0.1:{self.rabbit_port}/{self.name}')

    @property
    def nova_transport_url(self):
        """Nova's RPC: a vhost of its own, ``<cloud>-nova``."""
        return self.transport_url + '-nova'

    @property
    def disks(self):
        """The directory of the fake servers' disks (shared by computes)."""
        return self.root / 'state' / 'disks'

    def db_url(self, service):
        # API threads (and cinder's three processes) share one sqlite file:
        # wait up to 30 s for its write lock instead of sqlite's 5 s
        return f'sqlite:///{self.root / (service + ".db")}?timeout=30'

    def etc(self, service):
        """The directory of a service's configuration files."""
        return self.root / 'etc' / service

    def shipped(self, service, name):
        """A file the service's wheel ships under ``<venv>/etc/<svc>/``."""
        return self.venv / 'etc' / service / name


def render_ini(sections):
    """Render ``{section: {option: value}}`` as oslo.config INI text."""
    lines = []
    for section, options in sections.items():
        lines.append(f'[{section}]')
        for key, value in options.items():
            if isinstance(value, bool):
                value = 'true' if value else 'false'
            lines.append(f'{key} = {value}')
        lines.append('')
    return '\n'.join(lines)


def _authtoken(spec, service):
    return {
        'www_authenticate_uri': spec.auth_url,
        'auth_url': spec.auth_url,
        'auth_type': 'password',
        'user_domain_name': 'Default',
        'project_domain_name': 'Default',
        'project_name': 'service',
        'username': service,
        'password': spec.passwords['service'],
        # as kolla: a service token must carry the ``service`` role
        'service_token_roles_required': True,
        'token_cache_time': TOKEN_CACHE_SECONDS,
    }


def _service_auth(spec, service):
    """A keystoneauth password section for ``service``'s own user."""
    auth = _authtoken(spec, service)
    auth.pop('www_authenticate_uri')
    auth.pop('service_token_roles_required')
    auth.pop('token_cache_time')
    auth['region_name'] = REGION
    return auth


def _locks(spec, service):
    return {'lock_path': spec.root / 'state' / service / 'locks'}


def render_keystone(spec):
    """keystone.conf: sqlite, fernet, in-process cache, cheap bcrypt."""
    keys = spec.root / 'state' / 'keystone'
    return render_ini({
        'DEFAULT': {'use_stderr': True},
        'database': {'connection': spec.db_url('keystone')},
        'token': {'provider': 'fernet'},
        'fernet_tokens': {'key_repository': keys / 'fernet-keys'},
        'fernet_receipts': {'key_repository': keys / 'fernet-keys'},
        'credential': {'key_repository': keys / 'credential-keys'},
        # one worker, so a per-process dict cache is coherent: 250 -> 15 ms
        'cache': {'enabled': True, 'backend': 'oslo_cache.dict'},
        # bcrypt's default 12 rounds cost ~0.3 s per token
        'identity': {'password_hash_rounds': 4},
    })


def render_glance(spec):
    """glance-api.conf: sqlite and a ``file`` store under the cloud root."""
    state = spec.root / 'state' / 'glance'
    return render_ini({
        'DEFAULT': {'enabled_backends': 'fs:file', 'use_stderr': True},
        'database': {'connection': spec.db_url('glance')},
        'keystone_authtoken': _authtoken(spec, 'glance'),
        'paste_deploy': {
            'flavor': 'keystone',
            'config_file': spec.shipped('glance', 'glance-api-paste.ini')},
        'glance_store': {'default_backend': 'fs'},
        'fs': {'filesystem_store_datadir': state / 'images'},
        'os_glance_staging_store': {
            'filesystem_store_datadir': state / 'staging'},
        'os_glance_tasks_store': {
            'filesystem_store_datadir': state / 'tasks'},
        'oslo_concurrency': _locks(spec, 'glance'),
    })


def render_neutron(spec):
    """neutron.conf: ML2 + router plugin, no agents, no message bus."""
    return render_ini({
        'DEFAULT': {
            'core_plugin': 'ml2',
            'service_plugins': 'router',
            'auth_strategy': 'keystone',
            'transport_url': 'fake:/',
            'api_paste_config': spec.shipped('neutron', 'api-paste.ini'),
            # Nova waits for network-vif-plugged on moves; Neutron batches
            # its events (default every 2 s), which is most of a live
            # migration's duration here
            'notify_nova_on_port_status_changes': bool(spec.nova_prefix),
            'notify_nova_on_port_data_changes': bool(spec.nova_prefix),
            'send_events_interval': 1 if spec.nova_prefix else 2,
            'state_path': spec.root / 'state' / 'neutron',
            'use_stderr': True,
        },
        'database': {'connection': spec.db_url('neutron')},
        'keystone_authtoken': _authtoken(spec, 'neutron'),
        'nova': _service_auth(spec, 'neutron'),
        'oslo_concurrency': _locks(spec, 'neutron'),
    })


def render_ml2(spec):
    """ml2_conf.ini: vxlan tenant networks, a flat ``public`` physnet."""
    return render_ini({
        'ml2': {
            'type_drivers': 'flat,vxlan',
            'tenant_network_types': 'vxlan',
            # ours (service_shims/osmigcfg_ml2.py): binds any host, as an
            # agent would; without Nova, no driver (ports stay unbound)
            'mechanism_drivers':
                'osmigcfg_any_host' if spec.nova_prefix else '',
            'extension_drivers': 'port_security',
        },
        'ml2_type_vxlan': {'vni_ranges': '1:1000'},
        'ml2_type_flat': {'flat_networks': PUBLIC_NETWORK},
    })


def render_cinder(spec):
    """cinder.conf: RabbitMQ vhost of this cloud, one file-backed backend."""
    state = spec.root / 'state' / 'cinder'
    return render_ini({
        'DEFAULT': {
            'auth_strategy': 'keystone',
            'transport_url': spec.transport_url,
            'api_paste_config': spec.shipped('cinder', 'api-paste.ini'),
            'resource_query_filters_file':
                spec.shipped('cinder', 'resource_filters.json'),
            'state_path': state,
            'host': f'{spec.name}-volume',
            'my_ip': '127.0.0.1',
            'enabled_backends': 'file',
            'scheduler_driver_init_wait_time': 3,
            # the scheduler learns the backend only from these reports; the
            # defaults (60 s + up to 60 s fuzz) stall new volumes for minutes
            'periodic_interval': 5,
            'periodic_fuzzy_delay': 0,
            'backend_stats_polling_interval': 5,
            'use_stderr': True,
        },
        'database': {'connection': spec.db_url('cinder')},
        'keystone_authtoken': _authtoken(spec, 'cinder'),
        'oslo_concurrency': _locks(spec, 'cinder'),
        'file': {
            'volume_driver': 'cinder_file_driver.FileVolumeDriver',
            'volume_backend_name': 'file',
            'file_volume_directory': state / 'volumes',
        },
    })


def config_files(spec):
    """Every configuration file of one cloud: ``{path: text}``."""
    return {
        spec.etc('keystone') / 'keystone.conf': render_keystone(spec),
        spec.etc('glance') / 'glance-api.conf': render_glance(spec),
        spec.etc('neutron') / 'neutron.conf': render_neutron(spec),
        spec.etc('neutron') / 'ml2_conf.ini': render_ml2(spec),
        spec.etc('cinder') / 'cinder.conf': render_cinder(spec),
    }


def _vhosts(spec):
    return [spec.name] + ([f'{spec.name}-nova'] if spec.nova_prefix else [])


def render_rabbit_definitions(specs):
    """RabbitMQ definitions: a user per cloud, vhosts for cinder, nova."""
    return json.dumps({
        'users': [{'name': s.name, 'password': s.passwords['rabbit'],
                   'tags': ''} for s in specs],
        'vhosts': [{'name': v} for s in specs for v in _vhosts(s)],
        'permissions': [{'user': s.name, 'vhost': v, 'configure': '.*',
                         'write': '.*', 'read': '.*'}
                        for s in specs for v in _vhosts(s)],
    }, indent=2)


def _cloud_entry(spec, user, project, password):
    return {
        'auth': {
            'auth_url': spec.auth_url,
            'username': user,
            'password': password,
            'project_name': project,
            'user_domain_name': 'Default',
            'project_domain_name': 'Default',
        },
        'region_name': REGION,
        'identity_api_version': 3,
        'interface': 'public',
    }


def cloud_name(name, admin=False):
    """The clouds.yaml entry of a cloud: ``src`` (member), ``src-admin``."""
    return f'{name}-admin' if admin else name


def render_clouds_yaml(specs, extra=()):
    """clouds.yaml: per cloud, the demo member and the admin.

    ``extra`` adds entries: ``(entry name, spec, user, project, password)``.
    """
    clouds = {}
    for spec in specs:
        clouds[cloud_name(spec.name)] = _cloud_entry(
            spec, DEMO_USER, DEMO_PROJECT, spec.passwords['demo'])
        clouds[cloud_name(spec.name, admin=True)] = _cloud_entry(
            spec, 'admin', 'admin', spec.passwords['admin'])
    for entry, spec, user, project, password in extra:
        clouds[entry] = _cloud_entry(spec, user, project, password)
    return yaml.safe_dump({'clouds': clouds}, sort_keys=True)
