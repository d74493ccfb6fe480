"""Online facts: what they mean (pure), and a cloud that is not there."""

import openstack

from osmigcfg import readiness
from osmigcfg.readiness import assessment
from osmigcfg.readiness import calls
from osmigcfg.readiness import facts
from osmigcfg.readiness import online

TABLE = calls.load_calls(34)


def _svc(host, state='up', status='enabled', reason=None):
    return {'host': host, 'state': state, 'status': status,
            'disabled_reason': reason, 'binary': 'nova-compute'}


def _hv(host, kind='QEMU', version=10_001_000):
    return {'hypervisor_hostname': host, 'hypervisor_type': kind,
            'hypervisor_version': version}


def _by_code(reasons):
    return {r.finding.code: r for r in reasons}


def test_qemu_version_is_read_from_libvirts_number():
    assert facts.qemu_version(_hv('a', version=9_002_003)) == (9, 2)
    assert facts.qemu_version(_hv('a', kind='fake', version=1000)) is None
    cloud = online.CloudFacts(services=(), hypervisors=(
        _hv('a', version=10_001_000), _hv('b', version=9_002_000)))
    assert facts.lowest_qemu(cloud) == (9, 2)


def test_one_usable_compute_blocks_all_but_evacuation():
    cloud = online.CloudFacts(
        services=(_svc('a'), _svc('b', state='down'),
                  _svc('c', status='disabled', reason='maintenance')),
        hypervisors=())
    got = _by_code(facts.fact_reasons(cloud, TABLE))
    assert got['RDY402'].kinds == frozenset(calls.KINDS) - {'evacuate'}
    assert got['RDY403'].finding.location.subject == 'b'
    assert 'maintenance' in got['RDY404'].finding.message
    assert 'RDY401' not in got


def test_mixed_hypervisors_warn_for_live_kinds_only():
    cloud = online.CloudFacts(services=(_svc('a'), _svc('b')), hypervisors=(
        _hv('a'), _hv('b', version=9_002_000), _hv('c', kind='fake')))
    got = _by_code(facts.fact_reasons(cloud, TABLE))
    assert got['RDY405'].kinds == facts.LIVE
    assert 'cold' not in got['RDY405'].kinds
    assert not any(r.blocks for r in got.values())


def test_same_type_older_version_names_the_oldest_hosts():
    cloud = online.CloudFacts(services=(_svc('a'), _svc('b')), hypervisors=(
        _hv('a'), _hv('b', version=9_002_000)))
    got = _by_code(facts.fact_reasons(cloud, TABLE))
    assert 'b run the oldest (9002000)' in got['RDY406'].finding.message


def test_an_old_compute_api_warns_for_host_targeted_moves():
    cloud = online.CloudFacts(services=(_svc('a'), _svc('b')),
                              hypervisors=(), microversion=('2.1', '2.53'))
    got = _by_code(facts.fact_reasons(cloud, TABLE))
    assert got['RDY408'].kinds == {'host_targeted'}


def test_unread_services_are_not_taken_for_zero_computes():
    cloud = online.CloudFacts(problems=(online.Problem(
        'list compute services', 'HTTP 503', 'compute'),))
    got = _by_code(facts.fact_reasons(cloud, TABLE))
    assert 'RDY401' not in got
    assert got['RDY409'].unknown


def test_qemu_of_the_cloud_sharpens_cfg207(write):
    nova_conf = write('nova.conf', '[libvirt]\n'
                      'live_migration_permit_post_copy = true\n'
                      'live_migration_parallel_connections = 4\n')
    old = online.CloudFacts(services=(_svc('a'), _svc('b')),
                            hypervisors=(_hv('a', version=9_002_000),))
    reasons = assessment.config_reasons(
        readiness.Inputs(nova_conf=str(nova_conf)),
        qemu_version=facts.lowest_qemu(old))
    cfg207 = next(r for r in reasons if r.finding.code == 'CFG207')
    assert cfg207.blocks and 'QEMU is 9.2' in cfg207.finding.message


def test_a_cloud_that_is_not_there_is_findings_not_a_crash():
    # a real connection to a keystone port nothing listens on
    conn = openstack.connect(
        load_yaml_config=False, load_envvars=False, auth_type='password',
        auth={'auth_url': 'http://127.0.0.1:9/v3', 'username': 'admin',
              'password': 'x', 'project_name': 'admin',
              'user_domain_name': 'Default',
              'project_domain_name': 'Default'}, api_timeout=5)
    result = readiness.assess(readiness.Inputs(), conn=conn)
    missing = {f.location.subject for f in result.report
               if f.code == 'RDY409'}
    assert {'compute', 'placement', 'network'} <= missing
    assert 'RDY204' in result.report.codes()
    assert set(result.verdicts().values()) == {'unknown'}
