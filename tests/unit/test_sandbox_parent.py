"""The sandbox's parent side without Nova: tokens, options, start errors."""

import sys

import pytest

from osmigcfg import exceptions
from osmigcfg.sandbox.nova import identity
from osmigcfg.sandbox.nova import sandbox as sandbox_nova
from osmigcfg.sandbox.nova import process as nova_process


def test_token_round_trips_with_and_without_implied_roles():
    token = identity.make_token('alice', 'demo', ['member'])
    assert token == 'alice:demo:member,reader'
    assert identity.parse_token(token) == ('alice', 'demo',
                                           ['member', 'reader'])
    assert identity.parse_token(
        identity.make_token('bob', 'demo', ['member'], implied=False)) == (
            'bob', 'demo', ['member'])
    assert identity.parse_token('nobody:demo') == ('nobody', 'demo', [])


@pytest.mark.parametrize('bad', ['', 'alice', ':demo:reader', 'a:b:c:d'])
def test_malformed_tokens_are_rejected(bad):
    with pytest.raises(ValueError):
        identity.parse_token(bad)


def test_names_that_would_break_the_token_are_rejected():
    with pytest.raises(ValueError):
        identity.make_token('al:ice', 'demo', ['member'])
    with pytest.raises(ValueError):
        identity.make_token('alice', 'demo', ['mem,ber'])


def test_conf_mapping_becomes_child_arguments():
    sandbox = sandbox_nova.NovaSandbox(
        conf={'DEFAULT.max_concurrent_live_migrations': 2,
              'libvirt.live_migration_with_native_tls': True})
    assert sandbox.conf == ['DEFAULT.max_concurrent_live_migrations=2',
                            'libvirt.live_migration_with_native_tls=true']


def test_missing_nova_says_how_to_install_it(without_extra):
    without_extra('rehearse')
    with pytest.raises(exceptions.MissingExtraError) as e:
        sandbox_nova.NovaSandbox().start()
    assert "pip install 'osmigcfg[rehearse]'" in str(e.value)


def test_child_that_dies_early_is_reported_with_its_log(tmp_path):
    child = nova_process.ChildProcess(
        'the test child',
        [sys.executable, '-c', 'import sys; sys.stderr.write("boom\\n"); '
                               'import nova.no_such_module'],
        str(tmp_path / 'log'), cwd=tmp_path)
    with pytest.raises(exceptions.SandboxError) as e:
        child.start(timeout=30, hint_for=sandbox_nova._install_hint)
    message = str(e.value)
    assert 'exited with status 1 before it was ready' in message
    assert 'boom' in message and 'nova.no_such_module' in message
    assert e.value.hint == sandbox_nova.INSTALL_HINT
    assert not child.running


def test_install_hint_only_for_nova_or_placement_imports():
    assert sandbox_nova._install_hint("No module named 'placement'")
    assert sandbox_nova._install_hint("No module named 'nova.tests'")
    assert sandbox_nova._install_hint("No module named 'novaclient'") is None


def test_child_that_never_gets_ready_is_killed(tmp_path):
    child = nova_process.ChildProcess(
        'the silent child',
        [sys.executable, '-c', 'import time; time.sleep(60)'],
        str(tmp_path / 'log'), cwd=tmp_path)
    with pytest.raises(exceptions.SandboxError, match='did not start within'):
        child.start(timeout=0.3)
    assert not child.running


def test_ready_line_is_parsed(tmp_path):
    child = nova_process.ChildProcess(
        'the ready child',
        [sys.executable, '-c',
         'import sys; print("noise"); print(\'READY {"port": 1}\', '
         'flush=True); sys.stdin.read()'],
        str(tmp_path / 'log'), cwd=tmp_path)
    assert child.start(timeout=30) == {'port': 1}
    assert child.running
    child.stop()
    assert not child.running
