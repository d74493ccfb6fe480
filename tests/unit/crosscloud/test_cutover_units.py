"""The pure parts of a cutover and its preflight: the boot request, the
Nova calls it will make, and what an effective policy says of them."""

import base64
import types

import pytest

from osmigcfg import findings
from osmigcfg import policy
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import validate
from osmigcfg.crosscloud.cutover import nova_ops
from osmigcfg.crosscloud.plan import preflight
from osmigcfg.crosscloud.types import server


def _spec(**extra):
    spec = {'dst_name': 'vm1', 'src_id': 's1', 'flavor_id': 'f1',
            'image_id': None,
            'source_state': 'stop', 'networks': [{'port': 'p1'}],
            'volumes': [{'boot_index': 0, 'copy': {'x': 1}},
                        {'boot_index': None, 'copy': {'x': 2}}],
            'security_groups': ['web'], 'key_name': 'k1',
            'server_group': 'g1', 'metadata': {'role': 'db'},
            'description': None, 'tags': None, 'availability_zone': None}
    spec.update(extra)
    return spec


def test_boot_request_uses_the_copied_volumes_and_kept_ports():
    body = nova_ops.boot_body(_spec(), {'vol0': 'd0', 'vol1': 'd1'})
    server = body['server']
    assert server['networks'] == [{'port': 'p1'}]
    assert 'security_groups' not in server  # a kept port carries its own
    assert [(b['uuid'], b['boot_index']) for b in
            server['block_device_mapping_v2']] == [('d0', 0), ('d1', None)]
    assert 'imageRef' not in server
    assert body['os:scheduler_hints'] == {'group': 'g1'}
    assert (server['key_name'], server['metadata']) == (
        'k1', {'role': 'db', 'osmigcfg_cutover': 's1'})  # the mark


def test_a_reimaged_server_without_nics_asks_for_none():
    spec = _spec(image_id='i1', networks=[], volumes=[
        {'boot_index': None, 'copy': {}}], server_group=None)
    body = nova_ops.boot_body(spec, {'vol0': 'd1'})
    assert body['server']['networks'] == 'none'
    assert body['server']['imageRef'] == 'i1'
    assert [b['uuid'] for b in body['server']['block_device_mapping_v2']] \
        == ['i1', 'd1']
    assert body['server']['security_groups'] == [{'name': 'web'}]
    assert 'os:scheduler_hints' not in body


def test_cutover_steps_follow_the_knobs():
    rules = {r for _, r, _ in preflight.cutover_steps(_spec())}
    assert 'os_compute_api:servers:stop' in rules
    assert 'os_compute_api:servers:create:attach_network' in rules
    shutoff = preflight.cutover_steps(_spec(
        source_state='require_shutoff', networks=[], volumes=[]))
    assert {r for _, r, _ in shutoff} == {
        'os_compute_api:servers:show', 'os_compute_api:servers:start',
        'os_compute_api:servers:create', 'os_compute_api:servers:delete'}


def _conn(roles, project='p1'):
    access = types.SimpleNamespace(role_names=roles, project_id=project,
                                   user_id='u1')
    auth = types.SimpleNamespace(get_access=lambda session: access)
    return types.SimpleNamespace(session=types.SimpleNamespace(auth=auth))


@pytest.fixture(scope='module')
def admin_boots_only(tmp_path_factory):
    path = tmp_path_factory.mktemp('p') / 'policy.yaml'
    path.write_text('"os_compute_api:servers:create": "role:admin"\n')
    return policy.load_effective_policy(str(path))


def test_the_cloud_policy_denying_the_boot_is_an_error(admin_boots_only):
    found = preflight.policy_findings(
        preflight.cutover_steps(_spec()),
        {'src': _conn(['member', 'reader']),
         'dst': _conn(['member', 'reader'])},
        {'src': admin_boots_only, 'dst': admin_boots_only})
    assert [(f.code, f.severity, f.location.subject) for f in found] == [
        ('XCL312', 'error', 'os_compute_api:servers:create')]
    assert "may not boot the destination server" in found[0].message
    assert "'role:admin'" in found[0].message


def test_an_admin_passes_and_unknown_roles_are_a_warning(admin_boots_only):
    steps = [('dst', 'os_compute_api:servers:create', 'boot')]
    assert preflight.policy_findings(
        steps, {'dst': _conn(['admin'])}, {'dst': admin_boots_only}) == []
    unknown = types.SimpleNamespace(session=types.SimpleNamespace(
        auth=types.SimpleNamespace(get_access=lambda s: 1 / 0)))
    [found] = preflight.policy_findings(steps, {'dst': unknown},
                                        {'dst': admin_boots_only})
    assert (found.code, found.severity) == ('XCL313', 'warning')


