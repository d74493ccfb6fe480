"""``sandbox up/status/down`` bookkeeping, with plain processes standing in
for the services (starting real clouds is tests/crosscloud's job)."""

import json
import subprocess
import sys

import pytest

from osmigcfg import exceptions
from osmigcfg.sandbox.clouds import lifecycle
from tests.cli_runner import run_cli


def _sleeper():
    return subprocess.Popen([sys.executable, '-c', 'import time; '
                             'time.sleep(120)'], start_new_session=True)


def _write_state(directory, procs, start_times=None):
    records = []
    for i, (label, proc, order) in enumerate(procs):
        start = lifecycle._start_time(proc.pid)
        if start_times is not None:
            start = start_times[i]
        records.append({'label': label, 'pid': proc.pid,
                        'start_time': start, 'stop_order': order})
    (directory / lifecycle.STATE_FILE).write_text(json.dumps(
        {'clouds': ['src'], 'processes': records}))


def test_down_stops_recorded_processes_in_order_and_forgets_them(tmp_path):
    service, broker = _sleeper(), _sleeper()
    try:
        _write_state(tmp_path, [('src nova', service, 0),
                                ('rabbitmq-server', broker, 1)])
        rows = lifecycle.status(tmp_path)
        assert [(r['label'], r['running']) for r in rows] == [
            ('src nova', True), ('rabbitmq-server', True)]
        assert lifecycle.down(tmp_path, timeout=5) == 0
        assert service.wait(5) is not None and broker.wait(5) is not None
        assert not (tmp_path / lifecycle.STATE_FILE).exists()
    finally:
        for proc in (service, broker):
            proc.kill()
            proc.wait()


def test_a_pid_started_after_up_is_not_ours_and_not_signalled(tmp_path):
    stranger = _sleeper()
    try:
        # the recorded start time differs: the pid was reused
        _write_state(tmp_path, [('src keystone', stranger, 0)],
                     start_times=[1])
        assert lifecycle.status(tmp_path)[0]['running'] is False
        lifecycle.down(tmp_path, timeout=1)
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()


def test_status_of_a_directory_without_sandbox_is_one_clear_error(
        tmp_path, capsys):
    with pytest.raises(exceptions.InputError, match='no sandbox in'):
        lifecycle.status(tmp_path)


@pytest.mark.parametrize('services, message', [
    (('keystone', 'glance', 'neutron', 'cinder', 'swift'), 'unknown swift'),
    (('keystone', 'glance', 'neutron', 'nova'), 'cinder cannot be left out'),
])
def test_bad_services_are_refused_before_anything_starts(
        tmp_path, services, message):
    with pytest.raises(exceptions.InputError, match=message):
        lifecycle.up(tmp_path / 'new', services=services)
    assert not (tmp_path / 'new').exists()


def test_nova_is_optional(tmp_path):
    assert lifecycle.check_services(None)[0] is True
    assert lifecycle.check_services(lifecycle.CORE) == (False, lifecycle.CORE)


@pytest.fixture
def tree_entry_points(tmp_path, monkeypatch):
    """This tree's setup.cfg commands, visible without reinstalling.

    The commands are found through entry points, which the installed
    distribution declares; a dist-info on sys.path adds this tree's.
    """
    import configparser
    import pathlib
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(pathlib.Path(__file__).resolve().parents[2] / 'setup.cfg')
    group = 'openstack.migration.v1'
    body = cfg['options.entry_points'][group]
    info = tmp_path / 'ep' / 'osmigcfg_tree-0.dist-info'
    info.mkdir(parents=True)
    (info / 'METADATA').write_text('Name: osmigcfg-tree\nVersion: 0\n')
    (info / 'entry_points.txt').write_text(f'[{group}]{body}\n')
    monkeypatch.syspath_prepend(str(tmp_path / 'ep'))


def test_cli_status_without_a_sandbox_says_so_in_one_line(
        tree_entry_points, tmp_path, capsys):
    status, out, err = run_cli(capsys, 'sandbox', 'status', str(tmp_path))
    assert status == 1
    assert 'no sandbox in' in err and 'sandbox up' in err
    assert 'Traceback' not in err


def test_cli_up_refuses_a_sandbox_without_cinder(
        tree_entry_points, tmp_path, capsys):
    status, out, err = run_cli(capsys, 'sandbox', 'up', str(tmp_path / 'x'),
                               '--services', 'keystone,glance,neutron')
    assert status == 1
    assert 'cinder cannot be left out' in err
    assert 'Traceback' not in err
