import io
import json

from osmigcfg.migrate import progress


def _events():
    yield {'ts': 0.0, 'kind': 'run.plan', 'item': None, 'movers': 4}
    yield {'ts': 0.1, 'kind': 'item.started', 'item': 'a', 'name': 'vm-a'}
    yield {'ts': 0.1, 'kind': 'item.queued', 'item': 'b'}
    yield {'ts': 10.0, 'kind': 'item.migrated', 'item': 'a', 'name': 'vm-a'}
    yield {'ts': 12.0, 'kind': 'item.failed', 'item': 'c', 'reason': 'boom'}


def test_eta_is_the_completion_rate_times_what_is_left():
    state = progress.ProgressState(0, clock=lambda: 12.0)
    for e in _events():
        state.feed(e)
    assert state.total == 4
    assert state.eta() == 12.0  # 6 s per server so far, 2 left
    assert state.summary_line() == (
        '2/4 done (1 migrated, 1 failed, 0 skipped) | 0 running, 1 queued | '
        '12s elapsed, ETA 12s')


def test_a_maintenance_counts_all_its_waves_not_the_last_drain():
    state = progress.ProgressState(0, clock=lambda: 12.0)
    state.feed({'ts': 0.0, 'kind': 'maintain.plan', 'item': None,
                'movers': 7})
    for e in _events():  # one wave's drain: run.plan says 4
        state.feed(e)
    assert state.total == 7
    assert state.summary_line().startswith('2/7 done')


def test_plain_stream_gets_one_line_per_finished_server():
    out = io.StringIO()
    display = progress.ProgressDisplay(out, 4, clock=lambda: 12.0, tty=False)
    for e in _events():
        display(e)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith('migrated vm-a [1/4 done')
    assert lines[1].startswith('failed c: boom [2/4 done')


def test_terminal_shows_a_live_display_and_logs_finished_servers():
    out = io.StringIO()
    display = progress.ProgressDisplay(out, 4, clock=lambda: 1.0, tty=True,
                                       refresh_per_second=0, width=120)
    events = list(_events())
    for e in events[:2] + [{'ts': 0.5, 'kind': 'item.progress', 'item': 'a',
                            'status': 'running', 'memory_total': 1000,
                            'memory_remaining': 250}]:
        display(e)
    text = out.getvalue()
    assert '\x1b[?25l' in text  # rich's live display took the terminal
    assert 'vm-a: running 1s (running) 75% copied' in text
    assert '0/4 done' in text and '\u2501' in text  # the overall bar
    for e in events[2:] + [{'ts': 13, 'kind': 'run.finished',
                            'item': None}]:
        display(e)
    text = out.getvalue()
    assert 'migrated vm-a\n' in text and 'failed c: boom\n' in text
    assert text.rstrip().endswith('\x1b[?25h')  # cursor given back
    assert display._live is None


def test_migration_progress_needs_a_total():
    state = progress.ProgressState(1, clock=lambda: 1.0)
    state.feed({'ts': 0, 'kind': 'item.started', 'item': 'a'})
    state.feed({'ts': 0.5, 'kind': 'item.progress', 'item': 'a',
                'status': 'queued', 'memory_total': None,
                'memory_remaining': 5})
    assert state.running() == [('a', 1.0, 'queued', None)]


def test_json_lines_are_one_object_per_line():
    out = io.StringIO()
    lines = progress.JsonLines(out)
    for e in _events():
        lines(e)
    assert [json.loads(l)['kind'] for l in out.getvalue().splitlines()][-1] \
        == 'item.failed'


def test_durations_read_well():
    assert progress.format_seconds(42.4) == '42s'
    assert progress.format_seconds(185) == '3m05s'
    assert progress.format_seconds(3720) == '1h02m'
