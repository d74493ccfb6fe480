"""Runs of a documents directory: resume or start anew, the ID map read
back from the journals, and ``status`` (all offline, real journals)."""


from osmigcfg import engine
from osmigcfg.crosscloud import idmap
from osmigcfg.crosscloud import runs
from osmigcfg.crosscloud import state as state_mod
from osmigcfg.crosscloud import status as status_mod
from tests.unit.crosscloud.conftest import document_text
from tests.unit.crosscloud.conftest import network

DST = {'cloud': 'dst', 'endpoint': 'http://keystone/v3', 'project_id': 'p1'}


class _Map(engine.Step):
    """Maps a network to a destination id, or fails."""

    step = 'apply'

    def __init__(self, item, context, source_id, dst_id, fail=False):
        super().__init__(item, context)
        self.source_id, self.dst_id, self.fail = source_id, dst_id, fail

    def execute(self):
        if self.fail:
            self.record('created', dst_id=self.dst_id, type='network',
                        source_id=self.source_id)
            raise RuntimeError('boom after the create')
        return idmap.mapping_record('network', self.source_id, self.dst_id,
                                    action='created')


def _run(state, digest, results):
    """One import run: ``results`` = [(source id, dst id, fails?)]."""
    items = [{'item': f'network/{s}', 'type': 'network', 'name': s}
             for s, _, _ in results]
    plan = {'kind': 'import', 'digest': digest, 'filters': {},
            'items': items}
    journal, resumed = runs.open_or_create(state, 'import', None, plan,
                                           {'dst': DST})
    context = engine.Context(engine.Windows({}), engine.EventStream())
    flow = engine.run_flow('import', [engine.item_flow(
        f'network/{s}', [_Map(f'network/{s}', context, s, d, fail)])
        for s, d, fail in results])
    if resumed:
        runs.reset_failed(journal)
    engine.Runner(journal, flow, context).run()
    rows = runs.item_rows(journal.atoms(), journal.plan['items'])
    journal.close()
    return journal.path, resumed, rows


def test_an_unfinished_run_is_resumed_and_a_finished_one_is_not(tmp_path):
    state = state_mod.StateDir(tmp_path)
    first, resumed, rows = _run(state, 'd1', [('n1', 'x1', False),
                                              ('n2', 'x2', True)])
    assert not resumed
    assert [r['outcome'] for r in rows] == ['created', 'failed']
    again, resumed, rows = _run(state, 'd1', [('n1', 'x1', False),
                                              ('n2', 'x2', False)])
    assert (again, resumed) == (first, True)
    assert [r['outcome'] for r in rows] == ['created', 'created']
    third, resumed, _ = _run(state, 'd1', [('n1', 'x1', False)])
    assert not resumed and third.endswith('import-0002.journal')


def test_changed_documents_start_a_new_run(tmp_path):
    state = state_mod.StateDir(tmp_path)
    first, _, _ = _run(state, 'd1', [('n1', 'x1', True)])
    second, resumed, _ = _run(state, 'd2', [('n1', 'x1', False)])
    assert not resumed and second != first


def test_the_id_map_counts_creates_a_killed_step_recorded(tmp_path):
    state = state_mod.StateDir(tmp_path)
    _run(state, 'd1', [('n1', 'x1', False), ('n2', 'x2', True)])
    known = idmap.known_ids(idmap.read_runs(state, DST))
    assert known == {('network', 'n1'): 'x1', ('network', 'n2'): 'x2'}
    _run(state, 'd2', [('n1', 'y1', False)])
    known = idmap.known_ids(idmap.read_runs(state, DST))
    assert known[('network', 'n1')] == 'y1'  # the later run wins
    other = dict(DST, project_id='p2')
    assert idmap.known_ids(idmap.read_runs(state, other)) == {}


def test_status_reads_outcomes_and_ids_from_the_journals(tmp_path):
    (tmp_path / 'networks.yaml').write_text(document_text(
        'network', [dict(network('n1'), source={'name': 'n1', 'id': 'n1'}),
                    dict(network('n2'), source={'name': 'n2', 'id': 'n2'})]))
    state = state_mod.StateDir(tmp_path)
    _run(state, 'd1', [('n1', 'x1', False), ('n2', 'x2', True)])
    found = status_mod.read_status(tmp_path)
    rows = {r[1]: r for r in found.rows}
    assert rows['n1'][2:6] == ('created', '-', '-', 'x1')
    assert rows['n2'][2] == 'failed' and 'boom' in rows['n2'][6]
    assert found.counts('Imported') == {'created': 1, 'failed': 1}
    assert status_mod.read_status(tmp_path, dst_cloud='elsewhere').rows[0][
        2] == 'not imported'
