"""What each deploy tool's form carries: the template contexts.

Deploy tools decide some options themselves (MOSK and openstack-ansible
turn on native TLS with their TLS switch, kolla sets the scheme and the
inbound address, MOSK always enables auto-converge), so their forms carry
the tool's switch plus only the options the tool would set differently.
A setting the tool has no way to express is listed in the output
(``cannot``) with what to do instead, never dropped silently.  The inbound
address is per host: it goes into the tool's per-host place (kolla's
``/etc/kolla/config/nova/<host>/nova.conf`` and ``host_vars``,
openstack-ansible's ``host_vars``), never into a form every compute reads.

Where a tool takes a key from is cited next to it (file and line in the
tool's source tree as read for this module).
"""

import dataclasses

from osmigcfg import exceptions
from osmigcfg.config import model
from osmigcfg.config import toolforms

INBOUND = 'live_migration_inbound_addr'
# openstack-helm libvirt/values.yaml:103-108: what the chart writes into
# libvirtd.conf when nobody overrides it
CHART_LIBVIRTD = {'listen_tcp': True, 'listen_tls': False,
                  'auth_tcp': 'none'}
# os_nova templates/libvirtd.conf.j2 writes only these three keys
OSA_LIBVIRTD = ('listen_tls', 'listen_tcp', 'auth_tcp')
# kolla roles/nova-cell/templates/libvirtd.conf.j2: the TLS branch writes
# these paths inside the nova_libvirt container
KOLLA_CERT_FILES = ('ca_file', 'cert_file', 'key_file')


def nova_values(settings):
    """The nova.conf options of ``settings`` by name."""
    return dataclasses.asdict(settings.live_migration)


def nova_groups(values, keep):
    """``[(group, [(name, value), ...]), ...]`` of the options ``keep``-s."""
    out = {}
    for group, name, opt in model.nova_fields():
        value = values.get(name)
        if value is not None and keep(name, value, opt):
            out.setdefault(group, []).append((name, value))
    return list(out.items())


def nova_overrides(settings, implied, exclude=(INBOUND,)):
    """Options whose value differs from what the tool + Nova would use."""
    def keep(name, value, opt):
        if name in exclude or name not in settings.explicit:
            return False
        return value != implied.get(name, opt.default)

    return nova_groups(nova_values(settings), keep)


def tls_overrides(settings, layer, implied):
    """Keys set on purpose whose value differs from the tool's own."""
    relevant = set(settings.explicit)
    if layer == model.LIBVIRTD:
        # the keys of a listener that stays off change nothing
        listening = {**implied, **{k: getattr(settings.tls, k) for k in
                                   ('listen_tls', 'listen_tcp')
                                   if k in relevant}}
        if not listening.get('listen_tcp', False):
            relevant -= {'tcp_port', 'auth_tcp'}
        if not listening.get('listen_tls', True):
            relevant -= {'tls_port', 'auth_tls', 'ca_file', 'cert_file',
                         'key_file'}
    return [(f.name, getattr(settings.tls, f.name))
            for f in model.tls_fields(layer)
            if f.name in relevant and getattr(settings.tls, f.name) is not None
            and getattr(settings.tls, f.name) != implied.get(
                f.name, model.TLS_FIELDS[f.name].default)]


def interfaces(settings, inventory):
    """The common migration NIC and per-host exceptions ``{host: nic}``."""
    common = settings.migration_interface
    odd = {}
    if inventory is not None:
        common = inventory.common_interface() or common
        odd = {h.name: h.interface for h in inventory.hosts
               if h.interface and h.interface != common}
    return common, odd


def _mosk_implied(settings):
    tls = settings.live_migration.live_migration_with_native_tls
    nova = {'live_migration_permit_auto_converge': True}
    libvirtd = dict(CHART_LIBVIRTD)
    qemu = {}
    if tls:
        nova.update(live_migration_scheme='tls',
                    live_migration_with_native_tls=True)
        libvirtd.update(listen_tls=True, listen_tcp=False)
        qemu.update(default_tls_x509_cert_dir=toolforms.QEMU_CERT_DIR,
                    default_tls_x509_verify=True)
    return tls, nova, libvirtd, qemu


def mosk_context(settings, inventory, host):
    tls, nova, libvirtd, qemu = _mosk_implied(settings)
    common, odd = interfaces(settings, inventory)
    if not common:
        raise exceptions.InputError(
            'MOSK requires spec.features.nova.live_migration_interface',
            hint='pass --interface NIC or --inventory FILE')
    return {'tls': tls, 'interface': common, 'nodes': odd,
            'nova': nova_overrides(settings, nova),
            'libvirtd': tls_overrides(settings, model.LIBVIRTD, libvirtd),
            'qemu': tls_overrides(settings, model.QEMU, qemu)}


def helm_context(settings, inventory, host):
    common, odd = interfaces(settings, inventory)
    network = (inventory.migration_network if inventory is not None
               else None) or settings.migration_network
    return {'interface': common, 'nodes': odd, 'network': network,
            'nova': nova_overrides(settings, {})}


def helm_libvirt_context(settings, inventory, host):
    common, odd = interfaces(settings, inventory)
    return {'libvirtd': tls_overrides(settings, model.LIBVIRTD,
                                      CHART_LIBVIRTD),
            'qemu': tls_overrides(settings, model.QEMU, {}),
            'interface': common, 'nodes': odd,
            'native_tls':
                settings.live_migration.live_migration_with_native_tls}


