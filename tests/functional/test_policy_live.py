"""Rendered profiles on real Nova 34 over HTTP, and the offline engine's match.

Each cell (policy × persona × action) is probed on a *suspended* server:
Nova checks the policy first, then the server state, so 403 means "denied
by policy" and 409 means "the policy allowed it" (suspended servers can be
neither cold- nor live-migrated), with nothing moved.  A member of another
project gets 404 (Nova hides the server), which is a refusal too.  The
member's real migrations under mosk-24.3 are exercised end to end as well.
"""

import pytest
from openstack import exceptions as sdk_exceptions

from osmigcfg.policy import catalog
from osmigcfg.policy import effective
from osmigcfg.policy import render
from osmigcfg.sandbox import servers

pytestmark = pytest.mark.nova

PROJECT = 'demo'
PERSONAS = {  # name -> (project, roles as keystone would expand them)
    'admin': (PROJECT, ['admin']),
    'manager': (PROJECT, ['manager']),
    'member': (PROJECT, ['member']),
    'reader': (PROJECT, ['reader']),
    'other-project member': ('other', ['member']),
}
ACTIONS = {  # name -> (rule Nova checks, request body)
    'migrate': (catalog.MIGRATE, {'migrate': None}),
    'migrate to host': (catalog.MIGRATE_HOST, {'migrate': {'host': 'host2'}}),
    'live migrate': (catalog.MIGRATE_LIVE, {'os-migrateLive': {
        'host': None, 'block_migration': 'auto'}}),
    'live migrate to host': (catalog.MIGRATE_LIVE_HOST, {'os-migrateLive': {
        'host': 'host2', 'block_migration': 'auto'}}),
}
INHERIT = f'"{catalog.MIGRATE_LIVE}": "rule:project_member_or_admin"\n'
POLICIES = {
    'mosk-24.3': render.render_policy('mosk-24.3', 34),
    'admin-only': render.render_policy('admin-only', 34),
    'upstream': render.render_policy('upstream', 34),
    'migrate_live only (inherits to :host)': INHERIT,
}
EXPECTED = {  # what the issue requires of the live API, per policy
    'mosk-24.3': {'admin': 'OOOO', 'manager': 'OFOF', 'member': 'OFOF',
                  'reader': 'FFFF', 'other-project member': 'FFFF'},
    'admin-only': {'admin': 'OOOO', 'manager': 'FFFF', 'member': 'FFFF',
                   'reader': 'FFFF', 'other-project member': 'FFFF'},
    'upstream': {'admin': 'OOOO', 'manager': 'OFOF', 'member': 'FFFF',
                 'reader': 'FFFF', 'other-project member': 'FFFF'},
    'migrate_live only (inherits to :host)': {
        'admin': 'OOOO', 'manager': 'OFOO', 'member': 'FFOO',
        'reader': 'FFFF', 'other-project member': 'FFFF'},
}


@pytest.fixture(scope='module')
def suspended_server(nova_sandbox_session):
    sandbox = nova_sandbox_session
    owner = sandbox.connect('owner', PROJECT, ['member'])
    server = sandbox.boot(owner, 'policy-probe')
    sandbox.admin.compute.suspend_server(server)
    servers.wait_for_status(sandbox.admin, server, 'SUSPENDED')
    yield server
    sandbox.admin.compute.delete_server(server)


def live_answer(conn, server, body):
    """'O' when Nova's policy let the call through, 'F' when it refused."""
    response = conn.compute.post(f'/servers/{server.id}/action', json=body,
                                 microversion='2.56')
    if response.status_code in (403, 404):
        return 'F'
    assert response.status_code == 409, (response.status_code,
                                         response.text)
    return 'O'


def offline_answer(ep, persona, rule, server):
    project, roles = PERSONAS[persona]
    from osmigcfg.roles import expand_roles
    decision = ep.check(rule, list(expand_roles(roles)), project,
                        target={'project_id': server.project_id})
    return 'O' if decision.allowed else 'F'


@pytest.mark.parametrize('policy_name', list(POLICIES))
def test_live_api_matches_the_profile_and_the_offline_engine(
        policy_name, nova_policy, suspended_server, tmp_path):
    text = POLICIES[policy_name]
    sandbox = nova_policy(text)
    path = tmp_path / 'policy.yaml'
    path.write_text(text)
    ep = effective.load_effective_policy(path, release=34)
    live, offline = {}, {}
    for persona, (project, roles) in PERSONAS.items():
        conn = sandbox.connect(persona.replace(' ', '-'), project, roles)
        live[persona] = ''.join(
            live_answer(conn, suspended_server, body)
            for _rule, body in ACTIONS.values())
        offline[persona] = ''.join(
            offline_answer(ep, persona, rule, suspended_server)
            for rule, _body in ACTIONS.values())
    assert live == EXPECTED[policy_name]
    assert offline == live


def test_member_really_migrates_under_mosk_and_reader_is_refused(
        nova_policy):
    sandbox = nova_policy(POLICIES['mosk-24.3'])
    member = sandbox.connect('mia', PROJECT, ['member'])
    server = sandbox.boot(member, 'mosk-member-moves')
    try:
        start = sandbox.host_of(server)
        member.compute.migrate_server(server)
        servers.wait_for_status(member, server, 'VERIFY_RESIZE')
        member.compute.confirm_server_resize(server)
        servers.wait_for_status(member, server, 'ACTIVE')
        after_cold = sandbox.host_of(server)
        assert after_cold != start
        member.compute.live_migrate_server(server, host=None,
                                           block_migration='auto')
        servers.wait_until(lambda: sandbox.host_of(server) != after_cold,
                           'the live migration to change host')
        servers.wait_for_status(member, server, 'ACTIVE')
        reader = sandbox.connect('rita', PROJECT, ['reader'])
        with pytest.raises(sdk_exceptions.ForbiddenException):
            reader.compute.migrate_server(server)
        with pytest.raises(sdk_exceptions.ForbiddenException):
            member.compute.live_migrate_server(server, host='host1',
                                               block_migration='auto')
    finally:
        sandbox.admin.compute.delete_server(server)
