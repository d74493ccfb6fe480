"""RunOptions: what a run journals is what a resumed run reads back."""

from osmigcfg import engine
from osmigcfg import migrate
from osmigcfg.migrate import options as options_mod


def test_run_options_read_back_from_their_journal_form():
    options = migrate.RunOptions(
        windows=engine.Windows.for_migrations(2, max_parallel=5),
        timeout=60.0, stall=migrate.StallPolicy('abort', 30.0),
        service=options_mod.DrainService('host1', enable_after=True))
    back = migrate.RunOptions.from_dict(options.to_dict())
    assert back.windows.limits == {'global': 5, 'source': 4, 'dest': 4}
    assert back.windows.nova_limit == 2
    assert (back.timeout, back.stall, back.poll, back.service) == (
        60.0, migrate.StallPolicy('abort', 30.0), (1.0, 1.5, 3.0),
        options_mod.DrainService('host1', enable_after=True))


def test_a_journal_written_before_run_options_still_resumes():
    # the dict the CLI merged by hand before RunOptions existed
    old = {'windows': {'global': None, 'source': 3, 'dest': 3},
           'timeout': None, 'stall': {'action': 'wait', 'after': 300.0},
           'poll': [1.0, 1.5, 3.0], 'nova_limit': 1,
           'service': {'host': 'h', 'disable': True, 'enable_after': False},
           'endpoint': 'http://nova'}
    options = migrate.RunOptions.from_dict(old)
    assert options.windows.limits == {'source': 3, 'dest': 3}
    assert options.service.host == 'h' and options.service.disable
    assert options.to_dict() == {k: v for k, v in old.items()
                                 if k != 'endpoint'}


def test_default_run_options_keep_two_per_host():
    assert migrate.RunOptions().to_dict()['windows'] == {
        'global': None, 'source': 2, 'dest': 2}
