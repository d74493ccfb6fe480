"""The host_drain module of the Ansible collection on real Nova 34: a real
``ansible-playbook`` (local connection) plans in check mode (nothing
moves), then drains the host with the CLI's preflight, journal and
verification, then finds nothing to move on a second run.  The maintain
module plans its waves in check mode (nothing moves, no service changes).

The module connects with the openstack.cloud-style ``auth_type``/``auth``
arguments to the sandbox's compute endpoint (admin_token auth, as the
sandbox's ``token_env``); the caller's roles are given, as the CLI tests
give ``--roles``.
"""

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest
import yaml

from tests.functional import migrate_support as ms

pytestmark = pytest.mark.nova

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent


@pytest.fixture
def nova(nova_sandbox, monkeypatch, tmp_path):
    with ms.cli_environment(monkeypatch, nova_sandbox, ms.ADMIN, tmp_path):
        yield nova_sandbox
    ms.delete_everything(nova_sandbox.admin)
    ms.enable_all_computes(nova_sandbox.admin)


def _playbook(tmp_path, nova, journal, module='host_drain', **args):
    env = nova.token_env(*ms.ADMIN)
    args = args or {'host': 'host1'}
    task = {
        f'osmigcfg.migration.{module}': dict(args, **{
            'auth_type': 'admin_token',
            'auth': {'endpoint': env['OS_ENDPOINT'],
                     'token': env['OS_TOKEN']},
            'roles': ms.identity_args(ms.ADMIN)[1].split(','),
            'project_id': ms.ADMIN[1],
            'profile': 'upstream',
            'journal': str(journal),
            'timeout': 120,
        }),
        'register': 'drained',
    }
    show = {'ansible.builtin.copy': {
        'dest': str(tmp_path / 'result.json'),
        'content': '{{ drained | to_json }}'}, 'check_mode': False}
    path = tmp_path / 'drain.yml'
    path.write_text(yaml.safe_dump([{
        'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
        'tasks': [dict(task, name='drain'), dict(show, name='keep')]}]))
    return path


def _run(tmp_path, path, *argv):
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(LANG='C.UTF-8', LC_ALL='C.UTF-8',
               ANSIBLE_COLLECTIONS_PATH=str(ROOT),
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'),
               ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
               ANSIBLE_NOCOLOR='1', OSMIGCFG_STATE_DIR=str(tmp_path))
    done = subprocess.run(
        [str(BIN / 'ansible-playbook'), '-i', 'localhost,', '-e',
         f'ansible_python_interpreter={sys.executable}', str(path), *argv],
        env=env, capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    recap = re.search(r'^localhost\s+:\s+ok=\d+\s+changed=(\d+)', out, re.M)
    assert recap, out
    result = json.loads((tmp_path / 'result.json').read_text())
    (tmp_path / 'result.json').unlink()
    return done.returncode, result, out


def test_host_drain_module_plans_drains_and_then_has_nothing_to_do(
        nova, tmp_path):
    admin = nova.admin
    flavor = ms.micro_flavor(admin)
    made = ms.boot_many(admin, ['a-0', 'a-1'], host='host1', flavor=flavor)
    ms.stop(admin, made[1])
    journal = tmp_path / 'drain.journal'
    path = _playbook(tmp_path, nova, journal)

    # check mode = the plan; nothing moves (the task keeping the result
    # runs with check_mode: false)
    status, result, out = _run(tmp_path, path, '--check')
    assert status == 0, out
    assert result['changed'] is True
    methods = {i['name']: i['method'] for i in result['plan']}
    assert methods == {'a-0': 'live', 'a-1': 'cold'}
    assert 'outcomes' not in result and not journal.exists()
    assert {ms.host_of(admin, s) for s in made} == {'host1'}

    status, result, out = _run(tmp_path, path)
    assert status == 0, out
    assert result['changed'] is True and result['journal'] == str(journal)
    assert sorted(o['outcome'] for o in result['outcomes']) == [
        'migrated', 'migrated']
    assert journal.exists()
    for server in made:
        assert ms.host_of(admin, server) != 'host1'
    assert ms.status_of(admin, made[1]) == 'SHUTOFF'  # cold, confirmed

    journal.unlink()
    status, result, out = _run(tmp_path, path)
    assert status == 0, out
    assert result['changed'] is False and result['plan'] == []


def test_maintain_module_check_mode_returns_the_waves_and_changes_nothing(
        nova, tmp_path):
    admin = nova.admin
    flavor = ms.micro_flavor(admin)
    made = ms.boot_many(admin, ['m-0', 'm-1'], host='host1', flavor=flavor)
    ms.stop(admin, made[1])
    services = {s.host: s.status for s in admin.compute.services()
                if s.binary == 'nova-compute'}
    journal = tmp_path / 'maintain.journal'
    path = _playbook(tmp_path, nova, journal, module='maintain',
                     hosts=['host1'], command='false {host}')

    status, result, out = _run(tmp_path, path, '--check')
    assert status == 0, out
    assert result['changed'] is True and result['scope'] == ['host1']
    [wave] = result['waves']
    assert wave['hosts'] == ['host1']
    assert sorted(m['name'] for m in wave['movers']) == ['m-0', 'm-1']
    assert {m['host'] for m in wave['movers']} == {'host1'}
    assert 'state' not in result and not journal.exists()
    # nothing moved, no service was touched (the command, which would
    # fail, never ran)
    assert {ms.host_of(admin, s) for s in made} == {'host1'}
    assert {s.host: s.status for s in admin.compute.services()
            if s.binary == 'nova-compute'} == services
