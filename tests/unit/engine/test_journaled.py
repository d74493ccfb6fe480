"""The shared run skeleton (run_journaled) and Step's rebind/inject."""

from taskflow.patterns import linear_flow

from osmigcfg import engine
from tests.unit.engine import crashy


class Sum(engine.Step):
    """Adds another item's ``first`` result to an injected constant."""

    step = 'sum'

    def execute(self, other, extra):
        return f'{other["n"]}+{extra}'


def _context(events, marks):
    return engine.Context(engine.Windows({'global': 2}), events, marks=marks)


def test_step_takes_other_items_results_and_injected_values(tmp_path):
    j = engine.Journal.create(tmp_path / 'j', 'test', {'items': ['a', 'b']})

    def flow(context):
        a = engine.item_flow('a', [crashy.First('a', context)])
        b = engine.item_flow('b', [Sum(
            'b', context, rebind={'other': engine.atom_name('a', 'first')},
            inject={'extra': 7})])
        return linear_flow.Flow('test').add(a, b)   # b after a

    result = engine.run_journaled(
        j, make_context=lambda events: _context(events, tmp_path),
        make_flow=flow)
    assert result.flow_state == 'SUCCESS'
    assert j.atoms()['b:sum'].result == 'a+7'


def test_run_journaled_plans_resets_runs_and_closes_events(tmp_path):
    crashy.run(tmp_path / 'j', tmp_path, ['a', 'b'])
    j = engine.Journal.open(tmp_path / 'j')
    seen = []

    def reset(journal, context):
        kinds = [e['kind'] for e in engine.read_events(journal.events_path)]
        seen.append(kinds[-1])   # run.plan is out before the reset
        return [engine.atom_name('a', 'first'),
                engine.atom_name('a', 'second')]

    events = []

    def finish(journal, context, result):
        context.events.emit('run.summary', state=result.flow_state)

    result = engine.run_journaled(
        j, make_context=lambda ev: _context(ev, tmp_path),
        make_flow=lambda c: crashy.build(c, j.plan['items']),
        callbacks=[events.append], finish=finish,
        plan_event=lambda flow: {'items': len(list(flow))}, reset=reset)
    assert result.flow_state == 'SUCCESS' and not result.suspended
    assert seen == ['run.plan']
    assert (tmp_path / 'a.first').read_text() == 'xx'   # reset: ran again
    assert (tmp_path / 'b.first').read_text() == 'x'    # finished: skipped
    plan = next(e for e in events if e['kind'] == 'run.plan')
    assert plan['items'] == 2
    assert [e['kind'] for e in events[-2:]] == ['run.finished',
                                                'run.summary']
    assert events[-1]['state'] == 'SUCCESS'
    written = engine.read_events(j.events_path)   # closed, then flushed
    assert written[-1]['kind'] == 'run.summary'


def test_run_journaled_uses_the_runner_factory(tmp_path):
    j = engine.Journal.create(tmp_path / 'j', 'test', {'items': ['a']})
    made = []

    def factory(journal, flow, context):
        made.append(flow.name)
        return engine.Runner(journal, flow, context, max_workers=1)

    result = engine.run_journaled(
        j, make_context=lambda ev: _context(ev, tmp_path),
        make_flow=lambda c: crashy.build(c, ['a']), runner_factory=factory)
    assert made == ['test'] and result.flow_state == 'SUCCESS'


class _Report:
    """Stands in for a findings.Report: only ``fails`` is used."""

    def __init__(self, error):
        self.error = error

    def fails(self, severity):
        return self.error


def test_result_is_ok_unless_an_item_failed_or_is_pending():
    assert engine.JournaledResult().ok
    done = {'item': 'a', 'outcome': 'created'}
    result = engine.JournaledResult(journal='p', rows=[done])
    assert result.ok and result.items == [done]
    for bad in ('failed', 'pending'):
        result = engine.JournaledResult(rows=[done, dict(done, outcome=bad)])
        assert not result.ok


def test_result_is_not_ok_with_a_planning_error():
    assert engine.JournaledResult(report=_Report(False)).ok
    assert not engine.JournaledResult(report=_Report(True)).ok
