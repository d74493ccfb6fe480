"""``readiness.assess`` from files, with real oslo.policy and oslo.config.

Each broken variant of an otherwise clean deployment must block exactly
the kinds of migration it breaks, naming the rule, the user and the fix.
"""

import pytest

from osmigcfg import readiness
from osmigcfg.readiness import calls
from tests.unit.readiness import conftest

LIVE = {'live', 'live_block', 'live_volumes', 'host_targeted'}


def _assess(files, **extra):
    return readiness.assess(readiness.Inputs(**files, **extra))


def _blocked(result):
    return {k for k, v in result.verdicts().items() if v == 'blocked'}


def _codes(result, kind):
    kv = next(k for k in result.kinds if k.kind == kind)
    return [r.finding.code for r in kv.reasons]


def test_a_clean_deployment_is_ready_for_every_kind(deployment):
    result = _assess(deployment())
    assert result.verdicts() == {k: 'ready' for k in calls.KINDS}
    assert not result.report.fails('error')


def test_nova_user_without_service_role_blocks_live_on_port_binding(
        deployment):
    # admin is not enough: Neutron's create_port_binding is role:service
    result = _assess(deployment(roles={'nova': ['admin'],
                                       'neutron': ['service', 'admin']}))
    assert LIVE <= _blocked(result)
    binding = next(f for f in result.report
                   if f.location.subject == 'neutron:create_port_binding / '
                                            'nova')
    assert binding.code == 'RDY101' and binding.severity == 'error'
    assert "'nova' (admin, manager, member, reader on project 'service')" \
        in binding.message
    assert 'POST /v2.0/ports/{port_id}/bindings' in binding.message
    assert binding.hint.startswith(
        'openstack role add --user nova --project service service')
    # Placement accepts admin: cold migration and evacuation still work
    # as far as Placement goes, but the cold path updates the port's
    # binding profile, which is role:service only too
    assert 'neutron:update_port:binding:profile / nova' in {
        f.location.subject for f in result.report}


def test_neutron_user_without_service_or_admin_blocks_external_events(
        deployment):
    result = _assess(deployment(roles={'nova': ['service'],
                                       'neutron': ['member']}))
    events = next(
        f for f in result.report if f.location.subject ==
        'nova:os_compute_api:os-server-external-events:create / neutron')
    assert events.code == 'RDY101'
    assert 'rule:service_or_admin' in events.message
    assert 'role add --user neutron --project service service' in events.hint
    assert _blocked(result) == set(calls.KINDS)


def test_external_events_denial_is_a_warning_when_nova_does_not_wait(
        deployment):
    files = deployment(roles={'nova': ['service'], 'neutron': ['member']})
    with open(files['nova_conf'], 'a') as f:
        f.write('[DEFAULT]\nvif_plugging_is_fatal = false\n')
    result = _assess(files)
    assert not _blocked(result)
    assert 'RDY104' in _codes(result, 'live')


def test_without_service_user_token_moves_that_detach_first_are_blocked(
        deployment):
    # Cinder refuses to delete an attachment Nova still names; only the
    # live migration switches Nova to the new attachment before deleting
    result = _assess(deployment(send='false'))
    assert _blocked(result) == {'cold', 'host_targeted', 'evacuate'}
    finding = next(f for f in result.report if f.code == 'RDY302')
    assert finding.location.subject == '[service_user] ' \
        'send_service_user_token'
    assert finding.location.file.endswith('nova.conf')
    assert finding.location.line
    assert 'OSSA-2023-003' in finding.hint


def test_service_token_without_a_role_cinder_requires(deployment):
    cinder = ('[keystone_authtoken]\nservice_token_roles_required = true\n'
              'service_token_roles = service,nova-token\n')
    result = _assess(deployment(roles={'nova': ['admin'],
                                       'neutron': ['service', 'admin']},
                                cinder_conf=cinder))
    token = next(f for f in result.report if f.code == 'RDY203')
    assert 'service, nova-token' in token.message
    assert 'live_volumes' in _blocked(result)


