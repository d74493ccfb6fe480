#!/usr/bin/python
# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r'''
module: readiness
short_description: Will each kind of migration work in this cloud
description:
  - Assesses cross-service migration readiness (policies, service users'
    roles, config, hosts, TLS), as C(osmigcfg readiness) does, from files
    only, or also from the cloud's facts when I(cloud) or I(auth) is given.
  - Returns one verdict per kind of migration and the findings; fails when
    a finding reaches I(fail_on).  C(changed) is always false.
version_added: 0.1.0
author: osmigcfg developers (@osmigcfg)
requirements:
  - osmigcfg (on the host the module runs on)
options:
  nova_conf:
    description: The controller's nova.conf.
    type: path
  neutron_conf:
    description: neutron.conf.
    type: path
  cinder_conf:
    description: cinder.conf.
    type: path
  nova_policy:
    description: Nova's policy file or policy.d directory.
    type: path
  neutron_policy:
    description: Neutron's policy file or policy.d directory.
    type: path
  cinder_policy:
    description: Cinder's policy file or policy.d directory.
    type: path
  placement_policy:
    description: Placement's policy file or policy.d directory.
    type: path
  role_assignments:
    description: YAML of the service users' roles.
    type: path
  inventory:
    description: Compute host inventory.
    type: path
  check_certs:
    description: Also check each inventory host's migration certificates.
    type: bool
    default: false
  release:
    description: Nova major release (29..34); default 34.
    type: int
  enforce_new_defaults:
    description: As C([oslo_policy] enforce_new_defaults).
    type: bool
    default: true
  caller_roles:
    description: Roles of the user who starts migrations.
    type: list
    elements: str
    default: [admin]
extends_documentation_fragment:
  - osmigcfg.migration.findings
  - osmigcfg.migration.findings.fail_on
  - osmigcfg.migration.openstack
'''

EXAMPLES = r'''
- name: Migration readiness from the deployed files
  osmigcfg.migration.readiness:
    nova_conf: /etc/kolla/nova-api/nova.conf
    nova_policy: /etc/kolla/config/nova/policy.yaml
  register: ready
'''

RETURN = r'''
kinds:
  description: One verdict per kind of migration.
  returned: always
  type: list
  elements: dict
  sample:
    - kind: live
      verdict: ready
      reasons: []
findings:
  description: Every finding, worst first.
  returned: always
  type: list
  elements: dict
failed_findings:
  description: The findings at or above I(fail_on).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.osmigcfg.migration.plugins.module_utils import (  # noqa: E402,E501
    common)

FILES = ('nova_conf', 'neutron_conf', 'cinder_conf', 'nova_policy',
         'neutron_policy', 'cinder_policy', 'placement_policy',
         'role_assignments', 'inventory')


def check(module):
    from osmigcfg import readiness
    params = module.params
    conn = None
    if params['cloud'] or params['auth']:
        conn = common.connect(module)
    result = readiness.assess(readiness.Inputs(
        check_certs=params['check_certs'], release=params['release'],
        enforce_new_defaults=params['enforce_new_defaults'],
        caller_roles=tuple(params['caller_roles']),
        **{name: params[name] for name in FILES}), conn=conn)
    kinds = [dict(kind=k.kind, verdict=k.verdict,
                  reasons=[r.finding.to_dict() for r in k.reasons])
             for k in result.kinds]
    return result.report, dict(kinds=kinds)


def main():
    spec = common.openstack_argument_spec()
    spec.update({name: dict(type='path') for name in FILES})
    spec.update(
        check_certs=dict(type='bool', default=False),
        release=dict(type='int'),
        enforce_new_defaults=dict(type='bool', default=True),
        caller_roles=dict(type='list', elements='str', default=['admin']),
        fail_on=common.fail_on_spec(),
    )
    common.validate(spec, check)


if __name__ == '__main__':
    main()
