"""Rendering settings for nova.conf, libvirt and every deploy tool.

Pure: a :class:`~osmigcfg.config.model.Settings` value (plus, optionally,
the inventory and one host) in, text out.  The templates live in
``templates/config/``; this module prepares the values each template needs.

Deploy tools decide some options themselves (MOSK and openstack-ansible
turn on native TLS with their TLS switch, kolla sets the scheme and the
inbound address, MOSK always enables auto-converge), so their forms carry
the tool's switch plus only the options the tool would set differently.
The inbound address is per host and is never written into a form shared by
every compute.
"""

import dataclasses
import functools
import json
import re

import jinja2

from osmigcfg import exceptions
from osmigcfg import resources
from osmigcfg.config import model
from osmigcfg.config import options
from osmigcfg.config import toolforms

FORMATS = ('nova-conf', 'libvirtd', 'qemu', 'mosk', 'helm', 'helm-libvirt',
           'kolla', 'kolla-globals', 'osa')
_PLAIN = re.compile(r'^[A-Za-z_/][A-Za-z0-9_./:-]*$')
_YAML_WORDS = {'y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null',
               '~'}
INBOUND = 'live_migration_inbound_addr'
# what the libvirt chart sets in libvirtd.conf when nobody overrides it
_CHART_LIBVIRTD = {'listen_tcp': True, 'listen_tls': False,
                   'auth_tcp': 'none'}


def ini_value(value):
    """A value as oslo.config writes it."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def libvirt_value(value):
    """A value in libvirtd.conf / qemu.conf syntax."""
    if isinstance(value, bool):
        return '1' if value else '0'
    if isinstance(value, int):
        return str(value)
    return '"%s"' % str(value).replace('\\', '\\\\').replace('"', '\\"')


def yaml_value(value):
    """A YAML scalar: plain when unambiguous, else double-quoted."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text)


def chart_value(value):
    """A libvirt-chart value: the chart writes numeric strings unquoted."""
    if isinstance(value, bool):
        return '"1"' if value else '"0"'
    if isinstance(value, int):
        return f'"{value}"'
    return yaml_value(value)


@functools.lru_cache(maxsize=None)
def _environment():
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(
            str(resources.templates_dir() / 'config')),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters.update(ini=ini_value, lv=libvirt_value, y=yaml_value,
                       hv=chart_value)
    return env


def _nova_values(settings):
    return dataclasses.asdict(settings.live_migration)


def _nova_groups(values, keep):
    """``[(group, [(name, value), ...]), ...]`` of the options ``keep``-s."""
    groups = []
    for group, name, opt in model.nova_fields():
        value = values.get(name)
        if value is not None and keep(name, value, opt):
            groups.append((group, name, value))
    out = {}
    for group, name, value in groups:
        out.setdefault(group, []).append((name, value))
    return list(out.items())


def _full_nova(settings, host):
    values = _nova_values(settings)
    if host is not None:
        values[INBOUND] = host.peer_address

    def keep(name, value, opt):
        # deprecated options only when they are really used
        return not opt.deprecated_for_removal or value != opt.default

    return _nova_groups(values, keep)


def _nova_overrides(settings, implied, exclude=(INBOUND,)):
    """Options whose value differs from what the tool + Nova would use."""
    values = _nova_values(settings)

    def keep(name, value, opt):
        if name in exclude or name not in settings.explicit:
            return False
        return value != implied.get(name, opt.default)

    return _nova_groups(values, keep)


def _tls_values(settings, layer):
    return [(f.name, getattr(settings.tls, f.name))
            for f in model.tls_fields(layer)]


def _tls_overrides(settings, layer, implied):
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
    return [(name, value) for name, value in _tls_values(settings, layer)
            if name in relevant and value is not None
            and value != implied.get(name, model.TLS_FIELDS[name].default)]


def _libvirtd_items(settings):
    tls = settings.tls
    wanted = ['listen_tls', 'listen_tcp']
    if tls.listen_tls:
        wanted += ['tls_port', 'auth_tls', 'ca_file', 'cert_file', 'key_file']
    if tls.listen_tcp:
        wanted += ['tcp_port', 'auth_tcp']
    # libvirt reads the ports as strings
    return [(name, str(value) if model.TLS_FIELDS[name].metadata['kind']
             == 'port' else value)
            for name, value in ((n, getattr(tls, n)) for n in wanted)]


def _qemu_items(settings):
    return [(name, value) for name, value in
            _tls_values(settings, model.QEMU) if value is not None]


def _interfaces(settings, inventory):
    """The common migration NIC and per-host exceptions ``{host: nic}``."""
    common = settings.migration_interface
    exceptions_ = {}
    if inventory is not None:
        common = inventory.common_interface() or common
        exceptions_ = {h.name: h.interface for h in inventory.hosts
                       if h.interface and h.interface != common}
    return common, exceptions_


def _mosk_implied(settings):
    tls = settings.live_migration.live_migration_with_native_tls
    nova = {'live_migration_permit_auto_converge': True}
    libvirtd = dict(_CHART_LIBVIRTD)
    qemu = {}
    if tls:
        nova.update(live_migration_scheme='tls',
                    live_migration_with_native_tls=True)
        libvirtd.update(listen_tls=True, listen_tcp=False)
        qemu.update(default_tls_x509_cert_dir=toolforms.QEMU_CERT_DIR,
                    default_tls_x509_verify=True)
    return tls, nova, libvirtd, qemu