def _kolla_globals_values(settings, tls):
    """globals.yml variables besides libvirt_tls, and what kolla cannot do.

    kolla roles/nova-cell/templates/libvirtd.conf.j2: auth_tls/auth_tcp come
    from libvirt_enable_sasl (default true, defaults/main.yml:635), the
    port from nova_libvirt_port (defaults/main.yml:549), the TLS file paths
    are fixed.
    """
    wanted = dict(tls_overrides(settings, model.LIBVIRTD, {
        'listen_tls': tls, 'listen_tcp': not tls,
        'auth_tls': 'sasl', 'auth_tcp': 'sasl',
        'tls_port': 16514, 'tcp_port': 16509}))
    out, cannot = [], []
    auth = wanted.pop('auth_tls' if tls else 'auth_tcp', None)
    if auth == 'none':
        out.append(('libvirt_enable_sasl', False))
    elif auth is not None:
        cannot.append((f'auth_{"tls" if tls else "tcp"} = {auth}',
                       'kolla offers sasl (libvirt_enable_sasl) or none'))
    port = wanted.pop('tls_port' if tls else 'tcp_port', None)
    if port is not None:
        out.append(('nova_libvirt_port', str(port)))
    for key, value in wanted.items():
        cannot.append((f'{key} = {value}', 'kolla\'s libvirtd.conf.j2 '
                       'fixes it: replace the whole template with '
                       '/etc/kolla/config/nova/libvirtd.conf.j2'))
    return out, cannot


def _kolla_host(settings, inventory, host, tls):
    """host_vars of one host: its NIC and (with TLS) migration_hostname."""
    if host is None:
        return []
    common, _ = interfaces(settings, inventory)
    items = []
    if host.interface and host.interface != common:
        items.append(('migration_interface', host.interface))
    if tls:
        # nova.conf.d/libvirt.conf.j2:4: inbound_addr = migration_hostname
        items.append(('migration_hostname', host.peer_address or host.fqdn))
    return items


def kolla_context(settings, inventory, host):
    tls = settings.live_migration.control_scheme == 'tls'
    implied = {'live_migration_scheme': 'tls'} if tls else {}
    common, odd = interfaces(settings, inventory)
    nova = nova_overrides(settings, implied)
    if host is not None and host.peer_address:
        # the per-host override is merged last (tasks/config.yml:137)
        nova = _with_inbound(nova, host.peer_address)
    extra, cannot = _kolla_globals_values(settings, tls)
    if host is not None and host.inbound_addr and host.address \
            and host.inbound_addr != host.address:
        # libvirtd.conf.j2: listen_addr = migration_interface_address
        cannot.append((f'listen_addr = {host.inbound_addr}', 'kolla\'s '
                       'libvirtd listens on the address of '
                       'migration_interface only: the inbound address must '
                       'be that address'))
    return {'tls': tls, 'interface': common, 'nodes': odd, 'host': host,
            'nova': nova, 'globals': extra, 'cannot': cannot,
            'host_vars': _kolla_host(settings, inventory, host, tls),
            'native_tls':
                settings.live_migration.live_migration_with_native_tls}


def _with_inbound(groups, address):
    groups = [(g, list(items)) for g, items in groups]
    for group, items in groups:
        if group == 'libvirt':
            items.append((INBOUND, address))
            return groups
    return groups + [('libvirt', [(INBOUND, address)])]


def _osa_cannot(settings, tls, qemu):
    """Keys os_nova cannot write (libvirtd.conf.j2, qemu.conf.j2)."""
    cannot = []
    for key, value in tls_overrides(settings, model.LIBVIRTD, {
            'listen_tls': tls, 'listen_tcp': False, 'auth_tcp': 'sasl'}):
        if key not in OSA_LIBVIRTD:
            cannot.append((f'libvirtd.conf {key} = {value}',
                           'os_nova\'s libvirtd.conf.j2 writes only '
                           'listen_tls, listen_tcp and auth_tcp; libvirt\'s '
                           'default applies'))
    if tls and dict(qemu).get('default_tls_x509_verify') is False:
        cannot.append(('qemu.conf default_tls_x509_verify = 0',
                       'os_nova writes 1 before qemu_conf_dict and libvirt '
                       'reads the first occurrence; set '
                       'migrate_tls_x509_verify instead'))
    return cannot


def osa_context(settings, inventory, host):
    tls = settings.live_migration.live_migration_with_native_tls
    if tls:
        nova = {'live_migration_with_native_tls': True,
                'live_migration_scheme': 'tls'}
        qemu = {'default_tls_x509_verify': True}
    else:
        nova = {'live_migration_uri': toolforms.OSA_SSH_URI,
                'live_migration_tunnelled': True}
        qemu = {}
    libvirtd = tls_overrides(settings, model.LIBVIRTD, {
        'listen_tls': tls, 'listen_tcp': False, 'auth_tcp': 'sasl'})
    qemu = tls_overrides(settings, model.QEMU, qemu)
    hosts = ([host] if host is not None else
             list(inventory.hosts) if inventory is not None else [])
    return {'tls': tls, 'host': host,
            # os_nova writes these verbatim into libvirtd.conf: 0/1
            'libvirtd': [(k, int(v) if isinstance(v, bool) else v)
                         for k, v in libvirtd
                         if k in ('listen_tcp', 'auth_tcp')],
            'cert_dir': settings.tls.default_tls_x509_cert_dir,
            'default_cert_dir': toolforms.QEMU_CERT_DIR,
            'nova': nova_overrides(settings, nova),
            # os_nova writes these itself, before qemu_conf_dict
            'qemu': [(k, v) for k, v in qemu
                     if k not in ('default_tls_x509_cert_dir',
                                  'default_tls_x509_verify')],
            'inbound': [(h.name, h.peer_address) for h in hosts
                        if h.peer_address],
            'cannot': _osa_cannot(settings, tls, qemu)}
