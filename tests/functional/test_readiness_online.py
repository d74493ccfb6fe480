"""Readiness's online facts read from real Nova 34 (the sandbox, 3 computes).

The sandbox has no keystone, Neutron, Cinder or Placement: the facts are
Nova's (compute services, hypervisors, microversions); the roles come from
a file.  A stopped compute must show as down, a disabled one as disabled,
and too few usable computes must block the migrations that need a
destination.
"""

import pytest

from osmigcfg import readiness
from osmigcfg.readiness import online

pytestmark = pytest.mark.nova

ROLES = 'nova: [service]\nneutron: [service, admin]\n'


def _codes_by_subject(result, code):
    return {f.location.subject for f in result.report if f.code == code}


def _set_status(conn, service_id, status):
    resp = conn.compute.put(f'/os-services/{service_id}',
                            json={'status': status}, microversion='2.53',
                            timeout=30)
    assert resp.status_code == 200, resp.text


def test_facts_name_every_compute_and_the_microversion_range(nova_sandbox):
    facts = online.gather_facts(nova_sandbox.admin, timeout=30)
    assert facts.problems == ()
    assert sorted(s['host'] for s in facts.services) == ['host1', 'host2',
                                                         'host3']
    assert {s['state'] for s in facts.services} == {'up'}
    assert {h['hypervisor_type'] for h in facts.hypervisors} == {'fake'}
    low, high = facts.microversion
    assert low == '2.1' and high == nova_sandbox.max_microversion


def test_a_stopped_compute_is_down_and_two_stopped_block_migrations(
        nova_sandbox, write):
    roles = str(write('roles.yaml', ROLES))
    inputs = readiness.Inputs(role_assignments=roles)
    result = readiness.assess(inputs, conn=nova_sandbox.admin)
    assert result.verdicts() == {k: 'ready' for k in readiness.KINDS}
    assert _codes_by_subject(result, 'RDY410') == {'compute API'}

    nova_sandbox.stop_compute('host3')
    result = readiness.assess(inputs, conn=nova_sandbox.admin)
    assert _codes_by_subject(result, 'RDY403') == {'host3'}
    assert set(result.verdicts().values()) == {'ready'}

    nova_sandbox.stop_compute('host2')
    result = readiness.assess(inputs, conn=nova_sandbox.admin)
    assert _codes_by_subject(result, 'RDY403') == {'host2', 'host3'}
    blocked = {k for k, v in result.verdicts().items() if v == 'blocked'}
    assert blocked == set(readiness.KINDS) - {'evacuate'}
    assert 'only host1 is up and enabled' in next(
        f.message for f in result.report if f.code == 'RDY402')


def test_a_disabled_compute_receives_nothing(nova_sandbox, write):
    admin = nova_sandbox.admin
    host2 = next(s for s in online.gather_facts(admin).services
                 if s['host'] == 'host2')
    _set_status(admin, host2['id'], 'disabled')
    try:
        result = readiness.assess(
            readiness.Inputs(role_assignments=str(write('r.yaml', ROLES))),
            conn=admin)
    finally:
        _set_status(admin, host2['id'], 'enabled')
    assert _codes_by_subject(result, 'RDY404') == {'host2'}
    assert set(result.verdicts().values()) == {'ready'}


def test_keystone_that_does_not_answer_leaves_the_roles_unknown(
        nova_sandbox):
    # the sandbox's token points every service at Nova: /users is a 404
    result = readiness.assess(readiness.Inputs(), conn=nova_sandbox.admin)
    reason = next(f for f in result.report if f.code == 'RDY204')
    # the reason comes from osmigcfg.cloud.http: '<what>: <why> (HTTP n)'
    assert 'find user nova: ' in reason.message
    assert '(HTTP 404)' in reason.message
    assert result.verdict('live') == 'unknown'


def test_cli_with_os_cloud_reads_the_cloud(nova_sandbox, write, capsys,
                                           monkeypatch):
    import json

    from osmigcfg.cli import app
    from osmigcfg.cli import readiness as readiness_cli
    from tests.cli_runner import run_cli

    # the installed osmigcfg may predate the command (see
    # tests/unit/readiness/test_cli_readiness.py): add it beside the others
    load = app.CommandManager.load_commands

    def load_with_readiness(self, namespace):
        load(self, namespace)
        self.add_command('readiness', readiness_cli.AssessReadiness)
    monkeypatch.setattr(app.CommandManager, 'load_commands',
                        load_with_readiness)
    token = nova_sandbox.token_env('admin', 'admin', ('admin',))['OS_TOKEN']
    clouds = write('clouds.yaml', json.dumps({'clouds': {'sandbox': {
        'auth_type': 'admin_token',
        'auth': {'endpoint': nova_sandbox.endpoint, 'token': token}}}}))
    for key in [k for k in __import__('os').environ if k.startswith('OS_')]:
        monkeypatch.delenv(key)
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(clouds))
    nova_sandbox.stop_compute('host2')
    nova_sandbox.stop_compute('host3')
    status, out, err = run_cli(
        capsys, '--os-cloud', 'sandbox', 'readiness', '--role-assignments',
        str(write('roles.yaml', ROLES)), '--timeout', '20', '-f', 'json')
    assert status == 1, err
    rows = {r['Kind']: r for r in json.loads(out)}
    assert rows['live']['Verdict'] == 'blocked'
    assert rows['evacuate']['Verdict'] == 'ready'
    assert {'RDY402', 'RDY403'} <= {r['code'] for r in rows['live']['Reasons']}
