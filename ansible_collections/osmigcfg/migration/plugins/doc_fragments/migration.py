# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations


class ModuleDocFragment:
    """The policy preflight, selection, window and run options of
    host_drain and server_migrate (as the CLI's drain and migrate)."""

    DOCUMENTATION = r'''
options:
  policy_file:
    description: The cloud's Nova policy.yaml (for the preflight).
    type: path
  policy_dirs:
    description: policy.d directories, applied in order after the file.
    type: list
    elements: path
    default: []
  profile:
    description: A shipped policy profile instead of a policy file.
    type: str
  release:
    description: Nova release (29..34); default the cloud's.
    type: int
  enforce_new_defaults:
    description: As C([oslo_policy] enforce_new_defaults).
    type: bool
    default: true
  roles:
    description: Your roles (default from the token).
    type: list
    elements: str
  project_id:
    description: Your project (default from the token).
    type: str
  method:
    description: C(auto) migrates ACTIVE/PAUSED servers live, SHUTOFF cold.
    type: str
    default: auto
    choices: [auto, live, cold]
  confirm:
    description: Confirm cold migrations once verified.
    type: bool
    default: true
  max_parallel:
    description: Servers in flight overall.
    type: int
  per_host:
    description: Servers in flight per source and per destination host.
    type: int
  nova_limit:
    description: Nova's max_concurrent_live_migrations on the computes.
    type: int
    default: 1
  journal:
    description: Journal file (default a new file in the state directory).
    type: path
  timeout:
    description: Seconds to wait for one migration (resumable after).
    type: float
  stall_action:
    description: What to do with a stalled live migration.
    type: str
    default: wait
    choices: [wait, force-complete, abort]
  stall_after:
    description: Seconds before a live migration counts as stalled.
    type: float
    default: 300.0
'''
