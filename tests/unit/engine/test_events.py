import json

import pytest

from osmigcfg import exceptions
from osmigcfg.engine import events


def test_events_are_json_lines_with_secrets_masked(tmp_path):
    path = tmp_path / 'ev.jsonl'
    seen = []
    stream = events.EventStream(path, callbacks=[seen.append],
                                clock=lambda: 12.5)
    stream.emit('item.started', item='s1', token='abc', nested={'Password': 1},
                host='h1')
    stream.close()
    line = json.loads(path.read_text())
    assert line == {'ts': 12.5, 'kind': 'item.started', 'item': 's1',
                    'token': '***', 'nested': {'Password': '***'},
                    'host': 'h1'}
    assert seen == [line]
    assert 'abc' not in path.read_text()


def test_a_failing_callback_does_not_stop_the_stream(tmp_path):
    def boom(event):
        raise RuntimeError('display broke')
    got = []
    stream = events.EventStream(callbacks=[boom, got.append])
    stream.emit('x')
    assert [e['kind'] for e in got] == ['x']


def test_read_events_ignores_a_torn_last_line(tmp_path):
    path = tmp_path / 'ev.jsonl'
    path.write_text('{"kind": "a"}\n{"kind": "b"}\n{"kin')
    assert [e['kind'] for e in events.read_events(path)] == ['a', 'b']


def test_read_events_refuses_a_corrupt_middle_line(tmp_path):
    path = tmp_path / 'ev.jsonl'
    path.write_text('{"kind": "a"}\nnot json\n{"kind": "b"}\n')
    with pytest.raises(exceptions.JournalError, match='line 2'):
        events.read_events(path)


def test_read_events_of_a_missing_file_is_a_journal_error(tmp_path):
    with pytest.raises(exceptions.JournalError, match='(?i)no such file'):
        events.read_events(tmp_path / 'nope')
