import pytest

from osmigcfg.migrate import stall


def _rec(remaining, status='running'):
    return {'id': 7, 'status': status, 'memory_remaining_bytes': remaining,
            'disk_remaining_bytes': 0}


def test_falling_bytes_never_stall():
    watch = stall.StallWatch(stall.StallPolicy('abort', after=10))
    assert not any(watch.observe(_rec(1000 - t), t) for t in range(0, 60, 5))


def test_flat_bytes_stall_once_after_the_delay():
    watch = stall.StallWatch(stall.StallPolicy('force-complete', after=10))
    seen = [watch.observe(_rec(500), t) for t in range(0, 40, 5)]
    assert seen == [False, False, True, False, False, False, False, False]


def test_queued_migrations_do_not_stall():
    watch = stall.StallWatch(stall.StallPolicy(after=1))
    assert not any(watch.observe(_rec(500, 'queued'), t) for t in range(10))


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        stall.StallPolicy('explode')
