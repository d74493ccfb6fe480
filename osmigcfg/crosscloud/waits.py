"""Waiting for a cloud resource to reach a status, with a timeout.

A timeout and a failure are different errors: a timeout
(:class:`~osmigcfg.exceptions.CrossCloudTimeout`) is resumable, a resource in a
failed state (:class:`~osmigcfg.exceptions.CrossCloudFailed`) needs an operator
or a redo.
"""

import time

from osmigcfg import exceptions

POLL = (0.2, 0.5, 1.0, 2.0)


def wait_status(fetch, wanted, failed=(), what='resource', timeout=600.0,
                sleep=time.sleep, clock=time.monotonic):
    """Poll ``fetch()`` (returning a dict with ``status``) until wanted.

    :param wanted: statuses that end the wait (case-insensitive).
    :param failed: statuses that raise at once.
    :returns: the last fetched dict.
    :raises CrossCloudFailed: a failed status.
    :raises CrossCloudTimeout: still not there after ``timeout`` seconds.
    """
    wanted = {s.lower() for s in wanted}
    failed = {s.lower() for s in failed}
    deadline = clock() + timeout
    attempt = 0
    while True:
        current = fetch()
        status = str(current.get('status', '')).lower()
        if status in wanted:
            return current
        if status in failed:
            raise exceptions.CrossCloudFailed(f'{what} is {status}')
        if clock() > deadline:
            raise exceptions.CrossCloudTimeout(
                f'{what} still {status} after {timeout:.0f} s')
        sleep(POLL[min(attempt, len(POLL) - 1)])
        attempt += 1
