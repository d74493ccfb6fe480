import threading
import time

from osmigcfg.engine import windows


def _start(w, holder, keys, log):
    def run():
        w.acquire(holder, keys)
        log.append(holder)
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_per_key_limit_blocks_only_that_key():
    w = windows.Windows({'source': 1})
    assert w.acquire('a', [('source', 'h1')], timeout=0)
    assert not w.acquire('b', [('source', 'h1')], timeout=0.05)
    assert w.acquire('c', [('source', 'h2')], timeout=0)
    assert w.in_flight('source', 'h1') == 1
    assert w.in_flight() == 2


def test_global_limit_counts_every_holder():
    w = windows.Windows({'global': 2})
    assert w.acquire('a', [('source', 'h1')], timeout=0)
    assert w.acquire('b', [('source', 'h2')], timeout=0)
    assert not w.acquire('c', [('source', 'h3')], timeout=0.05)
    w.release('a')
    assert w.acquire('c', [('source', 'h3')], timeout=0)


def test_keys_are_taken_all_at_once_or_not_at_all():
    w = windows.Windows({'source': 1, 'dest': 1})
    assert w.acquire('a', [('source', 'h1'), ('dest', 'h2')], timeout=0)
    assert not w.acquire('b', [('source', 'h3'), ('dest', 'h2')], timeout=0.05)
    # the failed attempt must not have kept source h3
    assert w.in_flight('source', 'h3') == 0
    assert w.acquire('c', [('source', 'h3'), ('dest', 'h4')], timeout=0)


def test_waiters_are_served_in_plan_order():
    w = windows.Windows({'source': 1})
    w.acquire('first', [('source', 'h')])
    log = []
    threads = []
    for name in ('x1', 'x2', 'x3'):
        threads.append(_start(w, name, [('source', 'h')], log))
        time.sleep(0.02)
    for name in ('first', 'x1', 'x2'):
        w.release(name)
        deadline = time.monotonic() + 1
        while len(log) < ('first', 'x1', 'x2').index(name) + 1:
            assert time.monotonic() < deadline
            time.sleep(0.005)
    for t in threads:
        t.join(1)
    assert log == ['x1', 'x2', 'x3']


def test_a_blocked_host_does_not_hold_up_another_host():
    w = windows.Windows({'source': 1})
    w.acquire('busy', [('source', 'h1')])
    log = []
    _start(w, 'blocked', [('source', 'h1')], log)
    time.sleep(0.02)
    assert w.acquire('free', [('source', 'h2')], timeout=0.5)
    assert log == []


def test_reacquire_and_occupy_are_idempotent_per_holder():
    w = windows.Windows({'source': 1})
    w.occupy('a', [('source', 'h')])
    assert w.acquire('a', [('source', 'h')], timeout=0)
    assert w.in_flight('source', 'h') == 1
    w.occupy('b', [('source', 'h')])  # beyond the limit: running already
    assert w.in_flight('source', 'h') == 2
    w.release('a')
    w.release('a')
    assert w.holders() == ['b']


def test_on_wait_is_called_once_when_waiting():
    w = windows.Windows({'global': 1})
    w.acquire('a', [])
    calls = []
    assert not w.acquire('b', [], timeout=0.05, on_wait=lambda: calls.append(1))
    assert calls == [1]
