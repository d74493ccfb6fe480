"""The Ansible collection (ansible_collections/osmigcfg/migration) run by
the real ``ansible-playbook`` / ``ansible`` on the local connection: the
example playbooks render and validate into a temp dir, a second run changes
nothing, check mode writes nothing, and a bad policy fails with its
findings as data.

Modules run under this interpreter (``ansible_python_interpreter``), which
has osmigcfg; the collection is found through ANSIBLE_COLLECTIONS_PATH (the
repository root holds ``ansible_collections/``).
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / 'ansible_collections' / 'osmigcfg' / 'migration' / \
    'playbooks'
BIN = pathlib.Path(sys.executable).parent

pytestmark = pytest.mark.skipif(
    not (BIN / 'ansible-playbook').exists(),
    reason='ansible-core (test extra) is not installed beside this Python')


def _env(tmp_path):
    return dict(os.environ, LANG='C.UTF-8', LC_ALL='C.UTF-8',
                ANSIBLE_COLLECTIONS_PATH=str(ROOT),
                ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'),
                ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
                ANSIBLE_LOAD_CALLBACK_PLUGINS='1',
                ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='0',
                PATH=f'{BIN}{os.pathsep}{os.environ.get("PATH", "")}')


def _run(tmp_path, tool, *argv, callback='default'):
    env = dict(_env(tmp_path), ANSIBLE_STDOUT_CALLBACK=callback)
    done = subprocess.run(
        [str(BIN / tool), '-i', 'localhost,', '-c', 'local', '-e',
         f'ansible_python_interpreter={sys.executable}', *argv],
        env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def playbook(tmp_path, name, *argv):
    """(exit status, the recap's counts, the output) of a playbook run."""
    status, out = _run(tmp_path, 'ansible-playbook', str(PLAYBOOKS / name),
                       *argv)
    recap = re.search(r'^localhost\s+:\s+(.*)$', out, re.M)
    assert recap, out
    stats = {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)',
                                              recap.group(1))}
    return status, stats, out


def module(tmp_path, name, args):
    """(exit status, result dict) of one module run (ad-hoc ``ansible``)."""
    status, out = _run(tmp_path, 'ansible', 'localhost', '-m', name, '-a',
                       json.dumps(args), callback='minimal')
    start = out.find('=> {')
    assert start >= 0, out
    return status, json.loads(out[start + 3:])


def test_kolla_playbook_renders_validates_and_is_idempotent(tmp_path):
    kolla = tmp_path / 'kolla-config'
    args = ('-e', f'node_custom_config={kolla}')
    status, stats, out = playbook(tmp_path, 'kolla_ansible.yml', *args)
    assert status == 0, out
    assert (stats['changed'], stats['failed']) == (3, 0)
    policy = yaml.safe_load((kolla / 'nova' / 'policy.yaml').read_text())
    assert policy['os_compute_api:os-migrate-server:migrate_live:host'] == \
        'rule:context_is_admin'
    assert 'live_migration_with_native_tls' in (
        kolla / 'nova' / 'nova-compute.conf').read_text()
    assert oct((kolla / 'nova' / 'policy.yaml').stat().st_mode)[-3:] == '644'

    status, stats, out = playbook(tmp_path, 'kolla_ansible.yml', *args)
    assert (status, stats['changed'], stats['ok']) == (0, 0, 6), out

    # another profile: only the policy changes, and --diff shows how
    status, stats, out = playbook(
        tmp_path, 'kolla_ansible.yml', *args, '-e',
        'osmigcfg_profile=admin-only', '--diff')
    assert (status, stats['changed']) == (0, 1), out
    assert f'--- before: {kolla}/nova/policy.yaml' in out
    assert '+"os_compute_api:os-migrate-server:migrate_live": ' \
           '"rule:context_is_admin"' in out


def test_check_mode_writes_nothing(tmp_path):
    kolla = tmp_path / 'kolla-config'
    (kolla / 'nova').mkdir(parents=True)
    status, stats, out = playbook(
        tmp_path, 'kolla_ansible.yml', '-e', f'node_custom_config={kolla}',
        '--check')
    assert 'changed: [localhost]' in out
    assert os.listdir(kolla / 'nova') == []
    # the validator that follows has no file to read: the one failure
    assert status != 0 and stats['failed'] == 1
    assert 'policy.yaml: cannot read' in out


