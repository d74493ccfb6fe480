"""Checking option values (CFG1xx) and building the typed settings.

Entries from every source are applied in order (a later file overrides an
earlier one, as deploy tools merge their overrides).  Each nova.conf value
is converted with the oslo.config type of its option, then checked against
the option's min/max/choices, so a value passes here exactly when
nova-compute would accept it; libvirtd.conf / qemu.conf values are checked
against :class:`osmigcfg.config.model.TlsSettings`.  Every problem is
collected as a finding; a bad value falls back to its default so the
cross-option rules can still run.
"""

import dataclasses
import difflib

from oslo_config import types

from osmigcfg.config import codes  # noqa: F401 (registers the CFG codes)
from osmigcfg.config import model
from osmigcfg.config import options
from osmigcfg.findings import make_finding

LIBVIRT_SCHEMES = ('tcp', 'tls', 'ssh', 'libssh', 'libssh2', 'unix', 'ext')
_BASE_TYPES = {
    types.Integer: types.Integer(),
    types.Boolean: types.Boolean(),
    types.String: types.String(),
    types.HostDomain: types.HostDomain(),
}
# values Nova accepts (no declared limit) that make no sense
_POSITIVE = {
    'live_migration_parallel_connections': 1,
    'live_migration_monitor_interval': 1,
    'live_migration_bandwidth': 0,
}
_LAYER_FILE = {model.LIBVIRTD: 'libvirtd.conf', model.QEMU: 'qemu.conf'}


@dataclasses.dataclass
class Checked:
    """The outcome of reading all sources: settings, provenance, findings."""

    settings: model.Settings
    where: dict            # (layer, key) -> the Entry that decided it
    layers: set            # layers some source fully describes
    shared_files: set      # files applied to every compute (deploy tools)
    forms: dict            # file -> input form (nova-conf, mosk, ...)
    facts: dict
    findings: list
    detections: dict = dataclasses.field(default_factory=dict)  # file: why


def _finding(code, entry, message, subject, **kw):
    return make_finding(code, message, file=entry.file, line=entry.line,
                        subject=subject, **kw)


def _subject(entry):
    if entry.layer == model.NOVA:
        return f'[{entry.section}] {entry.key}'
    return f'{_LAYER_FILE[entry.layer]} {entry.key}'


def _as_text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float, str)):
        return str(value)
    return None


def _looks_like_ours(section, key):
    """A misspelt live-migration option (not another Nova option)."""
    if section not in options.GROUPS or (section, key) in options.NEIGHBOURS:
        return False
    return 'migrat' in key or bool(difflib.get_close_matches(
        key, list(options.OPTS_BY_NAME), n=1, cutoff=0.8))


def _classify_nova(entry, findings):
    """The Opt an entry sets, or None (after reporting why if it matters)."""
    found = options.find_option(entry.key)
    subject = _subject(entry)
    if found and found[0] == entry.section:
        return found[1]
    if found:
        findings.append(_finding(
            'CFG102', entry, f'{entry.key} belongs in [{found[0]}], not '
            f'[{entry.section}]', subject,
            hint=f'move it to [{found[0]}]'))
    elif (entry.section, entry.key) in options.REMOVED_OPTIONS:
        why = options.REMOVED_OPTIONS[(entry.section, entry.key)]
        findings.append(_finding(
            'CFG104', entry, f'{entry.key} no longer exists in Nova 34: '
            f'{why}', subject))
    elif _looks_like_ours(entry.section, entry.key):
        names = [o.name for o in options.GROUPS[entry.section]]
        close = difflib.get_close_matches(entry.key, names, n=1)
        hint = f'did you mean {close[0]}?' if close else None
        findings.append(_finding(
            'CFG101', entry, f'{entry.key} is not a Nova 34 option in '
            f'[{entry.section}]; Nova ignores it', subject, hint=hint))
    return None


