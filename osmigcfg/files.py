"""Reading and writing user files: one clear error, never half a file."""

import os
import pathlib
import tempfile

from osmigcfg import exceptions


def read_text(path):
    """Read a UTF-8 text file, raising FileReadError with the reason."""
    try:
        return pathlib.Path(path).read_text(encoding='utf-8')
    except FileNotFoundError:
        raise exceptions.FileReadError(path, 'no such file') from None
    except IsADirectoryError:
        raise exceptions.FileReadError(path, 'is a directory') from None
    except PermissionError:
        raise exceptions.FileReadError(path, 'permission denied') from None
    except UnicodeDecodeError as e:
        raise exceptions.FileReadError(
            path, f'not UTF-8 text (byte {e.start})') from None
    except OSError as e:
        raise exceptions.FileReadError(path, e.strerror or str(e)) from None


def write_atomic(path, text, mode=0o644):
    """Write ``text`` to ``path`` atomically (temp file + rename).

    Either the whole new content is there, or the old file is untouched.
    """
    path = pathlib.Path(path)
    directory = path.parent if str(path.parent) else pathlib.Path('.')
    if not directory.is_dir():
        raise exceptions.OutputError(path, f'no such directory {directory}')
    try:
        fd, tmp = tempfile.mkstemp(prefix=f'.{path.name}.', dir=directory)
    except OSError as e:
        raise exceptions.OutputError(path, e.strerror or str(e)) from None
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise exceptions.OutputError(path, e.strerror or str(e)) from None
