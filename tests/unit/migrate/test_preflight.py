import pytest

from osmigcfg import exceptions
from osmigcfg.migrate import codes
from osmigcfg.migrate import preflight as pf

MEMBER = pf.Caller(('member', 'reader'), 'p1', 'alice')
ADMIN = pf.Caller(('admin', 'member', 'reader'), 'admin', 'root')


@pytest.fixture(scope='module')
def mosk():
    return pf.load_policy(profile='mosk-24.3', release=34)[0]


@pytest.fixture(scope='module')
def upstream():
    return pf.load_policy(profile='upstream', release=34)[0]


def test_member_can_live_migrate_without_host_under_mosk(mosk):
    verdict = pf.Preflight(mosk, MEMBER).check('live')
    assert verdict.allowed is True
    assert verdict.rule == 'os_compute_api:os-migrate-server:migrate_live'


def test_member_cannot_migrate_to_host_under_mosk_profile(mosk):
    with pytest.raises(exceptions.PolicyDeniedError) as e:
        pf.Preflight(mosk, MEMBER).require('live', host='host2')
    assert str(e.value).startswith(
        'your roles member,reader can live-migrate without a host, but '
        'choosing a host needs rule:context_is_admin '
        '(os_compute_api:os-migrate-server:migrate_live:host)')
    assert e.value.rule.endswith('migrate_live:host')


def test_member_cannot_cold_migrate_under_upstream_defaults(upstream):
    verdict = pf.Preflight(upstream, MEMBER).check('cold')
    assert verdict.allowed is False
    assert verdict.finding.code == codes.POLICY_DENIED
    assert 'rule:project_manager_or_admin' in verdict.explanation


def test_admin_may_choose_a_host(mosk):
    assert pf.Preflight(mosk, ADMIN).check('cold', host='h').allowed
    assert pf.Preflight(mosk, ADMIN).is_admin
    assert not pf.Preflight(mosk, MEMBER).is_admin


def test_unknown_roles_are_not_guessed(mosk):
    preflight = pf.Preflight(mosk, pf.Caller(None, None))
    verdict = preflight.check('live', host='h')
    assert verdict.allowed is None
    assert verdict.finding.code == codes.ROLES_UNKNOWN
    preflight.require('live', host='h')  # Nova decides


def test_assumed_defaults_warn_instead_of_refusing(upstream):
    preflight = pf.Preflight(upstream, MEMBER, authoritative=False)
    assert preflight.check('live').allowed is False
    preflight.require('live')


def test_a_403_after_an_allowed_preflight_is_reported_as_a_mismatch(mosk):
    error = pf.Preflight(mosk, MEMBER).explain_forbidden(
        'live', 'Policy doesn\'t allow ... to be performed.')
    assert codes.POLICY_MISMATCH in str(error)
    assert 'although the preflight allowed it' in str(error)


def test_a_403_the_preflight_predicted_is_explained_from_the_policy(mosk):
    error = pf.Preflight(mosk, MEMBER).explain_forbidden('live', 'x',
                                                         host='h')
    assert str(error).startswith('Nova refused: your roles member,reader '
                                 'can live-migrate without a host')


@pytest.mark.parametrize('version, release', [
    ((2, 104), 34), ((2, 103), 33), ((2, 100), 32), ((2, 96), 30),
    ((2, 95), None)])
def test_release_is_read_from_the_clouds_microversion(version, release):
    assert pf.release_for_cloud(version) == release


def test_caller_from_an_admin_token_connection_has_unknown_roles(conn):
    caller = pf.caller_from_connection(conn)
    assert caller.roles is None
    given = pf.caller_from_connection(conn, roles=['member'],
                                      project_id='p1')
    assert given == pf.Caller(('member',), 'p1', None)
