"""Reading user input: bounded, regular files only, YAML without aliases.

Every file a user hands to osmigcfg (policy files, settings files,
inventories, certificates, cross-cloud documents) is read here:

* only a regular file is read (a FIFO, ``/dev/zero`` or a directory is
  refused before it is opened, so nothing blocks or streams forever);
* at most :func:`max_input_size` bytes (16 MiB unless the CLI's
  ``--max-input-size`` says otherwise), so a huge file is refused instead
  of eating memory;
* YAML is loaded only after a linear scan of its events has found no
  anchor or alias (an alias bomb expands exponentially) and no nesting
  deeper than :data:`MAX_YAML_DEPTH`; every problem, including the
  ValueError/TypeError/RecursionError a constructor may raise, becomes
  :class:`~osmigcfg.exceptions.YamlDocumentError` with the file and line.
"""

import contextlib
import contextvars
import os
import stat
import sys

import yaml

from osmigcfg import exceptions

DEFAULT_MAX_INPUT_SIZE = 16 * 1024 * 1024
#: deeper YAML nesting than this is refused (no user document needs it)
MAX_YAML_DEPTH = 100
STDIN = '-'
#: a file path argument, as the public functions take it
PathArg = str | os.PathLike[str]

_MAX_SIZE = contextvars.ContextVar('osmigcfg_max_input_size',
                                   default=DEFAULT_MAX_INPUT_SIZE)
_KINDS = ((stat.S_ISDIR, 'a directory'), (stat.S_ISFIFO, 'a FIFO'),
          (stat.S_ISCHR, 'a character device'),
          (stat.S_ISBLK, 'a block device'), (stat.S_ISSOCK, 'a socket'))


def max_input_size():
    """The largest input, in bytes, that readers accept right now."""
    return _MAX_SIZE.get()


@contextlib.contextmanager
def input_size_limit(max_bytes):
    """Within the block, readers accept at most ``max_bytes`` per file."""
    if max_bytes is None or max_bytes <= 0:
        raise ValueError(f'an input size limit must be positive: '
                         f'{max_bytes!r}')
    token = _MAX_SIZE.set(max_bytes)
    try:
        yield
    finally:
        _MAX_SIZE.reset(token)


def describe_size(size):
    """``16 MiB``, ``512 KiB`` or ``100 bytes``."""
    for unit, factor in (('GiB', 1 << 30), ('MiB', 1 << 20),
                         ('KiB', 1 << 10)):
        if size >= factor:
            value = size / factor
            return f'{value:.0f} {unit}' if value == int(value) else (
                f'{value:.1f} {unit}')
    return f'{size} bytes'


def _too_large(path, limit, size=None):
    what = f'is {describe_size(size)}, ' if size else ''
    return exceptions.FileReadError(
        path, f'{what}more than the {describe_size(limit)} an input may be',
        hint='give a smaller file, or raise --max-input-size')


def _require_regular(path, st):
    if stat.S_ISREG(st.st_mode):
        return
    kind = next((name for test, name in _KINDS if test(st.st_mode)),
                'not a file')
    raise exceptions.FileReadError(
        path, f'is {kind}, not a regular file',
        hint='give the path of a regular file')


def _os_error(path, error):
    reasons = {FileNotFoundError: 'no such file',
               IsADirectoryError: 'is a directory',
               PermissionError: 'permission denied'}
    reason = reasons.get(type(error)) or error.strerror or str(error)
    return exceptions.FileReadError(path, reason)


def _read_bounded(fileobj, path, limit):
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        raise _too_large(path, limit)
    return data


