"""Calling an operation again: how often, and looking before a re-create."""

import pytest

from osmigcfg import exceptions
from osmigcfg.cloud import retry


def _flaky(failures, error):
    """An operation failing ``failures`` times with ``error``, then 'ok'."""
    calls = []

    def operation():
        calls.append(1)
        if len(calls) <= failures:
            raise error
        return 'ok'
    return operation, calls


BUSY = exceptions.TransientError('create port', 503, 'busy')


def test_a_busy_api_gets_every_pause_then_the_last_error():
    operation, calls = _flaky(99, BUSY)
    pauses, seen = [], []
    with pytest.raises(exceptions.TransientError):
        retry.again(operation, sleep=pauses.append,
                    on_retry=lambda e, n: seen.append(n))
    assert pauses == list(retry.STEP_DELAYS)
    assert len(calls) == len(retry.STEP_DELAYS) + 1
    assert seen == list(range(1, len(retry.STEP_DELAYS) + 1))


def test_a_refusal_is_not_called_again():
    operation, calls = _flaky(1, exceptions.CloudRequestError(
        'create port', 409, 'conflict'))
    with pytest.raises(exceptions.CloudRequestError):
        retry.again(operation, sleep=lambda s: None)
    assert len(calls) == 1


def test_it_looks_before_creating_again_and_adopts_what_it_finds():
    operation, calls = _flaky(1, BUSY)
    found = iter([None, 'made-by-the-lost-call'])
    result = retry.again(operation, look=lambda: next(found),
                         sleep=lambda s: None)
    assert result == 'ok' and len(calls) == 2  # the first look found nothing
    operation, calls = _flaky(5, BUSY)
    assert retry.again(operation, look=lambda: 'made', sleep=lambda s: None) \
        == 'made'
    assert len(calls) == 1


def test_the_caller_decides_what_is_transient():
    timeout = exceptions.CrossCloudTimeout('volume not available in 60 s')
    operation, calls = _flaky(2, timeout)
    assert retry.again(operation, sleep=lambda s: None, transient=lambda e: (
        isinstance(e, exceptions.CrossCloudTimeout))) == 'ok'
    assert len(calls) == 3
