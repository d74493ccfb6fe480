"""An admin moves servers that belong to one *other* project.

The whole-local-cloud walkthrough found it: ``maintain`` (and a
``migrate`` selection) as ``admin`` of project ``admin`` over a member's
servers in ``demo`` waited forever, because the shared watch listed
changed servers without ``all_tenants`` whenever the run's servers were
all in one project, and so never saw them move.  Real Nova 34, servers
booted by the member.
"""

import pytest

from tests.functional import migrate_support as ms

pytestmark = pytest.mark.nova

ADMIN_ARGS = ms.identity_args(ms.ADMIN)


@pytest.fixture
def as_admin(nova_sandbox, monkeypatch, tmp_path):
    with ms.cli_environment(monkeypatch, nova_sandbox, ms.ADMIN, tmp_path):
        yield nova_sandbox
    ms.delete_everything(nova_sandbox.admin)


def test_admin_migrates_a_member_s_servers_in_one_project(as_admin,
                                                          capsys):
    admin = as_admin.admin
    member = as_admin.connect(*ms.MEMBER)
    made = [as_admin.boot(member, f'theirs-{i}') for i in range(2)]
    before = {s.id: ms.host_of(admin, s) for s in made}
    status, out, err = ms.osmigcfg(
        capsys, 'migrate', '--all-projects', '--name-regex', '^theirs-',
        '--method', 'live', '--yes', '--timeout', '120', *ADMIN_ARGS)
    assert status == 0, err + out
    assert 'summary: 2 migrated' in out
    assert all(ms.host_of(admin, s) != before[s.id] for s in made)
