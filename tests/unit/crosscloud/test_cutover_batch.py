"""Batch cutover without a cloud: which servers a selection names, the
journal label, turns (a server waiting for its turn is not stopped),
downtimes read back from a journal, and the CLI's usage errors."""

import threading
import types

import pytest

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg.crosscloud import documents as documents_mod
from osmigcfg.crosscloud.cutover import batch
from osmigcfg.crosscloud.cutover import run as cutover
from tests.cli_runner import run_cli
from tests.unit.crosscloud.conftest import document_text


def _server(name, sid):
    return {'source': {'name': name, 'project': 'demo', 'id': sid},
            'params': {'name': name, 'flavor': {'ref': 'flavor',
                                                'name': 'm1'}}}


@pytest.fixture
def documents(docs):
    directory = docs('servers.yaml', document_text('server', [
        _server('web-1', 's1'), _server('web-2', 's2'),
        _server('db-1', 's3')]))
    found, _ = documents_mod.read_directory(directory)
    return found


def _names(entries):
    return [e.name for e in entries]


def test_a_selection_names_servers_in_document_order(documents):
    assert _names(batch.select(documents, every=True)) == [
        'web-1', 'web-2', 'db-1']
    assert _names(batch.select(documents, regex='^web-')) == [
        'web-1', 'web-2']
    assert _names(batch.select(documents, names=['db-1', 'web-1',
                                                 'db-1'])) == [
        'db-1', 'web-1']


@pytest.mark.parametrize('kwargs, message', [
    ({'names': ['nope']}, "no server 'nope' in the documents"),
    ({'regex': '^mail'}, 'no server of the documents is selected'),
    ({'regex': '(['}, "--regex '([' is not a regular expression"),
])
def test_a_bad_selection_is_one_clear_error(documents, kwargs, message):
    with pytest.raises(exceptions.InputError) as caught:
        batch.select(documents, **kwargs)
    assert caught.value.message.startswith(message)
    assert 'web-1' in (caught.value.hint or '') or 'regex' in message


def test_one_server_keeps_its_journal_label_and_a_batch_gets_its_own(
        documents):
    one = batch.select(documents, names=['web-2'])
    assert batch.label(one, True, {'names': ['web-2']}) == 'web-2'
    two = batch.label(documents[0].entries, False, {'regex': '^web-'})
    assert two.startswith('batch-') and two != batch.label(
        documents[0].entries, False, {'all': True})


def _atom(state, result=None):
    return types.SimpleNamespace(state=state, result=result, details=None)


def test_downtime_turns_and_half_done_items_from_the_atoms():
    atoms = {'a:stop': _atom('SUCCESS', {'stopped_at': 100.0}),
             'a:boot': _atom('SUCCESS', {'active_at': 112.34}),
             'a:verify': _atom('SUCCESS'),
             'b:stop': _atom('SUCCESS', {'stopped_at': 100.0}),
             'b:boot': _atom('RUNNING'), 'b:verify': _atom('PENDING'),
             'c:stop': _atom('PENDING'), 'c:verify': _atom('PENDING')}
    assert batch.downtime(atoms, 'a') == 12.3
    assert batch.downtime(atoms, 'b') is None
    assert batch.in_turn(atoms, ['a', 'b', 'c']) == ['b']
    assert [batch.started(atoms, i) for i in 'abc'] == [False, True, False]


def test_a_server_waits_for_its_turn_before_its_source_stops():
    windows = engine.Windows({batch.WINDOW: 2})
    context = types.SimpleNamespace(windows=windows, events=None)
    steps = [types.SimpleNamespace(item=f's{i}', context=context,
                                   emit=lambda *a, **k: None)
             for i in range(3)]
    batch.take_turn(steps[0])
    batch.take_turn(steps[1])
    third = threading.Thread(target=batch.take_turn, args=(steps[2],))
    third.start()
    third.join(0.2)
    assert third.is_alive()  # two sources down: the third keeps running
    batch.give_turn(steps[0])
    third.join(5)
    assert not third.is_alive()
    assert windows.in_flight(batch.WINDOW, None) == 2


def test_the_library_refuses_a_parallel_below_one(tmp_path):
    with pytest.raises(exceptions.InputError) as caught:
        cutover.cutover_servers(tmp_path, every=True, parallel=0,
                                source=None, destination=None,
                                source_name='a', destination_name='b')
    assert 'at least one server' in caught.value.message


@pytest.mark.parametrize('argv', [
    ('--all', '--server', 'x'), ('--parallel', '0', '--all'),
    ('--regex', 'a', '--name', 'b'), ()])
def test_cutover_selections_are_usage_errors_when_wrong(capsys, argv):
    status, _, err = run_cli(capsys, 'cutover', 'd', '--dst-cloud', 'far',
                             *argv)
    assert status == 2 and 'Traceback' not in err
