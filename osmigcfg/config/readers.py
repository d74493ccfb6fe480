"""Reading settings files into entries that remember their file and line.

Every input form (nova.conf, libvirtd.conf, qemu.conf and the deploy-tool
forms in :mod:`osmigcfg.config.toolforms`) becomes a :class:`Source`: a list
of :class:`Entry` (layer, section, key, raw value, file, line) plus what the
form decides.  Values stay raw here; :mod:`osmigcfg.config.values` checks
them.  nova.conf is split into assignments by oslo.config's own ini parser,
so quoting and continuation lines behave exactly as in Nova.
"""

import logging
import pathlib
import re

from oslo_config import iniparser

from osmigcfg import exceptions
from osmigcfg import inputs
from osmigcfg.config import model
from osmigcfg.config import toolforms
from osmigcfg.config.entries import Source

LOG = logging.getLogger(__name__)

INI_FORMATS = ('nova-conf', 'kolla')
LIBVIRT_FORMATS = ('libvirtd', 'qemu')
YAML_FORMATS = ('mosk', 'helm', 'helm-libvirt', 'kolla-globals', 'osa')
FORMATS = INI_FORMATS + LIBVIRT_FORMATS + YAML_FORMATS


class _IniParser(iniparser.BaseParser):
    """oslo.config's ini grammar, recording the line of every key."""

    def __init__(self, source):
        super().__init__()
        self.source = source
        self.section = None
        self._key_line = None

    def _split_key_value(self, line):
        self._key_line = self.lineno
        return super()._split_key_value(line)

    def new_section(self, section):
        # oslo.config lower-cases every group name except DEFAULT
        self.section = section if section == 'DEFAULT' else section.lower()

    def assignment(self, key, value):
        if self.section is None:
            raise self.parse_exc('an option before any [section]',
                                 self._key_line, key)
        self.source.add(model.NOVA, self.section, key, '\n'.join(value),
                        self._key_line)


def read_nova_conf(text, path, form='nova-conf', shared=False):
    """Parse nova.conf text (oslo.config syntax) into a Source."""
    source = Source(str(path), form, layers={model.NOVA}, shared=shared)
    try:
        _IniParser(source).parse(text.splitlines())
    except iniparser.ParseError as e:
        raise exceptions.ConfigFileError(
            path, e.lineno, f'not an ini file: {e.msg}',
            hint='nova.conf is [section] headers and "name = value" lines'
        ) from None
    return source


_LIBVIRT_LINE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$')
_LIBVIRT_VALUE = re.compile(
    r'^(?:(-?\d+)|"((?:[^"\\]|\\.)*)"|(\[.*\]))\s*(?:#.*)?$', re.S)


def _libvirt_value(raw, path, line):
    match = _LIBVIRT_VALUE.match(raw.strip())
    if not match:
        raise exceptions.ConfigFileError(
            path, line, f'cannot read value {raw.strip()!r}',
            hint='libvirt config values are numbers, "strings" or '
                 '[lists]')
    number, string, listing = match.groups()
    if number is not None:
        return int(number)
    if string is not None:
        return re.sub(r'\\(.)', r'\1', string)
    return listing


def read_libvirt_conf(text, path, layer):
    """Parse libvirtd.conf or qemu.conf syntax (``key = value``)."""
    form = 'libvirtd' if layer == model.LIBVIRTD else 'qemu'
    source = Source(str(path), form, layers={layer})
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        start, raw = number + 1, lines[number].strip()
        number += 1
        if not raw or raw.startswith('#'):
            continue
        match = _LIBVIRT_LINE.match(raw)
        if not match:
            raise exceptions.ConfigFileError(
                path, start, f'expected "key = value", got {raw[:60]!r}')
        key, value = match.groups()
        # a list may continue over several lines until its closing bracket
        while (value.lstrip().startswith('[') and ']' not in value
               and number < len(lines)):
            value += ' ' + lines[number].strip()
            number += 1
        source.add(layer, None, key, _libvirt_value(value, path, start),
                   start)
    return source


def _libvirt_layer_by_keys(text):
    keys = set(re.findall(r'^\s*([A-Za-z_]\w*)\s*=', text, re.M))
    for layer in (model.QEMU, model.LIBVIRTD):
        if keys & {f.name for f in model.tls_fields(layer)}:
            return layer
    return None


def detect_format(path, text):
    """Guess the input form from the file name, then from its content."""
    name = pathlib.Path(str(path)).name.lower()
    if name.endswith('.conf') and 'libvirtd' in name:
        return 'libvirtd'
    if name.endswith('.conf') and 'qemu' in name:
        return 'qemu'
    if re.search(r'^\s*\[[^\]]+\]\s*$', text, re.M):
        return 'kolla' if 'kolla' in str(path).lower() else 'nova-conf'
    if name.endswith('.conf'):
        layer = _libvirt_layer_by_keys(text)
        if layer:
            return 'libvirtd' if layer == model.LIBVIRTD else 'qemu'
        return 'nova-conf'
    if re.search(r'^kind:\s*OpenStackDeployment\b', text, re.M):
        return 'mosk'
    if re.search(r'^(nova|qemu)_\w+\s*:', text, re.M):
        return 'osa'
    if re.search(r'^(libvirt_tls|migration_interface)\s*:', text, re.M):
        return 'kolla-globals'
    if re.search(r'^conf:', text, re.M):
        nova = re.search(r'^  nova:|live_migration', text, re.M)
        return 'helm' if nova else 'helm-libvirt'
    raise exceptions.ConfigFileError(
        path, None, 'cannot tell which format this file is',
        hint=f'pass --format (one of {", ".join(FORMATS)})')


def read_text(text, path, fmt='auto'):
    """Parse ``text`` in format ``fmt`` (or detect it) into a Source."""
    if fmt == 'auto':
        fmt = detect_format(path, text)
    LOG.debug('reading %s as %s', path, fmt)
    if fmt == 'nova-conf':
        return read_nova_conf(text, path)
    if fmt == 'kolla':
        return read_nova_conf(text, path, form='kolla', shared=True)
    if fmt in LIBVIRT_FORMATS:
        layer = model.LIBVIRTD if fmt == 'libvirtd' else model.QEMU
        return read_libvirt_conf(text, path, layer)
    if fmt in YAML_FORMATS:
        return toolforms.read(fmt, text, path)
    raise exceptions.InputError(
        f'unknown format {fmt!r}', hint=f'use one of {", ".join(FORMATS)}')


def read_file(path, fmt='auto'):
    """Read a settings file (FileReadError / ConfigFileError on bad input)."""
    return read_text(inputs.read_text(path), str(path), fmt)