def test_the_openstack_role_assignment_list_shape_is_read(deployment):
    rows = """\
    - Role: service
      User: nova@Default
      Group: ''
      Project: service@Default
      Domain: ''
      System: ''
      Inherited: false
    - Role: admin
      User: ''
      Group: admins@Default
      Project: service@Default
      Domain: ''
      System: ''
      Inherited: false
    - Role: service
      User: neutron@Default
      Group: ''
      Project: other@Default
      Domain: ''
      System: ''
      Inherited: false
    """
    result = _assess(deployment(roles_text=rows))
    # neutron's service role is on another project than neutron.conf names
    assert 'RDY202' in _codes(result, 'live')
    assert _blocked(result) == set(calls.KINDS)
    assert next(f for f in result.report if f.code == 'RDY202') \
        .location.subject == 'neutron_nova_user neutron'


def test_a_policy_file_that_grants_the_binding_to_admin_unblocks_live(
        deployment, write):
    policy = write('neutron-policy.yaml',
                   '"create_port_binding": "role:admin or role:service"\n'
                   '"update_port:binding:profile": "role:admin or '
                   'role:service"\n'
                   '"activate": "role:admin or role:service"\n'
                   '"delete_port_binding": "role:admin or role:service"\n')
    cinder = ('[keystone_authtoken]\nservice_token_roles_required = true\n'
              'service_token_roles = service,admin\n')
    files = deployment(roles={'nova': ['admin'],
                              'neutron': ['service', 'admin']},
                       cinder_conf=cinder)
    assert LIVE <= _blocked(_assess(files))
    assert _blocked(_assess(files, neutron_policy=str(policy))) == set()


def test_a_denial_set_in_a_policy_file_points_at_its_line(deployment, write):
    policy = write('policy.d/10-placement.yaml',
                   '# operators only\n'
                   '"placement:allocations:update": "role:admin"\n')
    result = _assess(deployment(), placement_policy=str(policy.parent))
    finding = next(f for f in result.report if f.code == 'RDY101')
    assert (finding.location.file.endswith('10-placement.yaml'),
            finding.location.line) == (True, 2)
    assert _blocked(result) == set(calls.KINDS)


def test_a_member_caller_is_blocked_by_nova_default_policy(deployment):
    result = _assess(deployment(), caller_roles=('member',))
    nova = {f.location.subject for f in result.report if f.code == 'RDY102'}
    assert 'nova:os_compute_api:os-migrate-server:migrate_live / caller' \
        in nova
    assert _blocked(result) == set(calls.KINDS)


def test_without_role_assignments_service_calls_are_unknown(deployment):
    files = deployment()
    del files['role_assignments']
    result = _assess(files)
    assert set(result.verdicts().values()) == {'unknown'}
    assert 'RDY201' in _codes(result, 'cold')


def test_missing_auth_sections_block_every_kind(deployment):
    nova = ('[service_user]\nsend_service_user_token = true\n'
            'auth_type = password\nusername = nova\n')
    result = _assess(deployment(nova_conf=nova))
    missing = {f.location.subject for f in result.report
               if f.code == 'RDY301'}
    assert missing == {'[neutron]', '[placement]'}
    assert _blocked(result) == set(calls.KINDS)


def test_live_migration_config_errors_block_only_live_kinds(deployment):
    files = deployment()
    with open(files['nova_conf'], 'a') as f:
        f.write('[libvirt]\nlive_migration_tunnelled = true\n')
    result = _assess(files)
    # CFG201: nova-compute refuses to start with both
    assert 'CFG201' in _codes(result, 'cold')
    files = deployment(nova_conf=open(files['nova_conf']).read().replace(
        'live_migration_tunnelled = true',
        'live_migration_permit_post_copy = true\n'
        'live_migration_parallel_connections = 4'))
    result = _assess(files)
    assert 'CFG207' in _codes(result, 'live') and \
        'CFG207' not in _codes(result, 'cold')


