"""Rehearsal on real Nova 34: the offline engine against Nova's answers.

Every shipped profile is rehearsed on the session's sandbox (probing the
migration starts on a suspended server: fast, nothing moves) and must show
no mismatch and no unanswered cell.  The MOSK-like case runs the way
``osmigcfg policy rehearse`` does: its own sandbox started with the
policy.d and ``enforce_new_defaults=false``, real migrations, and nothing
left running afterwards.
"""

import os

import pytest

from osmigcfg import policy
from osmigcfg.policy import audit
from osmigcfg.policy import catalog
from osmigcfg.policy import rehearse
from osmigcfg.sandbox.nova import sandbox as sandbox_nova

pytestmark = pytest.mark.nova

MOSK_PRESET = (f'"{catalog.MIGRATE}": "rule:project_member_or_admin"\n'
               f'"{catalog.MIGRATE_LIVE}": "rule:project_member_or_admin"\n')


@pytest.mark.parametrize('profile', policy.profile_names())
def test_shipped_profile_rehearses_without_mismatch(profile, nova_sandbox):
    result = rehearse.rehearse_policy(profile=profile, sandbox=nova_sandbox,
                                      moves=False)
    matrix = result.matrix
    assert len(result.observations) == len(matrix.actions) * len(
        matrix.personas)
    assert result.mismatches() == []
    assert [o for o in result.ordered() if not o.observed] == []
    assert result.report.codes() == []
    # Nova named the very rule the model expects when it refused
    refused = result.observation('live-migrate-host', 'member')
    assert refused.answer.rule == catalog.MIGRATE_LIVE_HOST
    left = [s.name for s in nova_sandbox.admin.compute.servers(
        all_projects=True) if s.name.startswith('rehearse-')]
    assert left == []


@pytest.fixture
def started_sandboxes(monkeypatch):
    """Record every NovaSandbox the rehearsal starts (pid, workdir)."""
    started = []

    class Recording(sandbox_nova.NovaSandbox):
        def start(self):
            super().start()
            started.append((self, self.pid, self.workdir))
            return self
    monkeypatch.setattr(sandbox_nova, 'NovaSandbox', Recording)
    return started


def test_mosk_like_case_reader_really_live_migrates_to_a_host(
        tmp_path, nova_missing, started_sandboxes):
    if not sandbox_nova.nova_available():
        nova_missing('nova 34 is not installed')
    policy_d = tmp_path / 'policy.d'
    policy_d.mkdir()
    (policy_d / '01-controller-default.yaml').write_text(MOSK_PRESET)
    offline = audit.audit_policy(policy_dirs=[policy_d],
                                 enforce_new_defaults=False)
    assert 'POL302' in [f.code for f in offline.report
                        if f.location.subject == 'live-migrate-host / reader']

    result = rehearse.rehearse_policy(
        policy_dirs=[policy_d], enforce_new_defaults=False,
        personas=['reader', 'no-roles', 'member'], moves=True)

    reader = result.observation('live-migrate-host', 'reader')
    assert reader.predicted and reader.actual == 'allowed'
    assert reader.answer.status == 202 and ' -> ' in reader.moved
    no_roles = result.observation('live-migrate-host', 'no-roles')
    assert no_roles.actual == 'allowed' and ' -> ' in no_roles.moved
    cold = result.observation('cold-migrate', 'reader')
    assert cold.actual == 'allowed' and ' -> ' in cold.moved
    revert = result.observation('revert-resize', 'reader')
    assert revert.actual == 'allowed' and revert.moved.startswith('now on')
    assert result.observation('cold-migrate-host', 'reader').actual == \
        'denied'
    assert result.mismatches() == []
    assert [o for o in result.ordered() if not o.observed] == []
    # nothing left running
    (sandbox, pid, workdir), = started_sandboxes
    assert not sandbox.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not os.path.exists(workdir)
