"""What reaches the terminal when something goes wrong."""

import logging

from osmigcfg import config
from osmigcfg import findings
from tests.fuzz import harness

INVENTORY = 'hosts:\n  cmp-001: {interface: ens4, address: 10.20.0.11}\n'


def test_an_unexpected_exception_is_named_an_internal_error(tmp_path,
                                                            monkeypatch):
    def broken(inventory):
        # a fault injected where no real input reaches today: the wording
        # of an offline command's unexpected exception is what is tested
        raise TypeError("unhashable type: 'list'")
    monkeypatch.setattr(config, 'check_hosts', broken)
    path = tmp_path / 'inv.yaml'
    path.write_text(INVENTORY)
    result = harness.run('config', 'check-hosts', path)
    assert result.status == 1
    assert result.stderr == (
        "internal error: TypeError: unhashable type: 'list' (a bug in "
        'osmigcfg: run again with --debug and report the traceback)\n')
    debug = harness.run('--debug', 'config', 'check-hosts', path)
    assert 'Traceback (most recent call last)' in debug.stderr
    assert "TypeError: unhashable type: 'list'" in debug.stderr


def test_library_log_lines_reach_the_terminal_only_with_debug(
        tmp_path, monkeypatch):
    def noisy(inventory):
        try:
            raise ValueError('deep inside')
        except ValueError:
            logging.getLogger('oslo_policy._parser').exception('lib says')
        logging.getLogger('osmigcfg.config').warning('we say')
        return findings.Report()
    monkeypatch.setattr(config, 'check_hosts', noisy)
    path = tmp_path / 'inv.yaml'
    path.write_text(INVENTORY)
    quiet = harness.run('config', 'check-hosts', path)
    assert 'lib says' not in quiet.stderr
    assert 'we say' in quiet.stderr
    assert 'Traceback' not in quiet.stderr
    loud = harness.run('--debug', 'config', 'check-hosts', path)
    assert 'lib says' in loud.stderr
    assert 'ValueError: deep inside' in loud.stderr
