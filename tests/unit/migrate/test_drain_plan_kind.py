"""drain_host runs drain plans only: a server list names no host to drain."""

import pytest

from osmigcfg import exceptions
from osmigcfg import migrate


def test_drain_host_refuses_a_server_list_plan_before_any_cloud_call(
        tmp_path):
    plan = migrate.Plan('servers', None, [])
    # no compute, no preflight: the refusal comes before either is used
    # (with a host of None, disable_service used to pick the first compute
    # service of the whole cloud)
    with pytest.raises(exceptions.InputError, match='not a servers plan'):
        migrate.drain_host(None, None, plan=plan,
                           journal_path=str(tmp_path / 'j'),
                           disable_service=True)
    assert not (tmp_path / 'j').exists()
