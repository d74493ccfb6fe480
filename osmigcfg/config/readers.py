"""Reading settings files into entries that remember their file and line.

Every input form (nova.conf, libvirtd.conf, qemu.conf and the deploy-tool
forms in :mod:`osmigcfg.config.toolforms`) becomes a :class:`Source`: a list
of :class:`Entry` (layer, section, key, raw value, file, line) plus what the
form decides.  Values stay raw here; :mod:`osmigcfg.config.values` checks
them.  nova.conf is split into assignments by oslo.config's own ini parser,
so quoting and continuation lines behave exactly as in Nova.
"""

import logging
import re

from oslo_config import iniparser

from osmigcfg import exceptions
from osmigcfg import inputs
from osmigcfg.config import detect
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
    source = Source(str(path), form, layers={layer},
                    first_wins=frozenset({layer}))
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


def detect_format(path, text):
    """The input form of ``text`` (see :mod:`osmigcfg.config.detect`)."""
    return detect.detect(path, text).form


def read_text(text, path, fmt='auto'):
    """Parse ``text`` in format ``fmt`` (or detect it) into a Source.

    The Source's ``detection`` says which form was detected and why
    (None when ``fmt`` was given).
    """
    found = detect.detect(path, text) if fmt == 'auto' else None
    fmt = found.form if found else fmt
    LOG.debug('reading %s as %s', path, fmt)
    if fmt in INI_FORMATS:
        source = read_nova_conf(text, path, form=fmt,
                                shared=_ini_shared(path, fmt, found))
    elif fmt in LIBVIRT_FORMATS:
        layer = model.LIBVIRTD if fmt == 'libvirtd' else model.QEMU
        source = read_libvirt_conf(text, path, layer)
    elif fmt in YAML_FORMATS:
        source = toolforms.read(fmt, text, path)
    else:
        raise exceptions.InputError(
            f'unknown format {fmt!r}',
            hint=f'use one of {", ".join(FORMATS)}')
    source.detection = found.reason if found else None
    return source


def _ini_shared(path, fmt, found):
    """Whether every compute reads this ini file (kolla's layout decides)."""
    if found is not None:
        return bool(found.shared)
    if fmt != 'kolla':
        return False
    layout = detect.kolla_layout(path)
    return True if layout is None else layout[0]


def read_file(path, fmt='auto'):
    """Read a settings file (FileReadError / ConfigFileError on bad input)."""
    return read_text(inputs.read_text(path), str(path), fmt)
