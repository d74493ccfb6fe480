"""Writing output files atomically; reading goes through :mod:`inputs`.

:func:`write_atomic` is the one way osmigcfg writes a file: a private
temporary file created with ``O_EXCL`` in the target's directory (a planted
``<path>.tmp`` symlink is never followed), fsynced, then renamed over the
target.  The new file keeps the mode of the file it replaces; a new file
gets ``0666`` less the umask, like any other tool's output; a caller that
writes something private passes ``mode=0o600``.
"""

import os
import pathlib
import secrets
import stat

from osmigcfg import exceptions
from osmigcfg import inputs

_TEMP_ATTEMPTS = 100


def read_text(path):
    """A user's UTF-8 text file (bounded, regular files only).

    The same as :func:`osmigcfg.inputs.read_text`, kept here for callers.
    :raises: FileReadError with the reason
    """
    return inputs.read_text(path)


def _create_private_temp(directory, name):
    """(fd, path) of a new file no one else could have planted."""
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW |
             os.O_CLOEXEC)
    for _ in range(_TEMP_ATTEMPTS):
        tmp = directory / f'.{name}.{secrets.token_hex(6)}.tmp'
        try:
            # 0o666: the umask decides, as for any file a tool creates
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f'no free temporary name in {directory}')


def _target_mode(path):
    """The mode of the file being replaced, or None for a new file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else None


def write_atomic(path, data, mode=None):
    """Write ``data`` (str as UTF-8, or bytes) to ``path`` atomically.

    Either the whole new content is there, or the old file is untouched.

    :param mode: the file's permission bits; by default those of the file
        being replaced, else ``0666`` less the umask
    :raises: OutputError naming the path and the reason
    """
    path = pathlib.Path(path)
    directory = path.parent if str(path.parent) else pathlib.Path('.')
    if not directory.is_dir():
        raise exceptions.OutputError(path, f'no such directory {directory}')
    if isinstance(data, str):
        data = data.encode('utf-8')
    keep = mode if mode is not None else _target_mode(path)
    try:
        fd, tmp = _create_private_temp(directory, path.name)
    except OSError as e:
        raise exceptions.OutputError(path, e.strerror or str(e)) from None
    try:
        with os.fdopen(fd, 'wb') as f:
            if keep is not None:
                os.fchmod(f.fileno(), keep)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise exceptions.OutputError(path, e.strerror or str(e)) from None