def read_bytes(path, *, allow_stdin=False):
    """The bytes of a regular file, at most :func:`max_input_size`.

    ``path`` is checked with ``os.stat`` before it is opened: a FIFO, a
    device or a directory is refused at once.  With ``allow_stdin``, ``-``
    reads standard input (under the same limit).

    :raises: FileReadError naming the path and the reason
    """
    limit = max_input_size()
    if allow_stdin and str(path) == STDIN:
        return _read_bounded(sys.stdin.buffer, '<stdin>', limit)
    try:
        st = os.stat(path)
        _require_regular(path, st)
        if st.st_size > limit:
            raise _too_large(path, limit, st.st_size)
        # O_NONBLOCK: should the path become a FIFO after the check, the
        # open does not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY |
                     os.O_CLOEXEC)
    except OSError as e:
        raise _os_error(path, e) from None
    with os.fdopen(fd, 'rb') as f:
        try:
            _require_regular(path, os.fstat(fd))
            return _read_bounded(f, path, limit)
        except OSError as e:
            raise _os_error(path, e) from None


def decode_text(data, path):
    """UTF-8 text of ``data``; FileReadError naming the line otherwise."""
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError as e:
        line = data.count(b'\n', 0, e.start) + 1
        raise exceptions.FileReadError(
            path, f'line {line}: not UTF-8 text (byte {e.start})') from None


def read_text(path, *, allow_stdin=False):
    """A UTF-8 text file read with :func:`read_bytes` (same limits)."""
    return decode_text(read_bytes(path, allow_stdin=allow_stdin), path)


# --- YAML -----------------------------------------------------------------

_SAFE_BASE = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
_OPENERS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSERS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class SafeLoader(_SAFE_BASE):
    """PyYAML's safe loader whose constructors fail with a line.

    A constructor's ValueError/TypeError/OverflowError (a date such as
    ``2024-13-45``, an unhashable key) becomes a ConstructorError at the
    node that caused it.
    """

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as e:
            raise yaml.constructor.ConstructorError(
                None, None, f'{e.__class__.__name__}: {e}',
                node.start_mark) from None


def _line(mark):
    return mark.line + 1 if mark is not None else None


def _yaml_error(path, error):
    mark = (getattr(error, 'problem_mark', None)
            or getattr(error, 'context_mark', None))
    problem = (getattr(error, 'problem', None)
               or str(error).strip().splitlines()[0])
    return exceptions.YamlDocumentError(path, _line(mark),
                                        f'not valid YAML: {problem}')


def _scan_errors(text, path, loader):
    """Refuse anchors, aliases and deep nesting by a linear event scan."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(
                event, 'anchor', None):
            what = 'alias *' if isinstance(event, yaml.AliasEvent) else (
                'anchor &')
            raise exceptions.YamlDocumentError(
                path, _line(event.start_mark),
                f'YAML {what}{event.anchor} is not accepted',
                hint='write the value out in full: osmigcfg refuses YAML '
                     'anchors and aliases in its inputs')
        if isinstance(event, _OPENERS):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise exceptions.YamlDocumentError(
                    path, _line(event.start_mark),
                    f'nested deeper than {MAX_YAML_DEPTH} levels')
        elif isinstance(event, _CLOSERS):
            depth -= 1


def _guarded(call, text, path, loader):
    try:
        _scan_errors(text, path, loader)
        return call()
    except yaml.YAMLError as e:
        raise _yaml_error(path, e) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as e:
        raise exceptions.YamlDocumentError(
            path, None, f'not valid YAML: {e.__class__.__name__}: {e}'
        ) from None


def load_yaml(text, path, *, loader=SafeLoader):
    """One YAML document of a user's file, loaded safely.

    :param loader: a subclass of :class:`SafeLoader` (e.g. one that
        records lines)
    :raises: YamlDocumentError (path, line, reason): not YAML, an alias or
        anchor, too deep, or a value no constructor accepts
    """
    return _guarded(lambda: yaml.load(text, Loader=loader),  # noqa: S506
                    text, path, loader)


def compose_yaml(text, path, *, loader=_SAFE_BASE):
    """The node tree of one YAML document (same checks as load_yaml).

    :param loader: the parser to use; ``yaml.SafeLoader`` (pure Python)
        where the document must parse exactly as a library that uses it
        will parse it (oslo.policy's ``yaml.safe_load``): libyaml accepts
        a few texts PyYAML refuses
    """
    return _guarded(lambda: yaml.compose(text, Loader=loader), text, path,
                    loader)
