"""Offline means offline: an http: check is never called, and is reported.

A listening socket on 127.0.0.1 counts the connections osmigcfg makes while
it validates, audits, checks and upgrade-checks a policy whose rules name
it, and while the migrator's preflight decides with that policy.
"""

import socket
import threading

import pytest
from oslo_policy import _checks

from osmigcfg.migrate import preflight
from osmigcfg.policy import audit
from osmigcfg.policy import catalog
from osmigcfg.policy import effective
from osmigcfg.policy import matrix
from osmigcfg.policy import offline
from osmigcfg.policy import personas
from osmigcfg.policy import report_html
from osmigcfg.policy import report_text
from osmigcfg.policy import validate
from tests.cli_runner import run_cli

MIGRATE = catalog.MIGRATE
LIVE = catalog.MIGRATE_LIVE


class CountingListener:
    """A TCP listener on 127.0.0.1 that accepts, counts and hangs up."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except OSError:  # timeout: look at the stop flag again
                continue
            self.accepted += 1
            conn.close()  # an old client fails fast instead of waiting 60 s

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener():
    server = CountingListener()
    yield server
    server.close()


@pytest.fixture
def remote_policy(write, listener):
    url = f'http://127.0.0.1:{listener.port}'
    return write('policy.yaml', (
        f'"context_is_admin": "role:admin or {url}/admin"\n'
        f'"{MIGRATE}": "{url}/migrate"\n'
        f'"{LIVE}": "rule:project_manager_or_admin and '
        f'https://127.0.0.1:{listener.port}/live"\n'))


@pytest.mark.parametrize('argv', [
    ['policy', 'validate', '{path}'],
    ['policy', 'audit', '--policy-file', '{path}'],
    ['policy', 'upgrade-check', '--from', '33', '{path}'],
], ids=['validate', 'audit', 'upgrade-check'])
def test_commands_report_the_remote_check_without_calling_it(
        capsys, listener, remote_policy, argv):
    status, out, err = run_cli(
        capsys, *[a.format(path=remote_policy) for a in argv], '-f', 'json')
    assert listener.accepted == 0
    assert status == 1, err
    assert 'POL112' in out
    assert f'calls out to http://127.0.0.1:{listener.port}/migrate' in out
    assert 'Traceback' not in err


def test_check_says_unknown_without_calling_out(capsys, listener,
                                                remote_policy):
    status, out, err = run_cli(
        capsys, 'policy', 'check', '--policy-file', str(remote_policy),
        '--roles', 'member,reader', '--rule', MIGRATE, '--rule', LIVE,
        '-f', 'value', '-c', 'rule', '-c', 'allowed')
    assert listener.accepted == 0
    assert status == 0, err
    # migrate is the remote check alone; live reaches the remote branch of
    # context_is_admin (a member is not a manager)
    assert out.splitlines() == [f'{MIGRATE} unknown', f'{LIVE} unknown']


def test_migrator_preflight_never_calls_out(listener, remote_policy):
    policy, authoritative = preflight.load_policy(policy_file=remote_policy)
    caller = preflight.Caller(roles=('manager', 'member', 'reader'),
                              project_id='p1')
    check = preflight.Preflight(policy, caller, authoritative)
    cold, live = check.check('cold'), check.check('live')
    check.require('cold')  # unknown: Nova decides, no refusal
    assert listener.accepted == 0
    assert cold.allowed is None and cold.finding.code == 'POL112'
    assert f'http://127.0.0.1:{listener.port}/migrate' in cold.explanation
    assert live.allowed is None  # manager passes the first half only


def test_audit_cells_decided_by_the_remote_check_are_unknown(
        listener, remote_policy):
    ep = effective.load_effective_policy(remote_policy)
    grid = matrix.build_matrix(ep)
    cold = grid.cell('cold-migrate', 'member')
    assert listener.accepted == 0
    assert (cold.allowed, cold.reason) == (None, 'unknown')
    assert any('unknown: calls out to' in line for line in cold.chain())
    # an admin passes context_is_admin before the remote branch is reached
    assert grid.cell('cold-migrate-host', 'admin').allowed is True
    assert grid.cell('cold-migrate-host', 'reader').allowed is None


@pytest.mark.parametrize('check_str, roles, expected', [
    ('role:admin or http://h/', ['admin'], True),
    ('role:admin or http://h/', ['member'], None),
    ('role:admin and http://h/', ['member'], False),
    ('role:admin and http://h/', ['admin'], None),
    ('not http://h/', ['admin'], None),
    ('not (role:admin and https://h/)', ['member'], True),
    ('http://h/ or not http://h/', ['member'], None),  # never guessed
])
def test_an_unknown_check_decides_only_when_it_can_change_the_answer(
        write, check_str, roles, expected):
    path = write('p.yaml', f'"{MIGRATE}": "{check_str}"\n')
    ep = effective.load_effective_policy(path)
    decision = ep.check(MIGRATE, roles=roles, project_id='p1')
    assert decision.allowed is expected
    assert (decision.reason == 'unknown') is (expected is None)


def test_oslo_policy_global_check_tables_are_left_alone(write):
    before_ext = dict(_checks.get_extensions())
    before_reg = dict(_checks.registered_checks)
    path = write('p.yaml', f'"{MIGRATE}": "is_admin:true or http://h/"\n')
    ep = effective.load_effective_policy(path)
    assert _checks.get_extensions() == before_ext
    assert _checks.registered_checks == before_reg
    assert _checks.registered_checks.get('is_admin') is not \
        offline.IsAdminCheck
    # Nova's is_admin semantics still hold inside osmigcfg's own trees
    admin = personas.standard_personas()[0]
    assert ep.check(MIGRATE, roles=admin.roles, project_id='p1').allowed


def test_reports_mark_unknown_cells(listener, remote_policy):
    result = audit.audit_policy(remote_policy)
    row = next(line for line in report_text.render_text(result).splitlines()
               if line.startswith('cold-migrate '))
    assert row.split()[1:] == ['?', '?', '?', '?', '-', '?', '?']
    page = report_html.render_html(result)
    assert ('<td class="cell unknown" data-action="cold-migrate" '
            'data-persona="member"') in page
    assert listener.accepted == 0


class RecordingCheck(_checks.Check):
    """A check kind 'another library' registered; it must never run."""

    calls = 0

    def __call__(self, target, creds, enforcer, current_rule=None):
        RecordingCheck.calls += 1
        return True


def test_a_check_kind_registered_by_another_library_is_never_run(
        write, monkeypatch):
    monkeypatch.setitem(_checks.registered_checks, 'ldap', RecordingCheck)
    path = write('p.yaml', f'"{MIGRATE}": "ldap:cn=ops"\n')
    report = validate.validate_policy(path)
    decision = effective.load_effective_policy(path).check(
        MIGRATE, roles=['member'], project_id='p1')
    assert RecordingCheck.calls == 0
    assert decision.allowed is None
    assert [f.code for f in report if 'ldap:cn=ops' in f.message] == \
        ['POL112']
