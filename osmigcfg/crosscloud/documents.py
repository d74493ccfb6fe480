"""Reading and writing the versioned YAML documents of a directory.

``read_directory`` validates everything it can and returns the documents
with a Report holding every problem (file, line, resource, field):
invalid YAML, a wrong format version, an unknown type, a bad entry, a
secret.  Entries with errors are kept out of the returned documents, so
a plan never works from a half-valid resource.  ``write_documents``
rewrites a file only when its text changed.
"""

import os
import pathlib

import yaml

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg import findings
from osmigcfg import inputs
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import validate

TOP_KEYS = (model.VERSION_KEY, 'type', 'exported_from', 'resources')
#: exported documents are readable by their owner only
DOCUMENT_MODE = 0o600


def render_document(document):
    """The YAML text of a document (header comment + data)."""
    header = model.HEADER.format(version=model.VERSION)
    body = yaml.safe_dump(document.to_yaml(), sort_keys=False,
                          default_flow_style=False, allow_unicode=True,
                          width=79)
    return header + body


def write_documents(directory: str | os.PathLike,
                    documents: list[model.Document]) -> list[pathlib.Path]:
    """Write each document to its type's file; return the changed paths.

    The files are private (:data:`DOCUMENT_MODE`: they describe whole
    projects), an unchanged one too.
    """
    directory = pathlib.Path(directory)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise exceptions.OutputError(directory, e.strerror or str(e)) from None
    changed = []
    for document in documents:
        path = directory / resources.get_type(document.type).file
        text = render_document(document)
        if path.is_file() and path.read_text(encoding='utf-8') == text:
            _make_private(path)
            continue
        files.write_atomic(path, text, mode=DOCUMENT_MODE)
        changed.append(path)
    return changed


def _make_private(path):
    try:
        os.chmod(path, DOCUMENT_MODE)
    except OSError as e:
        raise exceptions.OutputError(path, e.strerror or str(e)) from None


def _entry_lines(text):
    """Line numbers of the items of the top-level ``resources`` list."""
    try:
        node = inputs.compose_yaml(text, '<document>')
    except exceptions.YamlDocumentError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == 'resources' and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _error(code, path, message, line=None, subject=None, hint=None):
    return findings.make_finding(code, message, file=str(path), line=line,
                                 subject=subject, hint=hint)


def _header_errors(data, path):
    if not isinstance(data, dict):
        return [_error(codes.BAD_SHAPE, path, 'a document is a mapping with '
                       f'{", ".join(TOP_KEYS)}')]
    errors = []
    version = data.get(model.VERSION_KEY)
    if version != model.VERSION:
        what = ('has no format version' if version is None
                else f'is format version {version!r}')
        errors.append(_error(
            codes.VERSION_MISMATCH, path,
            f'{what}; this osmigcfg reads version {model.VERSION} '
            f'({model.VERSION_KEY}: {model.VERSION})'))
    kind = data.get('type')
    if kind not in resources.REGISTRY:
        errors.append(_error(
            codes.UNKNOWN_TYPE, path, f'unknown resource type {kind!r}',
            hint=f'known types: {", ".join(resources.known_types())}'))
    if not isinstance(data.get('resources', []), list):
        errors.append(_error(codes.BAD_SHAPE, path,
                             'resources: expected a list'))
    extra = [k for k in data if k not in TOP_KEYS]
    if extra:
        errors.append(_error(codes.BAD_SHAPE, path, (
            f'unknown top-level key(s) {", ".join(map(str, extra))}')))
    return errors


def _make_entry(kind, item, path, line):
    """An Entry from one ``resources`` item, or a shape finding."""
    if not isinstance(item, dict):
        return None, [_error(codes.BAD_SHAPE, path, 'a resource is a '
                             'mapping of source/params/info/migration',
                             line)]
    errors = []
    extra = [k for k in item if k not in model.ENTRY_KEYS]
    if extra:
        errors.append(_error(codes.BAD_SHAPE, path, (
            f'unknown key(s) {", ".join(map(str, extra))} (a resource has '
            f'{", ".join(model.ENTRY_KEYS)})'), line))
    parts = {}
    for key in model.ENTRY_KEYS:
        value = item.get(key)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            errors.append(_error(codes.BAD_SHAPE, path,
                                 f'{key}: expected a mapping', line))
            value = {}
        parts[key] = value
    if 'params' not in item or 'source' not in item:
        errors.append(_error(codes.BAD_SHAPE, path,
                             'a resource needs source and params', line))
    entry = model.Entry(kind, file=str(path), line=line, **parts)
    return entry, errors


def parse_document(text, path):
    """A Document and its findings from one file's text."""
    try:
        data = inputs.load_yaml(text, path)  # no aliases: no alias bombs
    except exceptions.YamlDocumentError as e:
        return None, [_error(codes.YAML_ERROR, path, e.reason, e.line,
                             hint=e.hint)]
    errors = _header_errors(data, path)
    if errors:
        return None, errors
    lines = _entry_lines(text)
    document = model.Document(data['type'], [], data.get(
        'exported_from') or {}, str(path))
    rtype = resources.get_type(data['type'])
    for index, item in enumerate(data.get('resources') or []):
        line = lines[index] if index < len(lines) else None
        entry, entry_errors = _make_entry(data['type'], item, path, line)
        if entry is not None and not entry_errors:
            entry_errors = validate.entry_errors(rtype, entry)
        errors.extend(entry_errors)
        if entry is not None and not entry_errors:
            document.entries.append(entry)
    return document, errors


def read_directory(directory: str | os.PathLike,
                   ) -> tuple[list[model.Document], findings.Report]:
    """Every document in ``directory`` and a Report of every problem.

    Raises FileReadError when the directory is missing or holds no
    ``*.yaml``; everything else is a finding.
    """
    directory = pathlib.Path(directory)
    if not directory.is_dir():
        raise exceptions.FileReadError(directory, 'not a directory')
    paths = sorted(directory.glob('*.yaml'))
    if not paths:
        raise exceptions.FileReadError(directory, 'no *.yaml documents here')
    report, documents = findings.Report(), []
    for path in paths:
        try:
            text = inputs.read_text(path)
        except exceptions.FileReadError as e:
            report.add(_error(codes.UNREADABLE, path,
                              e.message.replace(f'{path}: ', '', 1)))
            continue
        document, errors = parse_document(text, path)
        report.extend(errors)
        if document is not None:
            documents.append(document)
    entries = [e for d in documents for e in d.entries]
    report.extend(validate.duplicate_errors(entries))
    return documents, report
