"""The maintenance command (``--exec``) always has a deadline."""

from osmigcfg.migrate.maintain import steps


def test_a_command_gets_its_host_quoted_and_its_output_kept():
    status, out = steps.run_command("printf '%s|' {host}; exit 3", 'cmp 1')
    assert status == 3
    assert out == 'cmp 1|'  # one argument, space and all


def test_without_a_timeout_the_default_deadline_kills_it(monkeypatch):
    monkeypatch.setattr(steps, 'COMMAND_TIMEOUT', 0.5)
    status, out = steps.run_command('echo started; sleep 30', 'h1')
    assert status == -1
    assert 'started' in out and '[killed after 0.5 s]' in out
