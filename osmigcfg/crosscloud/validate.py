"""Validation of document entries: every problem, not just the first.

Each ``*_errors`` function returns a list of findings (file, line,
``type name`` subject, and the field in the message); nothing raises.
"""

import difflib
import re

from osmigcfg import findings
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import resources

#: key names that hold secrets (a segment of the key, any case)
SECRET_KEY = re.compile(
    r'(^|[_:.\-])(password|passwd|secret|private_?key|token|credentials?|'
    r'api_?key|adminpass)($|[_:.\-])', re.IGNORECASE)
SECRET_VALUE = re.compile(r'-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----')
#: a server's user data (cloud-init, scripts) mentioning any of these is
#: taken for holding a secret (chpasswd, tokens in a script ...)
SECRET_TEXT = re.compile(
    r'password|passwd|secret|private_?key|token|credential|api_?key|'
    r'adminpass', re.IGNORECASE)
#: the keys whose string values are free text checked with SECRET_TEXT
FREE_TEXT_KEYS = ('user_data',)
#: what :func:`split_secrets` makes of a string holding a secret
_SECRET = object()


def _finding(code, entry_or_file, message, line=None, subject=None):
    if isinstance(entry_or_file, model.Entry):
        return findings.make_finding(
            code, message, file=entry_or_file.file, line=entry_or_file.line,
            subject=subject or entry_or_file.label)
    return findings.make_finding(code, message, file=entry_or_file,
                                 line=line, subject=subject)


def _kind_ok(value, kinds):
    if value is None:
        return True
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds)


def _kind_names(kinds):
    names = {bool: 'true/false', int: 'an integer', str: 'a string',
             list: 'a list', dict: 'a mapping'}
    return ' or '.join(names.get(k, k.__name__) for k in kinds)


def split_secrets(value, path=()):
    """``(value without its secrets, [(path, why)] of each one left out)``.

    The one secret detector: import refuses what it finds
    (:func:`secret_errors`), export leaves it out.  A secret-looking key
    (:data:`SECRET_KEY`, any nesting) is dropped with its whole value; a
    string holding a private key (:data:`SECRET_VALUE`) is dropped.  The
    reasons never repeat the secret.
    """
    found = []
    if isinstance(value, dict):
        clean = {}
        for key, item in value.items():
            sub = path + (str(key),)
            if SECRET_KEY.search(str(key)):
                found.append((sub, 'a secret field'))
                continue
            item, inner = split_secrets(item, sub)
            found.extend(inner)
            if item is not _SECRET:
                clean[key] = item
        return clean, found
    if isinstance(value, list):
        clean = []
        for index, item in enumerate(value):
            item, inner = split_secrets(item, path + (index,))
            found.extend(inner)
            if item is not _SECRET:
                clean.append(item)
        return clean, found
    if isinstance(value, str) and SECRET_VALUE.search(value):
        return _SECRET, [(path, 'holds a private key')]
    if isinstance(value, str) and path and path[-1] in FREE_TEXT_KEYS \
            and SECRET_TEXT.search(value):
        return _SECRET, [(path, 'mentions a password, token or key')]
    return value, found


def secret_errors(value, where, path=()):
    """Findings for secret-looking keys or values anywhere in ``value``.

    ``where`` is the entry (or file) the findings point at.  The secret's
    value is never repeated in the message.
    """
    return [_finding(codes.SECRET, where, (
        f'{model.path_text(sub)}: {why}; refused'))
        for sub, why in split_secrets(value, path)[1]]


def _ref_shape_errors(entry, ref, path, expected=None):
    where = f'params.{model.path_text(path)}'
    if ref.get('ref') not in resources.REGISTRY:
        return [_finding(codes.UNKNOWN_TYPE, entry, (
            f'{where}: reference to unknown type {ref.get("ref")!r}'))]
    errors = []
    if expected and ref['ref'] != expected:
        errors.append(_finding(codes.WRONG_REF_TYPE, entry, (
            f'{where}: refers to a {ref["ref"]}, expected a {expected}')))
    if not isinstance(ref.get('name'), str) or not ref['name']:
        errors.append(_finding(codes.BAD_VALUE, entry, (
            f'{where}: a reference needs a name')))
    extra = set(ref) - {'ref', 'name', 'project'}
    if extra or not isinstance(ref.get('project', ''), (str, type(None))):
        errors.append(_finding(codes.BAD_SHAPE, entry, (
            f'{where}: a reference is {{ref, name, project}} only')))
    return errors