@pytest.mark.parametrize('text,needle', [
    ('nova: admin: [x]', 'roles.yaml'),
    ('- just a string', 'row 1'),
    ('nova: [1, 2]', 'want a list of role names'),
])
def test_a_bad_role_assignments_file_names_the_problem(deployment, text,
                                                       needle):
    from osmigcfg import exceptions
    with pytest.raises(exceptions.InputError) as e:
        _assess(deployment(roles_text=text))
    assert needle in str(e.value)


def test_a_bad_value_in_nova_conf_names_file_and_line(deployment):
    from osmigcfg import exceptions
    files = deployment(send='maybe')
    with pytest.raises(exceptions.ConfigFileError) as e:
        _assess(files)
    assert 'nova.conf:' in str(e.value)
    assert 'send_service_user_token' in str(e.value)


def test_personas_who_may_start_each_kind_follow_novas_policy(
        deployment, write):
    def who(result, kind):
        return next(f.message for f in result.report
                    if f.location.subject == f'{kind} / personas')
    files = deployment()
    assert who(_assess(files), 'live').startswith(
        'live: admin, manager may start it')
    policy = write('nova-policy.yaml',
                   '"os_compute_api:os-migrate-server:migrate_live": '
                   '"rule:project_member_or_admin"\n')
    result = _assess(files, nova_policy=str(policy))
    assert who(result, 'live').startswith('live: admin, manager, member may')
    assert who(result, 'cold').startswith('cold: admin, manager may')


def test_a_remote_check_leaves_its_kinds_unknown_without_any_request(
        deployment, write):
    # oslo.policy would POST to this URL when enforcing; offline it is inert
    policy = write('neutron-policy.yaml',
                   '"activate": "http://127.0.0.1:9/policy"\n')
    result = _assess(deployment(), neutron_policy=str(policy))
    finding = next(f for f in result.report if f.code == 'RDY103')
    assert finding.location.subject == 'neutron:activate / nova'
    assert finding.location.line == 1
    assert result.verdict('live') == 'unknown'
    assert result.verdict('cold') == 'ready'


def test_an_inventory_collision_blocks_live_kinds_only(deployment, write):
    inventory = write('hosts.yaml', 'hosts:\n'
                      '  cmp-001: {interface: ens4, address: 10.20.0.11}\n'
                      '  cmp-002: {interface: ens4, address: 10.20.0.11}\n')
    result = _assess(deployment(), inventory=str(inventory))
    assert 'CFG302' in _codes(result, 'live')
    assert _blocked(result) == LIVE


def test_check_certs_reads_each_hosts_certificate_directory(deployment,
                                                            write, tmp_path):
    (tmp_path / 'pki' / 'cmp-001').mkdir(parents=True)
    inventory = write('hosts.yaml', f'cert_dir: {tmp_path}/pki/{{name}}\n'
                      'hosts:\n'
                      '  cmp-001: {interface: ens4, address: 10.20.0.11}\n')
    files = deployment()
    assert 'CFG401' not in _codes(_assess(files, inventory=str(inventory)),
                                  'live')
    result = _assess(files, inventory=str(inventory), check_certs=True)
    assert 'CFG401' in _codes(result, 'live')
    assert 'CFG401' not in _codes(result, 'cold')


def test_neutron_user_with_service_but_not_admin_loses_its_events(
        deployment):
    # Nova's events rule passes on service, but only an admin context
    # (context_is_admin) finds servers of other projects: 404 per event
    result = _assess(deployment(roles={'nova': ['service'],
                                       'neutron': ['service']}))
    assert _blocked(result) == set(calls.KINDS)
    lost = [f for f in result.report if f.code == 'RDY106']
    assert len(lost) == 1 and lost[0].severity == 'error'
    assert lost[0].location.subject == 'nova:context_is_admin / neutron'
    assert "'neutron' (service on project 'service')" in lost[0].message
    assert '404' in lost[0].message
    assert lost[0].hint.startswith(
        'openstack role add --user neutron --project service admin')


