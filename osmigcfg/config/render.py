"""Rendering settings for nova.conf, libvirt and every deploy tool.

Pure: a :class:`~osmigcfg.config.model.Settings` value (plus, optionally,
the inventory and one host) in, text out.  The templates live in
``templates/config/``; this module prepares the values each template needs.

What each deploy tool's form carries is decided in
:mod:`osmigcfg.config.toolrender`.  Every value reaches the text through
one of the filters here: a serializer (PyYAML) or an escaper that refuses
line breaks, so no value can add a key, a section or a document.
"""

import functools
import re
from typing import TYPE_CHECKING

import jinja2
import yaml

from osmigcfg import exceptions
from osmigcfg import resources
from osmigcfg.config import model
from osmigcfg.config import options
from osmigcfg.config import toolrender

if TYPE_CHECKING:
    from osmigcfg.config.inventory import Host
    from osmigcfg.config.inventory import Inventory

FORMATS = ('nova-conf', 'libvirtd', 'qemu', 'mosk', 'helm', 'helm-libvirt',
           'kolla', 'kolla-globals', 'osa')
_CONTROL = re.compile(r'[\x00-\x1f\x7f\u0085\u2028\u2029]')


def _one_line(value, form):
    text = str(value)
    if _CONTROL.search(text):
        raise exceptions.InputError(
            f'{text!r} contains a line break or control character: it '
            f'cannot be written into {form}',
            hint='fix the value in the profile or inventory')
    return text


def ini_value(value):
    """A value as oslo.config writes it (one line, never a new key)."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return _one_line(value, 'nova.conf')


def libvirt_value(value):
    """A value in libvirtd.conf / qemu.conf syntax."""
    if isinstance(value, bool):
        return '1' if value else '0'
    if isinstance(value, int):
        return str(value)
    text = _one_line(value, 'libvirtd.conf/qemu.conf')
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


def yaml_value(value):
    """A YAML scalar, written by PyYAML's serializer (never raw text)."""
    # double quotes (escapes on one line) whenever a plain or single-quoted
    # scalar could break the line: PyYAML folds those over several lines
    style = '"' if isinstance(value, str) and _CONTROL.search(value) \
        else None
    text = yaml.safe_dump([value], default_flow_style=True,
                          default_style=style, width=float('inf'),
                          allow_unicode=True)
    return text.strip()[1:-1]


def chart_value(value):
    """A libvirt-chart value: the chart writes numeric strings unquoted."""
    if isinstance(value, bool):
        return '"1"' if value else '"0"'
    if isinstance(value, int):
        return f'"{value}"'
    return yaml_value(value)


def comment(value):
    """Text for a ``#`` comment: control characters shown escaped."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], str(value))


@functools.lru_cache(maxsize=None)
def _environment():
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(
            str(resources.templates_dir() / 'config')),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters.update(ini=ini_value, lv=libvirt_value, y=yaml_value,
                       hv=chart_value, c=comment)
    return env


def _full_nova(settings, host):
    values = toolrender.nova_values(settings)
    if host is not None:
        values[toolrender.INBOUND] = host.peer_address

    def keep(name, value, opt):
        # deprecated options only when they are really used
        return not opt.deprecated_for_removal or value != opt.default

    return toolrender.nova_groups(values, keep)


def _tls_values(settings, layer):
    return [(f.name, getattr(settings.tls, f.name))
            for f in model.tls_fields(layer)]


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


def _nova_context(settings, inventory, host):
    return {'groups': _full_nova(settings, host), 'host': host,
            'destination': options.DESTINATION_OPTIONS}


_CONTEXTS = {
    'nova-conf': ('nova.conf.j2', _nova_context),
    'libvirtd': ('libvirtd.conf.j2',
                 lambda s, i, h: {'items': _libvirtd_items(s)}),
    'qemu': ('qemu.conf.j2', lambda s, i, h: {'items': _qemu_items(s)}),
    'mosk': ('mosk.yaml.j2', toolrender.mosk_context),
    'helm': ('helm-nova.yaml.j2', toolrender.helm_context),
    'helm-libvirt': ('helm-libvirt.yaml.j2', toolrender.helm_libvirt_context),
    'kolla': ('kolla-nova.conf.j2', toolrender.kolla_context),
    'kolla-globals': ('kolla-globals.yml.j2', toolrender.kolla_context),
    'osa': ('osa-user-variables.yml.j2', toolrender.osa_context),
}


def render_config(settings: model.Settings, fmt: str = 'nova-conf', *,
                  inventory: 'Inventory | None' = None,
                  host: 'Host | str | None' = None) -> str:
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