def _param_errors(rtype, entry, key, value):
    param = rtype.param(key)
    if param is None:
        close = difflib.get_close_matches(key, [p.key for p in rtype.params],
                                          n=1)
        hint = f'did you mean {close[0]!r}?' if close else (
            f'{rtype.type} has: {", ".join(p.key for p in rtype.params)}')
        return [findings.make_finding(
            codes.UNKNOWN_FIELD, f'params.{key}: not a {rtype.type} field',
            file=entry.file, line=entry.line, subject=entry.label, hint=hint)]
    kinds = param.kinds
    if param.ref and list not in kinds:
        kinds = (dict,)  # a single reference mapping
    if not _kind_ok(value, kinds):
        return [_finding(codes.BAD_VALUE, entry, (
            f'params.{key}: expected {_kind_names(kinds)}'))]
    errors = []
    if param.ref:
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            path = (key, index) if isinstance(value, list) else (key,)
            if item is not None and not model.is_ref(item):
                errors.append(_finding(codes.BAD_VALUE, entry, (
                    f'params.{model.path_text(path)}: expected a reference '
                    f'{{ref: {param.ref}, name: ...}}')))
    return errors


def _knob_errors(rtype, entry):
    errors = []
    knobs = {k.name: k for k in rtype.knobs}
    for name, value in entry.migration.items():
        knob = knobs.get(name)
        if knob is None:
            known = ', '.join(knobs) or 'none'
            errors.append(_finding(codes.BAD_KNOB, entry, (
                f'migration.{name}: unknown knob (known: {known})')))
        elif knob.choices and value is not None and value not in knob.choices:
            errors.append(_finding(codes.BAD_KNOB, entry, (
                f'migration.{name}: {value!r} is not one of '
                f'{", ".join(knob.choices)}')))
        elif not _kind_ok(value, knob.kinds):
            errors.append(_finding(codes.BAD_KNOB, entry, (
                f'migration.{name}: expected {_kind_names(knob.kinds)}')))
    return errors


def entry_errors(rtype, entry):
    """Every problem of one entry of a known type."""
    errors = secret_errors(entry.to_yaml(), entry)
    if not isinstance(entry.name, str) or not entry.name:
        errors.append(_finding(codes.MISSING_FIELD, entry,
                               'source.name: missing'))
    for key, value in entry.params.items():
        if not SECRET_KEY.search(str(key)):  # a secret is already refused
            errors.extend(_param_errors(rtype, entry, key, value))
    for param in rtype.params:
        if param.required and entry.params.get(param.key) in (None, ''):
            errors.append(_finding(codes.MISSING_FIELD, entry,
                                   f'params.{param.key}: required'))
    for path, ref in model.walk_refs(entry.params):
        param = rtype.param(path[0]) if path else None
        errors.extend(_ref_shape_errors(
            entry, ref, path, param.ref if param and len(path) <= 2 else None))
    errors.extend(_knob_errors(rtype, entry))
    return errors


def duplicate_errors(entries):
    """Two entries of a type with one source identity or one target name."""
    errors, sources, targets = [], {}, {}
    for entry in entries:
        rtype = resources.REGISTRY.get(entry.type)
        if entry.key in sources:
            errors.append(_finding(codes.DUPLICATE, entry, (
                f'source identity also used at line {sources[entry.key]}')))
        sources.setdefault(entry.key, entry.line)
        name = entry.params.get('name')
        if rtype and not rtype.nameless and name:
            target = (entry.type, name, entry.project)
            if target in targets:
                errors.append(_finding(codes.DUPLICATE, entry, (
                    f'params.name {name!r} also used at line '
                    f'{targets[target]}')))
            targets.setdefault(target, entry.line)
    return errors
