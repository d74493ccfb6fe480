#!/usr/bin/python
# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r'''
module: policy_audit
short_description: Audit who can migrate what under a Nova policy
description:
  - Audits a Nova policy (every migration action x persona), as
    C(osmigcfg policy audit) does; the findings and the matrix come back as
    data and the module fails when a finding reaches I(fail_on).
  - It only reads files; C(changed) is always false.
version_added: 0.1.0
author: osmigcfg developers (@osmigcfg)
requirements:
  - osmigcfg (on the host the module runs on)
options:
  policy_file:
    description: The cloud's Nova policy.yaml.
    type: path
  policy_dirs:
    description: policy.d directories, applied in order after the file.
    type: list
    elements: path
    default: []
  profile:
    description: Audit a shipped profile instead of a file.
    type: str
  release:
    description: Nova major release (29..34); default 34.
    type: int
  enforce_new_defaults:
    description: As C([oslo_policy] enforce_new_defaults).
    type: bool
    default: true
  expect:
    description: A profile; every decision that differs is a finding.
    type: str
  fail_on:
    description: Lowest severity that fails the task.
    type: str
    default: high
    choices: [high, medium, info, never]
extends_documentation_fragment:
  - osmigcfg.migration.findings
'''

EXAMPLES = r'''
- name: Nobody but admins may live-migrate to a host
  osmigcfg.migration.policy_audit:
    policy_file: /etc/kolla/config/nova/policy.yaml
    fail_on: medium
'''

RETURN = r'''
findings:
  description: Every finding, worst first (code, severity, location...).
  returned: always
  type: list
  elements: dict
failed_findings:
  description: The findings at or above I(fail_on).
  returned: always
  type: list
  elements: dict
matrix:
  description: One entry per action, persona -> allowed/denied/unknown.
  returned: always
  type: list
  elements: dict
  sample:
    - action: live-migrate
      personas: {admin: allowed, member: denied}
'''

from ansible_collections.osmigcfg.migration.plugins.module_utils import (  # noqa: E402,E501
    common)


def _matrix(matrix):
    out = []
    for act, cells in matrix.rows():
        personas = {}
        for persona, cell in zip(matrix.personas, cells):
            personas[persona.name] = ('unknown' if cell.allowed is None else
                                      'allowed' if cell.allowed else
                                      'denied')
        out.append(dict(action=act.key, personas=personas))
    return out


def check(module):
    from osmigcfg import policy
    params = module.params
    result = policy.audit_policy(
        params['policy_file'], policy_dirs=params['policy_dirs'],
        release=params['release'],
        enforce_new_defaults=params['enforce_new_defaults'],
        profile=params['profile'], expect=params['expect'])
    return result.report, dict(matrix=_matrix(result.matrix))


def main():
    spec = common.policy_argument_spec()
    spec.update(
        expect=dict(type='str'),
        fail_on=common.fail_on_spec('high', ('high', 'medium', 'info')),
    )
    common.validate(spec, check, required_one_of=[
        ('policy_file', 'policy_dirs', 'profile')])


if __name__ == '__main__':
    main()
