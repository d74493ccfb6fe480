"""Bad input to the migration commands: one clear line, a non-zero exit,
no traceback, and nothing changed in the cloud."""

import sqlite3

import pytest

from tests.functional import migrate_support as ms

pytestmark = pytest.mark.nova

ADMIN_ARGS = ms.identity_args(ms.ADMIN)


@pytest.fixture
def nova(nova_sandbox, monkeypatch, tmp_path):
    with ms.cli_environment(monkeypatch, nova_sandbox, ms.ADMIN, tmp_path):
        yield nova_sandbox
    ms.delete_everything(nova_sandbox.admin)


@pytest.fixture
def server(nova):
    return nova.boot(nova.admin, 'err-1', host='host1')


def _one_line_error(status, out, err):
    assert status not in (0, None), (out, err)
    assert 'Traceback' not in err and 'Traceback' not in out
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize('argv, message', [
    (['server', 'migrate', 'no-such-vm', '--wait'], "no server 'no-such-vm'"),
    (['server', 'confirm', 'no-such-vm'], "no server 'no-such-vm'"),
    (['drain', 'no-such-host', '--dry-run'],
     "no compute host 'no-such-host' (known hosts: host1, host2, host3)"),
    (['plan', '--drain', 'no-such-host'], "no compute host 'no-such-host'"),
])
def test_unknown_names_are_one_clear_line(nova, capsys, argv, message):
    err = _one_line_error(*ms.osmigcfg(capsys, *argv, *ADMIN_ARGS))
    assert err.startswith(message), err


def test_unknown_destination_host_changes_nothing(nova, capsys, server):
    err = _one_line_error(*ms.osmigcfg(
        capsys, 'server', 'migrate', 'err-1', '--live', '--host', 'nohost',
        *ADMIN_ARGS))
    assert err.startswith('cannot live-migrate err-1 to nohost: '), err
    assert ms.host_of(nova.admin, server) == 'host1'
    assert ms.migration_actions(nova.admin, server) == []


def test_confirm_of_a_server_not_waiting_is_refused(nova, capsys, server):
    err = _one_line_error(*ms.osmigcfg(capsys, 'server', 'confirm', 'err-1',
                                       *ADMIN_ARGS))
    assert err == ('err-1 is ACTIVE, not waiting for a confirm or revert '
                   '(VERIFY_RESIZE)')


def test_an_unreachable_cloud_is_one_line(nova, capsys, monkeypatch):
    monkeypatch.setenv('OS_ENDPOINT', 'http://127.0.0.1:9/v2.1')
    err = _one_line_error(*ms.osmigcfg(capsys, 'drain', 'host1', '--dry-run',
                                       *ADMIN_ARGS))
    assert err.startswith('cannot reach http://127.0.0.1:9/v2.1'), err


def test_a_drain_without_yes_off_a_terminal_starts_nothing(nova, capsys,
                                                            server):
    err = _one_line_error(*ms.osmigcfg(capsys, 'drain', 'host1',
                                       *ADMIN_ARGS))
    assert err.startswith('not starting draining host1 (1 servers) without '
                          '--yes')
    assert ms.host_of(nova.admin, server) == 'host1'


@pytest.mark.parametrize('command', ['report', 'resume'])
@pytest.mark.parametrize('content, message', [
    (None, 'no such file'),
    (b'not a database at all', 'not a journal (not a SQLite database)'),
    ('sqlite', 'not an osmigcfg journal'),
])
def test_bad_journal_files_are_one_line(nova, capsys, tmp_path, command,
                                        content, message):
    path = tmp_path / 'bad.journal'
    if content == 'sqlite':
        with sqlite3.connect(path) as db:
            db.execute('create table logbooks (x)')
    elif content is not None:
        path.write_bytes(content)
    err = _one_line_error(*ms.osmigcfg(capsys, command, str(path),
                                       *([] if command == 'report'
                                         else ADMIN_ARGS)))
    assert err == f'journal {path}: {message}', err
