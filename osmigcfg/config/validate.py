"""Validating existing settings: values (CFG1xx) and cross-option rules.

The inputs are read in order (a later file overrides an earlier one, the
way kolla merges ``globals.yml`` and ``/etc/kolla/config/nova.conf``), each
value is checked against Nova 34's option definitions, then the
cross-option rules run over the merged settings.
"""

from collections.abc import Iterable
import logging

from osmigcfg import inputs
from osmigcfg.config import readers
from osmigcfg.config import render
from osmigcfg.config import rules
from osmigcfg.config import values
from osmigcfg.findings import Report

LOG = logging.getLogger(__name__)

#: one settings file, or several applied in order
Paths = inputs.PathArg | Iterable[inputs.PathArg]


def read_config(paths: Paths, fmt: str = 'auto') -> values.Checked:
    """Read settings files into a :class:`~osmigcfg.config.values.Checked`.

    Args:
        paths: one path or a list; later files override earlier ones.
        fmt: an input format (``readers.FORMATS``) for every file, or
            ``auto`` to detect each file's.
    Raises:
        FileReadError, ConfigFileError: a file cannot be read or parsed.
    """
    if isinstance(paths, (str, bytes)) or not hasattr(paths, '__iter__'):
        paths = [paths]
    sources = [readers.read_file(path, fmt) for path in paths]
    return values.check_sources(sources)


def _report(checked, qemu_version):
    report = Report(checked.findings)
    report.extend(rules.check_rules(checked, qemu_version))
    return report


def validate_config(paths: Paths, fmt: str = 'auto', *,
                    qemu_version: tuple[int, int] | None = None) -> Report:
    """Validate settings files; returns a Report (CFG1xx and CFG2xx).

    Args:
        paths: nova.conf, libvirtd.conf, qemu.conf or deploy-tool files
            (one or a list, applied in order).
        fmt: input format for all files, or ``auto``.
        qemu_version: ``(major, minor)`` of the computes' QEMU, if known.
    Raises:
        FileReadError, ConfigFileError: a file cannot be read or parsed.
    """
    checked = read_config(paths, fmt)
    LOG.debug('validating %s (layers: %s)', paths, sorted(checked.layers))
    return _report(checked, qemu_version)


def validate_text(text: str, fmt: str = 'auto', *, name: str = '<text>',
                  qemu_version: tuple[int, int] | None = None) -> Report:
    """Validate settings held in memory (same as :func:`validate_config`)."""
    source = readers.read_text(text, name, fmt)
    return _report(values.check_sources([source]), qemu_version)


def convert_config(paths: Paths, fmt: str = 'auto', *,
                   to: str = 'nova-conf') -> tuple[str, Report]:
    """What the inputs amount to, rendered in another form.

    Reads deploy-tool forms (or any input) like :func:`validate_config` and
    renders the resulting settings, by default as the nova.conf the tool
    would produce.  The text starts with one comment line per input
    saying which form it was read as (and, when detected, why).  Returns
    ``(text, Report)``.
    """
    checked = read_config(paths, fmt)
    header = ''.join(
        f'# {render.comment(path)}: read as '
        f'{render.comment(checked.detections.get(path, form))}\n'
        for path, form in checked.forms.items())
    text = render.render_config(checked.settings, to)
    return header + text, _report(checked, None)
