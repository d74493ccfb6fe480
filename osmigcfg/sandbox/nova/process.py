"""A child service process that announces itself with one READY line.

The protocol ``nova_server`` speaks: the child prints
``READY {json}`` on stdout when it serves, logs to stderr (a file here, so a
chatty child can never block on a full pipe), and exits when its stdin
closes.  This class starts such a child, waits for READY with a deadline,
and stops it without leaving anything behind.
"""

import json
import logging
import os
import queue
import subprocess
import threading
import time

from osmigcfg import exceptions

LOG = logging.getLogger(__name__)


class ChildProcess:
    """One READY-protocol child: ``start()`` -> READY data, ``stop()``."""

    def __init__(self, name, cmd, log_path, cwd=None, env=None):
        self.name = name
        self.cmd = list(cmd)
        self.log_path = log_path
        self.cwd = cwd
        self.env = env
        self._proc = None
        self._log = None
        self._reader = None
        self._ready = queue.Queue()

    @property
    def running(self):
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout, hint_for=None):
        """Spawn and wait for READY; returns its JSON data.

        :param hint_for: ``callable(log_tail) -> hint or None`` to explain a
            failed start (for example, a missing package).
        :raises SandboxError: the child exited or stayed silent for
            ``timeout`` seconds; the message holds its last log lines.
        """
        self._log = open(self.log_path, 'ab')
        self._proc = subprocess.Popen(
            self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._log, cwd=self.cwd, env=self.env)
        self._reader = threading.Thread(
            target=self._read_stdout, daemon=True, name=f'{self.name}-stdout')
        self._reader.start()
        try:
            return self._wait_ready(time.monotonic() + timeout, timeout)
        except exceptions.SandboxError as e:
            tail = self.log_tail()
            self.stop()
            hint = hint_for(tail) if hint_for else None
            raise exceptions.SandboxError(
                f'{e.message}; its last log lines:\n{tail}', hint=hint
            ) from None

    def stop(self, grace=15.0):
        """Close stdin, SIGTERM, wait ``grace`` s, then SIGKILL; idempotent."""
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(grace)
                except subprocess.TimeoutExpired:
                    LOG.warning('%s (pid %s) ignored SIGTERM; killing it',
                                self.name, proc.pid)
                    proc.kill()
                    proc.wait()
            self._reader.join(5)  # the pipe is at EOF now
            proc.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines=20):
        """The last ``lines`` lines of the child's stderr log."""
        try:
            with open(self.log_path, 'rb') as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 16384))
                text = f.read().decode('utf-8', 'replace')
        except OSError:
            return ''
        return '\n'.join(text.splitlines()[-lines:])

    def _read_stdout(self):
        """Hand the READY line over, then keep draining the pipe."""
        for raw in self._proc.stdout:
            line = raw.decode('utf-8', 'replace').strip()
            if line.startswith('READY '):
                self._ready.put(json.loads(line[len('READY '):]))
            elif line:
                LOG.debug('%s stdout: %s', self.name, line)
        self._ready.put(None)

    def _wait_ready(self, deadline, timeout):
        while True:
            try:
                ready = self._ready.get(timeout=0.1)
            except queue.Empty:
                ready = False
            if ready:
                return ready
            status = self._proc.poll()
            if status is not None:
                raise exceptions.SandboxError(
                    f'{self.name} exited with status {status} before it was '
                    f'ready')
            if time.monotonic() > deadline:
                raise exceptions.SandboxError(
                    f'{self.name} did not start within {timeout:.0f} s')
