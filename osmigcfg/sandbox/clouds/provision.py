"""Provision the local clouds' virtualenv on first use, and cache it.

keystone, glance, neutron and cinder need a virtualenv of their own
(SQLAlchemy 2.1; Nova, in ours, needs < 2.1).  :func:`ensure_venv` finds
one, in this order: ``$OSMIGCFG_CLOUDS_VENV`` (used as is, never
installed into), ``.venv-clouds`` of a source checkout, then the cache:
``$XDG_CACHE_HOME/osmigcfg`` (default ``~/.cache/osmigcfg``) holds
``clouds-venv-<digest of the requirements>``.  A missing cached venv is
built in a temporary directory next to it (pip's progress reported line by
line) and renamed into place only when complete, under a lock so two
``sandbox up`` never build it twice.  RabbitMQ is a system package: it is
named, with its install command, not installed.
"""

import contextlib
import fcntl
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

from osmigcfg import exceptions
from osmigcfg.sandbox import clouds

INSTALL_TIMEOUT = 1800


def cache_dir():
    """``$XDG_CACHE_HOME/osmigcfg``, else ``~/.cache/osmigcfg``."""
    base = os.environ.get('XDG_CACHE_HOME') or pathlib.Path.home() / '.cache'
    return pathlib.Path(base) / 'osmigcfg'


def cached_venv(requirements=None):
    """Where the cached venv for ``requirements`` lives (may not exist)."""
    if requirements is None:
        requirements = clouds.REQUIREMENTS
    digest = hashlib.sha256('\n'.join(requirements).encode()).hexdigest()
    return cache_dir() / f'clouds-venv-{digest[:12]}'


def _usable(venv):
    try:
        clouds.find_venv(venv)
    except exceptions.SandboxError:
        return False
    return True


def ensure_venv(progress=None, requirements=None, python=None):
    """A complete clouds virtualenv, installed into the cache if needed.

    ``progress(line)`` receives one line per install step.  Raises
    SandboxError when the install fails (the partial venv is removed).
    """
    if os.environ.get(clouds.VENV_ENV):
        return clouds.find_venv()
    if requirements is None and _usable(clouds.default_venv()):
        return clouds.default_venv()
    target = cached_venv(requirements)
    if requirements is None and _usable(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent / (target.name + '.lock')):
        if not target.exists():
            _build(target, tuple(clouds.REQUIREMENTS if requirements is None
                                 else requirements),
                   progress or (lambda line: None),
                   python or sys.executable)
    return target


@contextlib.contextmanager
def _locked(path):
    with open(path, 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build(target, requirements, progress, python):
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=target.name + '.',
                                        dir=target.parent))
    begin = time.monotonic()
    try:
        progress(f'creating the local clouds virtualenv in {target}')
        _run([python, '-m', 'venv', str(tmp)], progress, echo=False)
        progress(f'installing {" ".join(requirements)} (a few minutes, '
                 'once)')
        if requirements:
            _run([str(tmp / 'bin' / 'python'), '-m', 'pip', 'install',
                  '--progress-bar', 'off', *requirements], progress)
        # a venv's scripts name their interpreter by absolute path
        _run([str(tmp / 'bin' / 'python'), '-c', _RELOCATE, str(tmp),
              str(target)], progress, echo=False)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    progress(f'virtualenv ready in {time.monotonic() - begin:.0f} s')


#: rewrite the temporary path to the final one in scripts and pyvenv.cfg
_RELOCATE = '''
import pathlib, sys
old, new = sys.argv[1], sys.argv[2]
root = pathlib.Path(old)
for path in [root / "pyvenv.cfg", *(root / "bin").iterdir()]:
    if path.is_file() and not path.is_symlink():
        try:
            text = path.read_text()
        except (UnicodeDecodeError, OSError):
            continue
        if old in text:
            path.write_text(text.replace(old, new))
'''


def _run(argv, progress, echo=True):
    """Run an install step, passing its notable output lines on."""
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, text=True)
    except OSError as e:
        raise exceptions.SandboxError(f'cannot run {argv[0]}: {e}') from None
    tail = []
    deadline = time.monotonic() + INSTALL_TIMEOUT
    for line in proc.stdout:
        line = line.rstrip()
        tail = (tail + [line])[-8:]
        if echo and line.startswith(('Collecting', 'Installing',
                                     'Successfully')):
            progress(line[:160])
        if time.monotonic() > deadline:
            proc.kill()
            break
    if proc.wait() != 0:
        raise exceptions.SandboxError(
            f'installing the local clouds virtualenv failed: '
            f'{" / ".join(tail)}',
            hint='check the network or the package index, or point '
                 f'{clouds.VENV_ENV} at a virtualenv holding '
                 f'{" ".join(clouds.REQUIREMENTS)}')
