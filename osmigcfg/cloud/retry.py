"""Calling a whole cloud operation again after a transient failure.

:mod:`.http` retries single idempotent requests.  An operation made of
several requests (an import step's create, a copy step's upload) is called
again here, with longer pauses (a busy API gets about 11 s to recover).
When the operation includes a POST whose answer was lost, it may have
happened: ``look`` is asked first, and what it finds is the result.
"""

import time
from typing import Callable, TypeVar

from osmigcfg import exceptions
from osmigcfg.cloud import http

#: the pause before each new call of an operation
STEP_DELAYS = (0.5, 1.5, 3.0, 6.0)
T = TypeVar('T')


def again(func: Callable[[], T], *,
          look: Callable[[], T | None] | None = None,
          transient: Callable[[BaseException], bool] = http.is_transient,
          on_retry: Callable[[BaseException, int], None] | None = None,
          sleep: Callable[[float], object] = time.sleep) -> T:
    """``func()``, called again after a transient :class:`CloudError`.

    :param look: called after each pause, before ``func`` is called again;
        when it returns something other than None, that is the result
        (the earlier call did happen).
    :param transient: which errors are worth another call.
    :param on_retry: called as ``on_retry(error, attempt)`` (1-based)
        before each pause (the journal).
    :raises CloudError: a non-transient error, or the last transient one.
    """
    for attempt, delay in enumerate(STEP_DELAYS, start=1):
        try:
            return func()
        except exceptions.CloudError as e:
            if not transient(e):
                raise
            if on_retry is not None:
                on_retry(e, attempt)
        sleep(delay)
        if look is not None:
            found = look()
            if found is not None:
                return found
    return func()
