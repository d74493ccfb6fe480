"""Configuration of a local cloud's placement and Nova: pure renderers.

Nova 34 and placement 16 run from the project's virtualenv
(``CloudSpec.nova_prefix``), each service its own process: placement and
nova-api behind keystonemiddleware, nova-conductor, nova-scheduler and
``CloudSpec.computes`` nova-compute processes on the sandbox's virt
driver (``service_shims/nova_virt/osmigcfg_disk.py``).  Nova authenticates
with its own service user (``service`` and ``admin`` roles) and sends a
service token along with the user's.
"""

from osmigcfg.sandbox.clouds import config as cc

#: Nova's ``compute_driver`` (Nova prefixes it with ``nova.virt.``).
COMPUTE_DRIVER = 'osmigcfg_disk.DiskFakeDriver'
#: Like production: a VIF that never reports plugged fails the boot, but
#: after 30 s instead of 300 s (the ML2 driver binds ports ACTIVE at once,
#: so a wait means something is broken).
VIF_PLUGGING = {'vif_plugging_is_fatal': True, 'vif_plugging_timeout': 30}


def policy_file(spec):
    """nova-api's policy file (an empty one: Nova's defaults).

    oslo.policy reads it again whenever it changes, so tests swap
    policies without restarting nova-api.
    """
    return spec.etc('nova') / 'policy.yaml'


#: the policy file's text for Nova's defaults
DEFAULT_POLICY = '# Nova\'s defaults (LocalClouds.set_nova_policy)\n{}\n'


def nova_db_url(spec, name):
    """sqlite URL of Nova's ``api``, ``cell0`` or ``cell1`` database."""
    return f'sqlite:///{spec.root / f"nova_{name}.db"}?timeout=30'


def render_placement(spec):
    """placement.conf: sqlite, keystone auth."""
    return cc.render_ini({
        'DEFAULT': {'use_stderr': True},
        'api': {'auth_strategy': 'keystone'},
        'placement_database': {
            'connection': f'sqlite:///{spec.root / "placement.db"}'
                          '?timeout=30'},
        'keystone_authtoken': cc._authtoken(spec, 'placement'),
    })


def _common(spec, host):
    state = spec.root / 'state' / 'nova'
    return {
        'DEFAULT': {
            'host': host,
            'my_ip': '127.0.0.1',
            'transport_url': spec.nova_transport_url,
            'state_path': state / host,
            'instances_path': state / 'instances',
            'compute_driver': COMPUTE_DRIVER,
            'executor_thread_pool_size': 8,
            # periodic tasks (the scheduler's host discovery among them)
            # start after a random delay of up to 60 s by default
            'periodic_fuzzy_delay': 0,
            # a test cloud has nothing worth waiting minutes for at stop
            'graceful_shutdown_timeout': 8,
            'manager_shutdown_timeout': 5,
            'use_stderr': True,
            **VIF_PLUGGING,
        },
        'service_user': {'send_service_user_token': True,
                         **cc._service_auth(spec, 'nova')},
        'neutron': cc._service_auth(spec, 'nova'),
        'placement': cc._service_auth(spec, 'nova'),
        'glance': {'region_name': cc.REGION},
        'cinder': {'catalog_info': 'block-storage::publicURL',
                   'os_region_name': cc.REGION,
                   **{k: v for k, v in cc._service_auth(spec, 'nova').items()
                      if k != 'region_name'}},
        'oslo_concurrency': {'lock_path': state / 'locks'},
        'oslo_messaging_notifications': {'driver': 'noop'},
        'vnc': {'enabled': False},
        'scheduler': {'workers': 1,
                      # the scheduler maps new computes to the cell itself
                      'discover_hosts_in_cells_interval': 2},
        'conductor': {'workers': 1},
    }


def render_nova(spec):
    """nova.conf of nova-api, conductor and scheduler (with databases)."""
    sections = _common(spec, f'{spec.name}-control')
    sections['api_database'] = {'connection': nova_db_url(spec, 'api')}
    sections['database'] = {'connection': nova_db_url(spec, 'cell1')}
    sections['keystone_authtoken'] = cc._authtoken(spec, 'nova')
    sections['oslo_policy'] = {'policy_file': policy_file(spec)}
    return cc.render_ini(sections)


def render_compute(spec, host):
    """nova-compute's config: no database (computes reach it over RPC)."""
    return cc.render_ini(_common(spec, host))


def config_files(spec):
    """placement's and Nova's configuration files: ``{path: text}``."""
    if not spec.nova_prefix:
        return {}
    etc = spec.etc('nova')
    out = {spec.etc('placement') / 'placement.conf': render_placement(spec),
           etc / 'nova.conf': render_nova(spec),
           policy_file(spec): DEFAULT_POLICY}
    for host in spec.compute_hosts():
        out[etc / f'{host}.conf'] = render_compute(spec, host)
    return out


def with_option(text, section, key, value):
    """``text`` (INI as :func:`cc.render_ini` writes it) with ``key`` of
    ``section`` set to ``value`` (added when missing)."""
    rendered = cc.render_ini({'x': {key: value}}).splitlines()[1]
    lines, current, done = text.splitlines(), None, False
    for number, line in enumerate(lines):
        if line.startswith('['):
            if current == section and not done:
                lines.insert(number, rendered)
                done = True
                break
            current = line.strip()[1:-1]
        elif current == section and line.split('=')[0].strip() == key:
            lines[number] = rendered
            done = True
            break
    if not done:
        lines += [] if current == section else ['', f'[{section}]']
        lines.append(rendered)
    return '\n'.join(lines) + '\n'
