# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations


class ModuleDocFragment:
    """What the read-only check modules share (config_validate,
    policy_validate, policy_audit, readiness): they change nothing, and
    (FAIL_ON) the usual I(fail_on) severities."""

    DOCUMENTATION = r'''
attributes:
  check_mode:
    support: full
    description: It changes nothing in any mode.
  diff_mode:
    support: none
    description: Nothing to show a diff of.
'''

    FAIL_ON = r'''
options:
  fail_on:
    description: Lowest severity that fails the task.
    type: str
    default: error
    choices: [error, warning, info, never]
'''
