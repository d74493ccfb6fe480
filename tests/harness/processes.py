"""Killing the command under test, as a crash would (test-only)."""


def sigkill(proc):
    """SIGKILL ``proc`` unless it has ended, then reap it (no zombie).

    ``Popen.kill`` sends SIGKILL on POSIX: nothing of osmigcfg's runs on
    the way out, as when the machine or the OOM killer stops it.
    """
    if proc.poll() is None:
        proc.kill()
    proc.wait()
