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


def test_plain_stream_gets_one_line_per_finished_server():
    out = io.StringIO()
    display = progress.ProgressDisplay(out, 4, clock=lambda: 12.0, tty=False)
    for e in _events():
        display(e)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith('migrated vm-a [1/4 done')
    assert lines[1].startswith('failed c: boom [2/4 done')


def test_terminal_redraws_in_place():
    out = io.StringIO()
    display = progress.ProgressDisplay(out, 4, clock=lambda: 1.0, tty=True)
    for e in list(_events())[:2]:
        display(e)
    text = out.getvalue()
    assert '\x1b[2K' in text and '\x1b[1F' in text
    assert 'vm-a: running' in text


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