def test_lost_events_only_warn_when_nova_does_not_fail_on_them(
        deployment):
    nova = _nova_conf_with('vif_plugging_is_fatal = false')
    result = _assess(deployment(roles={'nova': ['service'],
                                       'neutron': ['service']},
                                nova_conf=nova))
    assert _blocked(result) == set()
    assert [f.severity for f in result.report if f.code == 'RDY106'] == [
        'warning']
    nova = _nova_conf_with('vif_plugging_timeout = 0')
    result = _assess(deployment(roles={'nova': ['service'],
                                       'neutron': ['service']},
                                nova_conf=nova))
    assert 'RDY106' not in {f.code for f in result.report}


def _nova_conf_with(line):
    text = conftest.NOVA_CONF.format(
        auth_nova=conftest.AUTH.format(user='nova'), send='true')
    key = line.split(' = ')[0]
    return '\n'.join(line if ln.startswith(key) else ln
                     for ln in text.splitlines()) + '\n'


def _neutron_conf(required='true', roles=None):
    text = conftest.NEUTRON_CONF + '\n[keystone_authtoken]\n' \
        f'service_token_roles_required = {required}\n'
    return text + (f'service_token_roles = {roles}\n' if roles else '')


def test_neutron_requires_a_role_nova_service_token_lacks(deployment):
    # seen on the whole local cloud: nova without `service` -> 401 from
    # Neutron on every call carrying Nova's service token
    result = _assess(deployment(roles={'nova': ['admin'],
                                       'neutron': ['service', 'admin']},
                                neutron_conf=_neutron_conf()))
    token = next(f for f in result.report if f.code == 'RDY205')
    assert token.severity == 'error'
    assert "'nova' (admin, manager, member, reader on project 'service')" \
        in token.message
    assert "Neutron's service_token_roles (service)" in token.message
    assert 'NeutronAdminCredentialConfigurationInvalid' in token.message
    assert token.location.file.endswith('neutron.conf')
    text = _neutron_conf().splitlines()
    assert token.location.line == text.index(
        'service_token_roles_required = true') + 1
    assert token.hint.startswith(
        'openstack role add --user nova --project service service')
    assert 'service_token_roles_required = false' in token.hint
    assert _blocked(result) == set(calls.KINDS)
    assert all('RDY205' in _codes(result, k) for k in calls.KINDS)


def test_neutron_token_roles_held_or_not_required_are_ready(deployment):
    held = _assess(deployment(neutron_conf=_neutron_conf()))
    assert held.verdicts() == {k: 'ready' for k in calls.KINDS}
    off = _assess(deployment(roles={'nova': ['admin'],
                                    'neutron': ['service', 'admin']},
                             neutron_conf=_neutron_conf('false')))
    assert 'RDY205' not in {f.code for f in off.report}
    not_sent = _assess(deployment(send='false', roles={
        'nova': ['admin'], 'neutron': ['service', 'admin']},
        neutron_conf=_neutron_conf()))
    assert 'RDY205' not in {f.code for f in not_sent.report}


def test_an_implied_role_satisfies_neutron_token_roles(deployment):
    # reader is implied by admin only: service alone does not carry it
    implied = _assess(deployment(roles={'nova': ['service', 'admin'],
                                        'neutron': ['service', 'admin']},
                                 neutron_conf=_neutron_conf(roles='reader')))
    assert implied.verdicts() == {k: 'ready' for k in calls.KINDS}
    direct = _assess(deployment(neutron_conf=_neutron_conf(roles='reader')))
    assert 'RDY205' in {f.code for f in direct.report}
    assert _blocked(direct) == set(calls.KINDS)


def test_neutron_token_roles_with_unknown_roles_are_unknown(deployment):
    files = deployment(neutron_conf=_neutron_conf())
    del files['role_assignments']
    result = _assess(files)
    assert 'RDY205' not in {f.code for f in result.report}
    assert any(f.code == 'RDY201' and 'Neutron requires one of service'
               in f.message for f in result.report)
