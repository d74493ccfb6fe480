import os
import signal
import subprocess
import sys
import time

from osmigcfg import engine
from tests.unit.engine import crashy


def test_a_failing_item_is_reverted_alone(tmp_path):
    result, j = crashy.run(tmp_path / 'j', tmp_path, ['a', 'bad', 'c'])
    atoms = j.atoms()
    assert atoms['a:second'].state == 'SUCCESS'
    assert atoms['a:second'].result == 'a!'
    assert atoms['c:second'].state == 'SUCCESS'
    assert atoms['bad:second'].state == 'REVERTED'
    assert atoms['bad:second'].failure == 'bad item'
    assert atoms['bad:second'].failure_types[0] == 'RuntimeError'
    assert (tmp_path / 'bad.reverted').exists()
    assert atoms['a:first'].details == {'phase': 'calling'}
    assert result.flow_state == 'REVERTED'


def test_resume_of_a_finished_run_redoes_nothing(tmp_path):
    crashy.run(tmp_path / 'j', tmp_path, ['a', 'bad'])
    result, j = crashy.run(tmp_path / 'j', tmp_path, ['a', 'bad'])
    assert (tmp_path / 'a.first').read_text() == 'x'
    assert j.atoms()['a:second'].state == 'SUCCESS'


def test_resume_after_sigkill_reruns_only_unfinished_steps(tmp_path):
    (tmp_path / 'b.hang').write_text('')
    proc = subprocess.Popen(
        [sys.executable, '-m', 'tests.unit.engine.crashy',
         str(tmp_path / 'j'), str(tmp_path), 'a,b'],
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.dirname(os.path.abspath(__file__))))),
        stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (tmp_path / 'b.hanging').exists():
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = engine.Journal.open(tmp_path / 'j').atoms()
    assert before['b:second'].state == 'RUNNING'
    result, j = crashy.run(tmp_path / 'j', tmp_path, None)
    atoms = j.atoms()
    assert atoms['b:second'].state == 'SUCCESS'
    assert (tmp_path / 'b.first').read_text() == 'x'   # not re-run
    kinds = [e['kind'] for e in engine.read_events(j.events_path)]
    assert kinds.count('run.started') == 2


def test_reset_atoms_runs_a_finished_step_again(tmp_path):
    crashy.run(tmp_path / 'j', tmp_path, ['a'])
    j = engine.Journal.open(tmp_path / 'j')
    context = engine.Context(engine.Windows(), engine.EventStream(),
                             marks=tmp_path)
    engine.Runner(j, crashy.build(context, ['a']), context).run(
        reset_atoms=['a:first'])
    assert (tmp_path / 'a.first').read_text() == 'xx'


def test_stop_before_run_suspends(tmp_path):
    j = engine.Journal.create(tmp_path / 'j', 'test', {})
    context = engine.Context(engine.Windows(), engine.EventStream(),
                             marks=tmp_path)
    runner = engine.Runner(j, crashy.build(context, ['a']), context)
    runner.stop()
    result = runner.run()
    assert result.suspended
    assert not (tmp_path / 'a.first').exists()