def _mosk_context(settings, inventory, host):
    tls, nova, libvirtd, qemu = _mosk_implied(settings)
    common, odd = _interfaces(settings, inventory)
    if not common:
        raise exceptions.InputError(
            'MOSK requires spec.features.nova.live_migration_interface',
            hint='pass --interface NIC or --inventory FILE')
    return {'tls': tls, 'interface': common, 'nodes': odd,
            'nova': _nova_overrides(settings, nova),
            'libvirtd': _tls_overrides(settings, model.LIBVIRTD, libvirtd),
            'qemu': _tls_overrides(settings, model.QEMU, qemu)}


def _helm_context(settings, inventory, host):
    common, odd = _interfaces(settings, inventory)
    network = (inventory.migration_network if inventory is not None
               else None) or settings.migration_network
    return {'interface': common, 'nodes': odd, 'network': network,
            'nova': _nova_overrides(settings, {})}


def _helm_libvirt_context(settings, inventory, host):
    return {'libvirtd': _tls_overrides(settings, model.LIBVIRTD,
                                       _CHART_LIBVIRTD),
            'qemu': _tls_overrides(settings, model.QEMU, {}),
            'native_tls':
                settings.live_migration.live_migration_with_native_tls}


def _kolla_context(settings, inventory, host):
    tls = settings.live_migration.control_scheme == 'tls'
    implied = {'live_migration_scheme': 'tls'} if tls else {}
    common, odd = _interfaces(settings, inventory)
    return {'tls': tls, 'interface': common, 'nodes': odd, 'host': host,
            'nova': _nova_overrides(settings, implied),
            'native_tls':
                settings.live_migration.live_migration_with_native_tls}


def _osa_context(settings, inventory, host):
    tls = settings.live_migration.live_migration_with_native_tls
    if tls:
        nova = {'live_migration_with_native_tls': True,
                'live_migration_scheme': 'tls'}
        qemu = {'default_tls_x509_verify': True}
    else:
        nova = {'live_migration_uri': toolforms.OSA_SSH_URI,
                'live_migration_tunnelled': True}
        qemu = {}
    libvirtd = _tls_overrides(settings, model.LIBVIRTD, {
        'listen_tls': tls, 'listen_tcp': False, 'auth_tcp': 'sasl'})
    qemu = _tls_overrides(settings, model.QEMU, qemu)
    return {'tls': tls,
            # os_nova writes these verbatim into libvirtd.conf: 0/1
            'libvirtd': [(k, int(v) if isinstance(v, bool) else v)
                         for k, v in libvirtd
                         if k in ('listen_tcp', 'auth_tcp')],
            'cert_dir': settings.tls.default_tls_x509_cert_dir,
            'default_cert_dir': toolforms.QEMU_CERT_DIR,
            'nova': _nova_overrides(settings, nova),
            'qemu': [(k, v) for k, v in qemu
                     if k != 'default_tls_x509_cert_dir']}


def _nova_context(settings, inventory, host):
    return {'groups': _full_nova(settings, host), 'host': host,
            'destination': options.DESTINATION_OPTIONS}


_CONTEXTS = {
    'nova-conf': ('nova.conf.j2', _nova_context),
    'libvirtd': ('libvirtd.conf.j2',
                 lambda s, i, h: {'items': _libvirtd_items(s)}),
    'qemu': ('qemu.conf.j2', lambda s, i, h: {'items': _qemu_items(s)}),
    'mosk': ('mosk.yaml.j2', _mosk_context),
    'helm': ('helm-nova.yaml.j2', _helm_context),
    'helm-libvirt': ('helm-libvirt.yaml.j2', _helm_libvirt_context),
    'kolla': ('kolla-nova.conf.j2', _kolla_context),
    'kolla-globals': ('kolla-globals.yml.j2', _kolla_context),
    'osa': ('osa-user-variables.yml.j2', _osa_context),
}


def render_config(settings, fmt='nova-conf', inventory=None, host=None):
    """Render ``settings`` in format ``fmt`` (one of FORMATS).

    Args:
        settings: a :class:`~osmigcfg.config.model.Settings`.
        fmt: the output form.
        inventory: an Inventory; gives the migration NIC (and per-host
            exceptions) to the deploy-tool forms.
        host: an inventory Host (or a name in ``inventory``); nova.conf and
            the kolla override then carry its inbound address.
    Returns:
        the text.
    Raises:
        InputError: unknown format, or a form that lacks a required value
        (MOSK without a migration interface).
    """
    if fmt not in _CONTEXTS:
        raise exceptions.InputError(
            f'unknown format {fmt!r}', hint=f'use one of {", ".join(FORMATS)}')
    if isinstance(host, str):
        if inventory is None:
            raise exceptions.InputError(
                f'--host {host} needs --inventory to look up its address')
        host = inventory.host(host)
    template, make_context = _CONTEXTS[fmt]
    context = make_context(settings, inventory, host)
    context.setdefault('profile', settings.profile or 'custom')
    return _environment().get_template(template).render(**context)
