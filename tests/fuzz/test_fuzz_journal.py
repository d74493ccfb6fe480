"""Fuzz ``report`` and ``status`` with spoiled journals and events files.

A journal is a SQLite file osmigcfg wrote, with a JSON-lines events file
beside it; both may be truncated, corrupted or edited by hand.
"""

import json
import shutil

from hypothesis import given
from hypothesis import strategies as st

from osmigcfg import engine
from tests.fuzz import harness
from tests.fuzz import mutations

ITEMS = [
    {'id': 'srv-1', 'name': 'vm-1', 'method': 'live', 'source': 'cmp-001',
     'host': None, 'skip': None, 'project_id': 'p1'},
    {'id': 'srv-2', 'name': 'vm-2', 'method': 'cold', 'source': 'cmp-001',
     'host': 'cmp-002', 'skip': None, 'project_id': 'p1'},
    {'id': 'srv-3', 'name': 'vm-3', 'method': None, 'source': 'cmp-001',
     'host': None, 'skip': 'shelved', 'project_id': 'p2'},
]
PLAN = {'kind': 'drain', 'host': 'cmp-001', 'items': ITEMS}
EVENTS = [
    {'ts': 1.0, 'kind': 'run.started', 'item': None},
    {'ts': 1.5, 'kind': 'item.started', 'item': 'srv-1'},
    {'ts': 9.0, 'kind': 'item.migrated', 'item': 'srv-1', 'dest': 'x'},
    {'ts': 2.0, 'kind': 'item.started', 'item': 'srv-2'},
    {'ts': 7.0, 'kind': 'item.failed', 'item': 'srv-2', 'reason': 'no'},
]
EVENTS_TEXT = ''.join(json.dumps(e) + '\n' for e in EVENTS)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(
        allow_nan=False, allow_infinity=False), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(
        st.sampled_from(['id', 'name', 'method', 'skip', 'source', 'host',
                         'kind', 'items', 'ts', 'item']) | st.text(
            max_size=4), inner, max_size=4)), max_leaves=12)


def _journal(directory, plan=PLAN):
    path = directory / 'run.journal'
    engine.Journal.create(path, 'drain', plan, {'timeout': 60}).close()
    return path


@harness.fuzz_settings(share=0.6)
@given(data=st.data(), spoil=st.sampled_from(['journal', 'events']))
def test_report_survives_spoiled_journal_and_events_files(tmp_path, data,
                                                          spoil):
    shutil.rmtree(tmp_path / 'j', ignore_errors=True)
    (tmp_path / 'j').mkdir()
    path = _journal(tmp_path / 'j')
    events = tmp_path / 'j' / 'run.journal.events.jsonl'
    events.write_text(EVENTS_TEXT)
    target = path if spoil == 'journal' else events
    target.write_bytes(data.draw(mutations.mutated([target.read_bytes()])))
    harness.run('report', path, '--timeline', tmp_path / 't.png').check()


@harness.fuzz_settings(share=0.6)
@given(plan=st.one_of(json_values, st.fixed_dictionaries(
    {'kind': json_values, 'items': st.lists(st.one_of(
        json_values, st.sampled_from(ITEMS)), max_size=3)},
    optional={'host': json_values})),
       events=st.lists(json_values, max_size=4))
def test_report_survives_journals_holding_odd_plans(tmp_path, plan, events):
    shutil.rmtree(tmp_path / 'j', ignore_errors=True)
    (tmp_path / 'j').mkdir()
    path = _journal(tmp_path / 'j', plan)
    (tmp_path / 'j' / 'run.journal.events.jsonl').write_text(
        ''.join(json.dumps(e) + '\n' for e in events))
    harness.run('report', path).check()
