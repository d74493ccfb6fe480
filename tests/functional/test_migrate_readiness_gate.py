"""The drain's readiness gate on real Nova 34 (the in-process sandbox).

The sandbox has no keystone or Neutron: the service users' roles come from
a file (``--role-assignments``), Neutron's policy is its default.  Nova's
user without ``service`` cannot bind ports on the destination, so every
live migration of the drain is predicted to fail: the drain is refused
before anything changes, and ``--ignore-readiness`` starts it anyway.
"""

import pytest

from tests.functional import migrate_support as ms
from tests.functional.test_migrate_drain import ADMIN_ARGS
from tests.functional.test_migrate_drain import nova  # noqa: F401

pytestmark = pytest.mark.nova

NO_SERVICE = 'nova: [admin]\nneutron: [service, admin]\n'
HEALTHY = 'nova: [service, admin]\nneutron: [service, admin]\n'


def test_a_drain_predicted_to_fail_everywhere_is_refused_unless_ignored(
        nova, capsys, write):  # noqa: F811
    admin = nova.admin
    made = ms.boot_many(admin, ['gate-0', 'gate-1'], host='host1',
                        flavor=ms.micro_flavor(admin))
    broken = str(write('no-service.yaml', NO_SERVICE))

    status, out, err = ms.osmigcfg(capsys, 'drain', 'host1', '--dry-run',
                                   '--role-assignments', broken, *ADMIN_ARGS)
    assert status == 1, err
    errors = [line for line in out.splitlines()
              if line.startswith('error: RDY101 ')]
    binding = next(line for line in errors if 'create_port_binding' in line)
    assert 'every live migration of this plan fails' in binding
    assert "denies 'nova' (admin" in binding
    assert ('hint: openstack role add --user nova --project service service'
            in binding) and '--ignore-readiness' in binding

    status, out, err = ms.osmigcfg(capsys, 'drain', 'host1', '--yes',
                                   '--role-assignments', broken, *ADMIN_ARGS)
    assert status == 1 and out == ''
    assert err.startswith('RDY101: readiness predicts every live migration')
    assert 'Traceback' not in err
    assert {ms.host_of(admin, s) for s in made} == {'host1'}

    status, out, err = ms.osmigcfg(
        capsys, 'drain', 'host1', '--yes', '--role-assignments', broken,
        '--ignore-readiness', '--json-events', *ADMIN_ARGS)
    assert status == 0, err  # the sandbox has no Neutron to refuse
    assert 'starting anyway (--ignore-readiness)' in err
    assert 'host1' not in {ms.host_of(admin, s) for s in made}


def test_healthy_roles_pass_and_unreadable_keystone_only_warns(
        nova, capsys, write):  # noqa: F811
    admin = nova.admin
    ms.boot_many(admin, ['ok-0'], host='host2', flavor=ms.micro_flavor(admin))
    status, out, err = ms.osmigcfg(
        capsys, 'drain', 'host2', '--dry-run', '--role-assignments',
        str(write('healthy.yaml', HEALTHY)), *ADMIN_ARGS)
    assert status == 0, err
    assert 'RDY' not in out
    # no file: keystone is asked, and the sandbox has none (404)
    status, out, err = ms.osmigcfg(capsys, 'drain', 'host2', '--dry-run',
                                   *ADMIN_ARGS)
    assert status == 0, err
    warning = next(line for line in out.splitlines() if 'RDY204' in line)
    assert warning.startswith('warning: RDY204 readiness cannot tell '
                              'whether migrations (live) work: cannot read '
                              'role assignments from keystone')
    assert warning.count('RDY') == 1 and '(and 3 more)' in warning


def test_maintain_checks_readiness_like_drain(
        nova, capsys, write):  # noqa: F811
    admin = nova.admin
    ms.boot_many(admin, ['maint-0'], host='host1',
                 flavor=ms.micro_flavor(admin))
    broken = str(write('no-service.yaml', NO_SERVICE))
    argv = ('maintain', '--hosts', 'host1', '--pause', '--dry-run',
            '--role-assignments', broken, *ADMIN_ARGS)
    status, out, err = ms.osmigcfg(capsys, *argv)
    assert status == 1, err
    binding = next(line for line in out.splitlines()
                   if line.startswith('error: RDY101 ')
                   and 'create_port_binding' in line)
    assert 'every live migration of this plan fails' in binding
    assert '--ignore-readiness' in binding

    status, out, err = ms.osmigcfg(capsys, *argv, '--ignore-readiness')
    assert status == 0, (out, err)
    assert not [line for line in out.splitlines()
                if line.startswith('error:')]
    assert any(line.startswith('warning: RDY101 ') and
               '(--ignore-readiness: starting anyway)' in line
               for line in out.splitlines())