def _convert_nova(entry, opt, findings):
    """Typed value of one nova.conf entry, or the default after a finding."""
    subject, text = _subject(entry), _as_text(entry.value)
    base = _BASE_TYPES[type(opt.type)]
    if text is None:
        findings.append(_finding('CFG110', entry, f'{entry.key} needs a '
                                 f'single value, not a '
                                 f'{type(entry.value).__name__}', subject))
        return opt.default
    if text.strip() == '' and opt.default is not None:
        findings.append(_finding('CFG110', entry, f'{entry.key} is empty: '
                                 'Nova would read None', subject))
        return opt.default
    try:
        value = base(text)
    except ValueError as e:
        findings.append(_finding('CFG110', entry, f'{entry.key} = {text!r}: '
                                 f'{_type_reason(base, e)}', subject))
        return opt.default
    return _check_limits(entry, opt, value, findings)


def _type_reason(base, error):
    if isinstance(base, types.Integer):
        return 'not an integer'
    if isinstance(base, types.Boolean):
        return 'not a boolean (true/false)'
    return str(error)


def _check_limits(entry, opt, value, findings):
    subject, kind = _subject(entry), opt.type
    low, high = getattr(kind, 'min', None), getattr(kind, 'max', None)
    if value is not None and low is not None and value < low:
        findings.append(_finding('CFG111', entry, f'{entry.key} = {value} is '
                                 f'below the minimum {low}', subject))
        return opt.default
    if value is not None and high is not None and value > high:
        findings.append(_finding('CFG111', entry, f'{entry.key} = {value} is '
                                 f'above the maximum {high}', subject))
        return opt.default
    choices = list(getattr(kind, 'choices', None) or ())
    if value is not None and choices and value not in choices:
        findings.append(_finding('CFG112', entry, f'{entry.key} = {value!r} '
                                 f'is not one of {", ".join(choices)}',
                                 subject))
        return opt.default
    _check_meaning(entry, value, findings)
    return value


def _check_meaning(entry, value, findings):
    subject = _subject(entry)
    if entry.key == 'max_concurrent_live_migrations' and value == 0:
        findings.append(_finding(
            'CFG113', entry, '0 ("unlimited") is deprecated since Nova 33 '
            'and will be removed', subject,
            hint='set an explicit limit, e.g. 1 to 5'))
    low = _POSITIVE.get(entry.key)
    if low is not None and value is not None and value < low:
        findings.append(_finding(
            'CFG114', entry, f'{entry.key} = {value} has no sensible '
            f'meaning (use {low} or more)', subject))
    if (entry.key == 'live_migration_scheme' and value
            and value not in LIBVIRT_SCHEMES):
        findings.append(_finding(
            'CFG112', entry, f'live_migration_scheme = {value!r} is not a '
            f'libvirt transport ({", ".join(LIBVIRT_SCHEMES)})', subject,
            severity='warning'))


def _classify_tls(entry, findings):
    field = model.TLS_FIELDS.get(entry.key)
    if field is not None and field.metadata['layer'] == entry.layer:
        return field
    if field is not None:
        other = _LAYER_FILE[field.metadata['layer']]
        findings.append(_finding(
            'CFG102', entry, f'{entry.key} belongs in {other}, not '
            f'{_LAYER_FILE[entry.layer]}', _subject(entry),
            hint=f'move it to {other}'))
        return None
    names = [f.name for f in model.tls_fields(entry.layer)]
    close = difflib.get_close_matches(entry.key, names, n=1, cutoff=0.88)
    if close:
        findings.append(_finding(
            'CFG101', entry, f'{entry.key} is not a {_LAYER_FILE[entry.layer]}'
            ' key; libvirt ignores it', _subject(entry),
            hint=f'did you mean {close[0]}?'))
    return None


