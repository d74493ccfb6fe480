"""The hostile inputs the first fuzzing run found, one per test.

Each goes through the CLI in-process under the fuzz harness's guards
(exit 0/1/2, osmigcfg errors only, no traceback, no hang, no network) and
checks the one clear line the user gets.
"""

import os

import pytest

from tests.fuzz import harness

LIVE = 'os_compute_api:os-migrate-server:migrate_live'


def alias_bomb(levels=12):
    """A YAML billion-laughs: 9**levels strings if aliases expand."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", '
             '"lol", "lol"]']
    for n in range(1, levels):
        refs = ', '.join([f'*a{n - 1}'] * 9)
        lines.append(f'a{n}: &a{n} [{refs}]')
    return '\n'.join(lines) + '\n'


def _document_dir(tmp_path, text):
    docs = tmp_path / 'docs'
    docs.mkdir()
    (docs / 'networks.yaml').write_text(text)
    return docs


BOMB_TARGETS = {
    'policy validate': lambda p: ['policy', 'validate', p],
    'policy audit': lambda p: ['policy', 'audit', '--policy-file', p],
    'config validate': lambda p: ['config', 'validate', '--format', 'mosk',
                                  p],
    'config check-hosts': lambda p: ['config', 'check-hosts', p],
    'config render --profile': lambda p: ['config', 'render', '--profile',
                                          p],
}


@pytest.mark.parametrize('command', sorted(BOMB_TARGETS))
def test_an_alias_bomb_is_refused_at_its_first_anchor(tmp_path, command):
    path = tmp_path / 'bomb.yaml'
    path.write_text(alias_bomb())
    result = harness.run(*BOMB_TARGETS[command](path))
    result.check()
    assert result.status == 1
    assert f'{path}:1' in result.stderr + result.stdout
    assert 'anchor &a0 is not accepted' in result.stderr + result.stdout
    assert result.seconds < 5


def test_an_alias_bomb_in_a_cross_cloud_document_does_not_hang_import_plan(
        tmp_path):
    bomb = ('osmigcfg_crosscloud_version: 1\ntype: network\n'
            'resources: []\n' + alias_bomb())
    docs = _document_dir(tmp_path, bomb)
    result = harness.run('import', 'plan', docs)
    result.check()
    assert result.status == 1
    assert 'XCL101' in result.stderr
    assert 'networks.yaml:4' in result.stderr
    assert result.seconds < 5


def test_a_50_mib_policy_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / 'huge.yaml'
    with open(path, 'wb') as f:
        f.truncate(50 << 20)  # sparse: nothing is written, nothing read
    result = harness.run('policy', 'validate', path)
    result.check()
    assert result.status == 1
    assert (f'{path}: cannot read: is 50 MiB, more than the 16 MiB an '
            'input may be (give a smaller file, or raise --max-input-size)'
            ) in result.stderr


def test_max_input_size_lowers_and_raises_the_cap(tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text(f'"{LIVE}": "role:admin"\n' + '#' * 2000 + '\n')
    small = harness.run('--max-input-size', '1K', 'policy', 'validate', path)
    small.check()
    assert small.status == 1
    assert 'more than the 1 KiB an input may be' in small.stderr
    assert harness.run('--max-input-size', '1M', 'policy', 'validate',
                       path).status == 0
    bad = harness.run('--max-input-size', '16Q', 'policy', 'validate', path)
    assert bad.status == 2
    assert "'16Q' is not a size" in bad.stderr


def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / 'policy.yaml'
    os.mkfifo(fifo)  # no writer: opening it for reading would block
    result = harness.run('policy', 'validate', fifo)
    result.check()
    assert result.status == 1
    assert f'{fifo}: cannot read: is a FIFO, not a regular file' in (
        result.stderr)
    assert result.seconds < 5


@pytest.mark.parametrize('argv', [
    ['policy', 'validate', '/dev/zero'],
    ['config', 'validate', '--format', 'nova-conf', '/dev/zero'],
    ['config', 'check-hosts', '/dev/zero'],
])
def test_dev_zero_is_refused_at_once(argv):
    result = harness.run(*argv)
    result.check()
    assert result.status == 1
    assert ('/dev/zero: cannot read: is a character device, not a regular '
            'file') in result.stderr
    assert result.seconds < 5


def test_a_fifo_as_a_certificate_is_a_finding_for_that_file(tmp_path):
    os.mkfifo(tmp_path / 'ca-cert.pem')
    result = harness.run('config', 'check-tls', '--cert-dir', tmp_path,
                         '--host', 'cmp-001', '-f', 'value', '-c', 'Code',
                         '-c', 'Message')
    result.check()
    assert result.status == 1
    assert 'ca-cert.pem cannot be read: is a FIFO' in result.stdout


@pytest.mark.parametrize('days', [str(10 ** 12), '-1', '3651', 'soon'])
def test_warn_days_out_of_range_is_a_usage_error(tmp_path, days):
    result = harness.run('config', 'check-tls', '--cert-dir', tmp_path,
                         '--host', 'h', '--warn-days', days)
    result.check()
    assert result.status == 2
    assert (f"argument --warn-days: '{days}' is not a whole number of days "
            'from 0 to 3650') in result.stderr


def test_oslo_policy_tracebacks_show_only_under_debug(tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text(f'"{LIVE}": "role:admin and ("\n')
    quiet = harness.run('policy', 'validate', path)
    quiet.check()
    assert 'Failed to understand rule' not in quiet.stderr
    debug = harness.run('--debug', 'policy', 'validate', path)
    assert 'Failed to understand rule role:admin and (' in debug.stderr
    assert 'Traceback (most recent call last)' in debug.stderr


def test_an_unreadable_events_file_is_a_journal_error(tmp_path):
    from osmigcfg import engine

    journal = tmp_path / 'run.journal'
    engine.Journal.create(journal, 'drain', {'kind': 'drain', 'items': []})
    (tmp_path / 'run.journal.events.jsonl').write_bytes(
        b'{"ts": 1, \xff}\n{}\n')
    result = harness.run('report', journal)
    result.check()
    assert result.status == 1
    assert 'not UTF-8 text' in result.stderr


# Escapes that used to leave the policy engine: each is a finding now.


def test_1500_nots_are_a_finding_not_a_recursion_error(tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text(f'"{LIVE}": "' + 'not ' * 1500 + 'role:admin"\n')
    result = harness.run('policy', 'validate', path)
    result.check()
    assert result.status == 1 and 'POL113' in result.stdout


def test_a_600_deep_rule_chain_is_a_finding_not_an_escape(tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text(''.join(f'r{n}: "rule:r{n + 1}"\n' for n in range(600))
                    + f'r600: "role:admin"\n"{LIVE}": "rule:r0"\n')
    result = harness.run('policy', 'audit', '--policy-file', path)
    result.check()
    assert result.status == 1 and 'POL122' in result.stdout


def test_a_quote_in_a_generic_check_kind_is_not_an_escape(tmp_path):
    # oslo.policy evaluates "'a:%(project_id)s" with ast.literal_eval("'a")
    # and catches only ValueError: the SyntaxError escapes at enforcement
    path = tmp_path / 'p.yaml'
    path.write_text(f'"{LIVE}": "\'a:%(project_id)s"\n')
    result = harness.run('policy', 'audit', '--policy-file', path)
    result.check()
    assert result.status in (0, 1) and not result.stderr


def test_a_rule_reference_cycle_is_a_finding_not_an_escape(tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text(f'a: "rule:b"\nb: "rule:a"\n"{LIVE}": "rule:a"\n')
    result = harness.run('policy', 'check', '--policy-file', path, '--roles',
                         'admin', '--all-migration')
    result.check()
    assert 'unknown' in result.stdout
