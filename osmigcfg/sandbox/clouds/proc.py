"""Child processes of the local clouds: start, watch, measure, stop.

Every service runs in its own session (process group), so stopping it
reaches its workers and helpers too: SIGTERM to the group, then SIGKILL
to whatever is left.  One-shot setup commands (``db_sync`` ...) run to
completion with their output in a log file; a failure raises SandboxError
with the last lines of that log, known passwords masked.
"""

import logging
import os
import pathlib
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from osmigcfg import exceptions

LOG = logging.getLogger(__name__)
PAGE_KB = os.sysconf('SC_PAGE_SIZE') // 1024


def free_ports(count):
    """``count`` distinct TCP ports on 127.0.0.1 that are free right now."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(('127.0.0.1', 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def mask(text, secrets):
    """``text`` with every secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, '***')
    return text


def log_tail(path, secrets=(), lines=8):
    """The last lines of a log file, secrets masked ('' when absent)."""
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 16384))
            text = f.read().decode('utf-8', 'replace')
    except OSError:
        return ''
    return mask('\n'.join(text.splitlines()[-lines:]), secrets)


def group_pids(pgid):
    """PIDs of the live processes in process group ``pgid``."""
    pids = []
    for entry in pathlib.Path('/proc').iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / 'stat').read_text()
        except OSError:
            continue
        fields = stat.rsplit(')', 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != 'Z':
            pids.append(int(entry.name))
    return pids


def rss_kb(pids):
    """Resident memory of ``pids`` together, in KiB."""
    total = 0
    for pid in pids:
        try:
            total += int(pathlib.Path(f'/proc/{pid}/statm').read_text()
                         .split()[1]) * PAGE_KB
        except (OSError, IndexError, ValueError):
            pass
    return total


def run_step(name, argv, env, log_path, *, secrets=(), timeout=300,
             cwd=None):
    """Run a setup command to completion; SandboxError on failure."""
    LOG.debug('sandbox step %s: %s', name, argv[0])
    with open(log_path, 'ab') as log:
        try:
            result = subprocess.run(
                argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, timeout=timeout, cwd=cwd,
                check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise exceptions.SandboxError(
                f'local clouds: {name} failed: {e}') from None
    if result.returncode != 0:
        raise exceptions.SandboxError(
            f'local clouds: {name} exited {result.returncode}: '
            f'{log_tail(log_path, secrets)}',
            hint=f'full log: {log_path}')


class ServiceProcess:
    """A long-running service in its own process group, logging to a file."""

    def __init__(self, name, argv, env, log_path, cwd=None):
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.log_path = pathlib.Path(log_path)
        self.cwd = cwd
        self.proc = None

    def start(self):
        """Spawn the process in a new session (its own process group)."""
        LOG.debug('sandbox: starting %s', self.name)
        with open(self.log_path, 'ab') as log:
            self.proc = subprocess.Popen(
                self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=self.cwd,
                start_new_session=True)
        return self

    @property
    def pgid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def check_alive(self, secrets=()):
        """Raise SandboxError when the service has exited."""
        if self.proc is not None and self.proc.poll() is not None:
            raise exceptions.SandboxError(
                f'local clouds: {self.name} exited with status '
                f'{self.proc.returncode}: {log_tail(self.log_path, secrets)}',
                hint=f'full log: {self.log_path}')

    def pids(self):
        return group_pids(self.pgid) if self.proc else []

    def rss_kb(self):
        return rss_kb(self.pids())

    def stop(self, timeout=10):
        """SIGTERM the group, SIGKILL what is left after ``timeout``."""
        if self.proc is None:
            return
        _signal_group(self.pgid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.pids() and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.pids():
            LOG.warning('sandbox: %s did not stop on SIGTERM, killing',
                        self.name)
            _signal_group(self.pgid, signal.SIGKILL)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def _signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def _wait_until(answers, services, timeout, secrets, failure):
    """Poll ``answers()`` until it is true, while ``services`` live.

    :raises SandboxError: a service died, or ``failure`` after ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while True:
        for service in services:
            service.check_alive(secrets)
        if answers():
            return
        if time.monotonic() > deadline:
            raise exceptions.SandboxError(f'local clouds: {failure}')
        time.sleep(0.1)


def wait_http(url, services, timeout=120, secrets=()):
    """Wait until ``url`` answers HTTP (any status) while ``services`` live."""
    def answers():
        try:
            with urllib.request.urlopen(url, timeout=5):
                return True
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, OSError):
            return False
    _wait_until(answers, services, timeout, secrets,
                f'{url} did not answer within {timeout} s')


def wait_tcp(port, services, timeout=60, secrets=()):
    """Wait until 127.0.0.1:``port`` accepts connections."""
    def answers():
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=2):
                return True
        except OSError:
            return False
    _wait_until(answers, services, timeout, secrets,
                f'nothing listens on 127.0.0.1:{port} after {timeout} s')