def test_every_run_result_has_ok_items_and_journal():
    from osmigcfg.crosscloud.copy import run as copy_run
    from osmigcfg.crosscloud.cutover import run as cutover_run
    for cls in (copy_run.CopyResult, cutover_run.CutoverResult):
        row = {'item': 'server/a', 'outcome': 'already cut over'}
        done = cls(findings.Report([]), rows=[row])
        assert done.ok and done.items == [row] and done.journal is None
        failed = cls(findings.Report([]), journal='j',
                     rows=[dict(row, outcome='failed')])
        assert not failed.ok
        refused = cls(findings.Report([findings.make_finding(
            codes.YAML_ERROR, 'bad', file='f', line=1)]))
        assert not refused.ok


def test_a_snapshot_boot_uses_the_copied_snapshot_or_its_volume():
    spec = _spec(volumes=[{'boot_index': None, 'copy': {}}])
    body = nova_ops.boot_body(spec, {'vol0': 'd1'}, {'image': 'snap'})
    assert body['server']['imageRef'] == 'snap'
    # Nova adds no root mapping for imageRef to a v2 list (clients do):
    # without it, Nova refuses the data volume's boot sequence
    assert [(b['uuid'], b['source_type'], b['destination_type'],
             b['boot_index']) for b in body['server'][
                 'block_device_mapping_v2']] == [
        ('snap', 'image', 'local', 0), ('d1', 'volume', 'volume', None)]
    body = nova_ops.boot_body(spec, {'vol0': 'd1'},
                              {'image': 'snap', 'volume': 'bv'})
    server = body['server']
    assert 'imageRef' not in server
    assert [(b['uuid'], b['boot_index']) for b in
            server['block_device_mapping_v2']] == [('bv', 0), ('d1', None)]
    steps = {r for _, r, _ in preflight.cutover_steps(dict(
        spec, boot='snapshot'))}
    assert 'os_compute_api:servers:create_image' in steps


def test_boot_defaults_to_snapshot_for_an_image_booted_server():
    from osmigcfg.crosscloud import model
    from osmigcfg.crosscloud import resources
    rtype = resources.get_type('server')
    image = model.Entry('server', {'name': 'a'}, {
        'name': 'a', 'image': {'ref': 'image', 'name': 'i'}}, {}, {})
    volume = model.Entry('server', {'name': 'b'}, {
        'name': 'b', 'volumes': [{'boot_index': 0}]}, {}, {})
    chosen = model.Entry('server', {'name': 'c'}, {'name': 'c'}, {},
                         {'boot': 'reimage'})
    assert [rtype.knob(e, 'boot') for e in (image, volume, chosen)] == [
        'snapshot', 'copy', 'reimage']
    assert rtype.export_knobs({'image': {'id': 'x'}})['boot'] == 'snapshot'
    assert rtype.export_knobs({'image': ''})['boot'] == 'copy'


def test_user_data_and_config_drive_are_re_supplied_at_boot():
    text = '#cloud-config\npackages: [nginx]\n'
    body = nova_ops.boot_body(_spec(user_data=text, config_drive=True),
                              {'vol0': 'd0', 'vol1': 'd1'})['server']
    assert base64.b64decode(body['user_data']).decode() == text
    assert body['config_drive'] is True
    plain = nova_ops.boot_body(_spec(), {'vol0': 'd0'})['server']
    assert 'user_data' not in plain and 'config_drive' not in plain


def test_user_data_is_exported_as_text_and_marked():
    server_type = resources.get_type('server')
    encoded = base64.b64encode(b'#!/bin/sh\necho hi\n').decode()
    raw = {'id': 's1', 'status': 'ACTIVE', server.USER_DATA: encoded}
    assert server.user_data_text(raw) == '#!/bin/sh\necho hi\n'
    assert server_type.export_info(raw)['user_data'] == \
        server.USER_DATA_NOTE
    # not shown to a member, or binary: nothing exported, nothing marked
    for hidden in ({'id': 's1'}, {'id': 's1', server.USER_DATA:
                                  base64.b64encode(b'\xff\xfe').decode()}):
        assert server.user_data_text(hidden) is None
        assert 'user_data' not in server_type.export_info(hidden)


@pytest.mark.parametrize('text', [
    '#cloud-config\nchpasswd:\n  list: |\n    root:hunter2\n',
    '#cloud-config\npassword: hunter2\n',
    '#!/bin/sh\ncurl -H "X-Auth-Token: abc" http://x\n',
])
def test_user_data_mentioning_a_secret_is_left_out_and_refused(text):
    params = {'name': 'vm1', 'user_data': text,
              'description': 'rotates the token daily'}
    clean, found = validate.split_secrets(params, ('params',))
    assert clean == {'name': 'vm1', 'description': 'rotates the token daily'}
    assert [p for p, _ in found] == [('params', 'user_data')]
    assert all('hunter2' not in why and 'abc' not in why for _, why in found)
    assert validate.secret_errors(params, 'servers.yaml', ('params',))
