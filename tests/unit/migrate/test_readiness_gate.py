"""The drain's readiness gate, offline (roles from a file, real policies).

The gate keeps what readiness says about the kinds a plan makes, leaves
the caller's Nova rules to the preflight, and refuses (errors) unless
told to ignore readiness (warnings).  The sandbox-backed CLI test is
tests/functional/test_migrate_readiness_gate.py.
"""

import pytest

from osmigcfg import exceptions
from osmigcfg.migrate import drain as drain_mod
from osmigcfg.migrate import planner
from osmigcfg.migrate import preflight as pf
from osmigcfg.migrate import readiness_gate as gate

READER = pf.Caller(('reader',), 'p1', 'rita')
ADMIN = pf.Caller(('admin', 'member', 'reader'), 'admin', 'root')


def _plan(*methods, host=None):
    items = [planner.plan_item({'id': f's{n}', 'name': f's{n}',
                                'project_id': 'p1', 'status': status,
                                'host': 'host1'}, host=host)
             for n, status in enumerate(methods)]
    return planner.Plan('drain', 'host1', items)


@pytest.fixture(scope='module')
def upstream():
    return pf.load_policy(profile='upstream', release=34)[0]


def test_kinds_follow_the_movers():
    assert gate.plan_kinds(_plan('ACTIVE', 'SHUTOFF')) == {'live', 'cold'}
    assert gate.plan_kinds(_plan('ACTIVE', host='h2')) == {'host_targeted'}
    assert gate.plan_kinds(_plan('SUSPENDED')) == set()


def test_a_service_user_without_service_blocks_the_plan(upstream, write):
    roles = str(write('r.yaml', 'nova: [admin]\nneutron: [service, admin]'))
    plan = _plan('ACTIVE')
    gate.check_readiness(plan, pf.Preflight(upstream, ADMIN), None,
                         role_assignments=roles)
    errors = plan.report.at_least('error')
    assert {f.code for f in errors} == {'RDY101'}
    assert any('create_port_binding' in f.message for f in errors)
    assert all(f.message.startswith('readiness predicts every live ')
               for f in errors)
    with pytest.raises(exceptions.PolicyDeniedError) as caught:
        drain_mod.refuse_on_errors(plan)
    assert caught.value.hint.startswith('openstack role add --user nova ')

    ignored = _plan('ACTIVE')
    gate.check_readiness(ignored, pf.Preflight(upstream, ADMIN), None,
                         role_assignments=roles, ignore=True)
    assert not ignored.report.at_least('error')
    assert {f.code for f in ignored.report} == {'RDY101'}
    drain_mod.refuse_on_errors(ignored)  # nothing raised


def test_the_caller_s_nova_rules_are_left_to_the_preflight(upstream, write):
    """A reader is denied live migration by Nova's policy: that is MIG001
    (the preflight's), not a second readiness error."""
    roles = str(write('r.yaml', 'nova: [service]\nneutron: [service, admin]'))
    plan = _plan('ACTIVE')
    gate.check_readiness(plan, pf.Preflight(upstream, READER), None,
                         role_assignments=roles)
    assert [f for f in plan.report if f.severity == 'error'] == []