def _convert_tls(entry, field, findings):
    kind, meta = field.metadata['kind'], field.metadata
    value, subject = entry.value, _subject(entry)
    if isinstance(value, str) and kind in ('flag', 'int', 'port'):
        value = int(value) if value.strip().lstrip('-').isdigit() else value
    if kind == 'flag':
        if value in (0, 1) and not isinstance(value, float):
            return bool(value)
        message = f'{entry.key} = {entry.value!r} must be 0 or 1'
    elif kind in ('int', 'port'):
        if isinstance(value, int) and not isinstance(value, bool):
            if meta['min'] <= value <= meta['max']:
                return value
            findings.append(_finding(
                'CFG111', entry, f'{entry.key} = {value} is outside '
                f'{meta["min"]}..{meta["max"]}', subject))
            return field.default
        message = f'{entry.key} = {entry.value!r} is not a number'
    elif not isinstance(value, str):
        message = f'{entry.key} = {entry.value!r} must be a "string"'
    elif kind == 'choice' and value not in meta['choices']:
        findings.append(_finding(
            'CFG112', entry, f'{entry.key} = {value!r} is not one of '
            f'{", ".join(meta["choices"])}', subject))
        return field.default
    else:
        return value
    findings.append(_finding('CFG110', entry, message, subject))
    return field.default


def _duplicate_ignored(source, earlier, entry, findings):
    """Report a key written twice in one source; True if ``entry`` is void.

    Nova's oslo.config takes the last value of a key; libvirt's config
    reader (libvirtd.conf, qemu.conf) takes the first one, so in those
    files the later line is ignored.
    """
    if entry.layer in source.first_wins:
        first = (earlier.origin or 'the tool') if earlier.implied \
            else f'line {earlier.line}'
        findings.append(_finding(
            'CFG105', entry, f'{entry.key} is already set by {first}; '
            'libvirt reads the first occurrence, so this line is ignored',
            _subject(entry)))
        return True
    if not (entry.implied or earlier.implied):
        findings.append(_finding(
            'CFG105', entry, f'{entry.key} is also set at line '
            f'{earlier.line}; this line wins', _subject(entry)))
    return False


def _deprecation(entry, opt, findings):
    if not opt.deprecated_for_removal:
        return
    how = f' (implied by {entry.origin})' if entry.origin else ''
    findings.append(_finding(
        'CFG103', entry, f'{entry.key} is deprecated for removal since Nova '
        f'{opt.deprecated_since}{how}', _subject(entry),
        hint=' '.join(opt.deprecated_reason.split())))


def _winners(sources, findings):
    """The deciding entry per (layer, key), in application order."""
    winners = {}
    for source in sources:
        seen = {}
        for entry in source.entries:
            slot = (entry.layer, entry.section, entry.key)
            if slot in seen and _duplicate_ignored(source, seen[slot], entry,
                                                   findings):
                continue
            seen[slot] = entry
            if entry.layer == model.NOVA:
                target = _classify_nova(entry, findings)
            else:
                target = _classify_tls(entry, findings)
            if target is not None:
                winners[(entry.layer, entry.key)] = (entry, target)
    return winners


def check_sources(sources):
    """Check every entry of ``sources`` (in order) and build the settings.

    Returns a :class:`Checked`; never raises for bad values (they become
    findings).
    """
    findings = []
    nova, tls, where = {}, {}, {}
    for (layer, key), (entry, target) in _winners(sources, findings).items():
        where[(layer, key)] = entry
        if layer == model.NOVA:
            _deprecation(entry, target, findings)
            nova[key] = _convert_nova(entry, target, findings)
        else:
            tls[key] = _convert_tls(entry, target, findings)
    facts = {}
    for source in sources:
        facts.update(source.facts)
    settings = model.Settings().replace(
        nova=nova, tls=tls,
        migration_interface=facts.get('migration_interface', (None,))[0],
        migration_network=facts.get('migration_network', (None,))[0])
    return Checked(
        settings=settings, where=where,
        layers=set().union(*(s.layers for s in sources)) if sources else set(),
        shared_files={s.path for s in sources if s.shared},
        forms={s.path: s.form for s in sources}, facts=facts,
        findings=findings,
        detections={s.path: s.detection for s in sources if s.detection})
