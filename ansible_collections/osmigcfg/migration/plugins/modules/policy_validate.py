#!/usr/bin/python
# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r'''
module: policy_validate
short_description: Validate a Nova policy file and policy.d directories
description:
  - Validates a policy file (and policy.d directories) for a Nova release,
    as C(osmigcfg policy validate) does; the findings come back as data and
    the module fails when one reaches I(fail_on).
  - It only reads files; C(changed) is always false.
version_added: 0.1.0
author: osmigcfg developers (@osmigcfg)
requirements:
  - osmigcfg (on the host the module runs on)
options:
  policy_file:
    description: The policy.yaml to validate.
    type: path
  policy_dirs:
    description: policy.d directories, applied in order after the file.
    type: list
    elements: path
    default: []
  release:
    description: Nova major release (29..34); default 34.
    type: int
  enforce_new_defaults:
    description: As C([oslo_policy] enforce_new_defaults).
    type: bool
    default: true
extends_documentation_fragment:
  - osmigcfg.migration.findings
  - osmigcfg.migration.findings.fail_on
'''

EXAMPLES = r'''
- name: The rendered policy is valid for Nova 34
  osmigcfg.migration.policy_validate:
    policy_file: /etc/kolla/config/nova/policy.yaml
    release: 34
  register: validated
'''

RETURN = r'''
findings:
  description: Every finding, worst first.
  returned: always
  type: list
  elements: dict
  sample:
    - code: POL103
      severity: error
      file: policy.yaml
      line: 3
      subject: "os_compute_api:os-migrate-server:migrate_livee"
      location: "policy.yaml:3 os_compute_api:os-migrate-server:migrate_livee"
      message: unknown rule
      hint: rename it to the suggested rule
      details: []
failed_findings:
  description: The findings at or above I(fail_on).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.osmigcfg.migration.plugins.module_utils import (  # noqa: E402,E501
    common)


def check(module):
    from osmigcfg import policy
    params = module.params
    return policy.validate_policy(
        params['policy_file'], policy_dirs=params['policy_dirs'],
        release=params['release'],
        enforce_new_defaults=params['enforce_new_defaults']), {}


def main():
    common.validate(dict(
        policy_file=dict(type='path'),
        policy_dirs=dict(type='list', elements='path', default=[]),
        release=dict(type='int'),
        enforce_new_defaults=dict(type='bool', default=True),
        fail_on=common.fail_on_spec(),
    ), check, required_one_of=[('policy_file', 'policy_dirs')])


if __name__ == '__main__':
    main()
