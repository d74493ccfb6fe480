"""Settings profiles: named starting points shipped as YAML data files.

A profile (``policies/config-profiles/<name>.yaml``) names nova.conf options
under ``nova:`` (by option name; the group is known), libvirtd.conf and
qemu.conf keys under ``tls:``, and optionally ``migration_interface`` and
``migration_network``.  Values go through the same checks as a nova.conf,
so a profile with a bad value is refused with its file and line.
"""

import logging
import pathlib

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg import resources
from osmigcfg.config import model
from osmigcfg.config import options
from osmigcfg.config import values
from osmigcfg.config import yamldoc
from osmigcfg.config.entries import Source

LOG = logging.getLogger(__name__)

_KEYS = ('description', 'nova', 'tls', 'migration_interface',
         'migration_network')


def profiles_dir():
    """Where the shipped profiles live (``policies/config-profiles``)."""
    return resources.policies_dir() / 'config-profiles'


def list_profiles() -> dict[str, str]:
    """``{name: description}`` of the shipped profiles."""
    out: dict[str, str] = {}
    for path in sorted(profiles_dir().glob('*.yaml')):
        doc = yamldoc.load(files.read_text(path), str(path))
        out[path.stem] = ' '.join(str(doc.get('description', '')).split())
    return out


def _section(doc, key, path):
    value = doc.get(key) or yamldoc.LineDict()
    if not isinstance(value, dict):
        raise exceptions.ConfigFileError(
            path, doc.line_of(key), f'{key} must be a mapping')
    return value


def _source(doc, path):
    source = Source(path, 'profile', layers=set(model.LAYERS))
    for name, value in _section(doc, 'nova', path).items():
        found = options.find_option(str(name))
        group = found[0] if found else 'libvirt'
        source.add(model.NOVA, group, str(name), value,
                   doc['nova'].line_of(name))
    for name, value in _section(doc, 'tls', path).items():
        field = model.TLS_FIELDS.get(str(name))
        layer = field.metadata['layer'] if field else model.LIBVIRTD
        source.add(layer, None, str(name), value, doc['tls'].line_of(name))
    return source


def parse_profile(text: str, path: str, *,
                  name: str | None = None) -> model.Settings:
    """Parse profile text into Settings; ConfigFileError on any problem."""
    doc = yamldoc.load(text, path)
    if not isinstance(doc, yamldoc.LineDict):  # every mapping is one
        raise exceptions.ConfigFileError(path, 1, 'a profile is a mapping')
    unknown = [k for k in doc if k not in _KEYS]
    if unknown:
        raise exceptions.ConfigFileError(
            path, doc.line_of(unknown[0]), f'unknown key {unknown[0]!r}',
            hint=f'a profile has {", ".join(_KEYS)}')
    checked = values.check_sources([_source(doc, path)])
    for finding in checked.findings:
        if finding.rank >= 1:
            raise exceptions.ConfigFileError(
                path, finding.location.line, finding.message,
                hint=finding.hint)
    facts = {k: str(doc[k]) for k in ('migration_interface',
                                       'migration_network')
             if doc.get(k) is not None}
    return checked.settings.replace(profile=name or pathlib.Path(path).stem,
                                    **facts)


def load_profile(name: str) -> model.Settings:
    """Settings of a shipped profile, or of a profile file (a path).

    Raises UnknownProfileError for a name we do not ship.
    """
    if name.endswith(('.yaml', '.yml')) or '/' in name:
        return parse_profile(files.read_text(name), name)
    path = profiles_dir() / f'{name}.yaml'
    if not path.is_file():
        known = [p.stem for p in profiles_dir().glob('*.yaml')]
        raise exceptions.UnknownProfileError(name, known)
    LOG.debug('loading config profile %s', path)
    return parse_profile(files.read_text(path), str(path), name=name)