def test_openstack_ansible_playbook_writes_policy_overrides(tmp_path):
    deploy = tmp_path / 'openstack_deploy'
    deploy.mkdir()
    args = ('-e', f'openstack_deploy_dir={deploy}')
    status, stats, out = playbook(tmp_path, 'openstack_ansible.yml', *args)
    assert status == 0, out
    variables = yaml.safe_load(
        (deploy / 'user_variables_osmigcfg.yml').read_text())
    overrides = variables['nova_policy_overrides']
    assert overrides['os_compute_api:os-migrate-server:migrate_live'] == \
        'rule:project_member_or_admin'
    rendered = yaml.safe_load(
        (deploy / 'osmigcfg' / 'nova-policy.yaml').read_text())
    assert rendered == overrides  # the filter and the module agree
    status, stats, out = playbook(tmp_path, 'openstack_ansible.yml', *args)
    assert (status, stats['changed']) == (0, 0), out


def test_a_bad_policy_fails_the_task_with_its_findings(tmp_path):
    bad = tmp_path / 'policy.yaml'
    bad.write_text('# ours\n'
                   '"os_compute_api:os-migrate-server:migrate_livee": '
                   '"role:admin"\n')
    status, result = module(tmp_path, 'osmigcfg.migration.policy_validate',
                            {'policy_file': str(bad)})
    assert status != 0
    [finding] = result['failed_findings']
    assert (finding['code'], finding['file'], finding['line']) == (
        'POL103', str(bad), 2)
    assert result['msg'].startswith('1 finding(s) at or above error: POL103')
    status, result = module(tmp_path, 'osmigcfg.migration.policy_validate',
                            {'policy_file': str(bad), 'fail_on': 'never'})
    assert status == 0 and result['findings'][0]['code'] == 'POL103'


def test_audit_returns_the_matrix_as_data(tmp_path):
    status, result = module(tmp_path, 'osmigcfg.migration.policy_audit',
                            {'profile': 'mosk-24.3'})
    assert status == 0, result
    rows = {r['action']: r['personas'] for r in result['matrix']}
    assert rows and all(set(p.values()) <= {'allowed', 'denied', 'unknown'}
                        for p in rows.values())
    assert any(p.get('admin') == 'allowed' for p in rows.values())


def test_a_missing_profile_is_one_clear_message(tmp_path):
    status, result = module(
        tmp_path, 'osmigcfg.migration.policy_render',
        {'profile': 'nope', 'dest': str(tmp_path / 'p.yaml')})
    assert status != 0 and 'nope' in result['msg']
    assert 'Traceback' not in result['msg'] and 'exception' not in result
    assert not (tmp_path / 'p.yaml').exists()


@pytest.mark.parametrize('args, wanted', [
    ({'hosts': ['c1'], 'aggregate': 'rack-7', 'command': 'true'},
     'give exactly one of hosts, aggregate, availability_zone, '
     'all_computes (got: hosts, aggregate)'),
    ({'command': 'true'}, 'give exactly one of hosts, aggregate, '
     'availability_zone, all_computes (got: none)'),
    ({'all_computes': True}, 'give exactly one of command and pause'),
    ({'all_computes': True, 'command': 'true', 'pause': True},
     'give exactly one of command and pause'),
])
def test_maintain_refuses_an_unclear_request_before_connecting(
        tmp_path, args, wanted):
    # no cloud argument at all: the refusal comes before any connection
    status, result = module(tmp_path, 'osmigcfg.migration.maintain', args)
    assert status != 0 and result['msg'] == wanted, result


def test_maintain_documents_what_it_returns():
    # the module documents every key its check mode returns
    import ast
    source = (ROOT / 'ansible_collections' / 'osmigcfg' / 'migration' /
              'plugins' / 'modules' / 'maintain.py').read_text()
    docs = {t.targets[0].id: yaml.safe_load(t.value.value)
            for t in ast.parse(source).body if isinstance(t, ast.Assign)
            and isinstance(t.value, ast.Constant)
            and t.targets[0].id in ('DOCUMENTATION', 'RETURN', 'EXAMPLES')}
    assert {'scope', 'waves', 'special', 'findings', 'state', 'outcomes',
            'journal'} == set(docs['RETURN'])
    assert {'hosts', 'aggregate', 'availability_zone', 'all_computes',
            'command', 'pause'} <= set(docs['DOCUMENTATION']['options'])
    assert all('osmigcfg.migration.maintain' in task
               for task in docs['EXAMPLES'])


@pytest.fixture(autouse=True)
def _no_stray_ansible_dirs(tmp_path):
    yield
    shutil.rmtree(tmp_path / 'ansible-tmp', ignore_errors=True)
