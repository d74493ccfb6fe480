#!/usr/bin/python
# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r'''
module: host_drain
short_description: Move every server off a compute host
description:
  - Plans and runs a drain as C(osmigcfg drain) does, with the same policy
    preflight, journal and verification of each server.
  - In check mode it returns the plan (what would move, what is skipped and
    why) and changes nothing.
  - C(changed) is true when a server moved; the task fails when a server
    did not finish well (the journal can be resumed with
    C(osmigcfg resume)).
version_added: 0.1.0
author: osmigcfg developers (@osmigcfg)
requirements:
  - osmigcfg (on the host the module runs on)
options:
  host:
    description: The compute host to empty.
    type: str
    required: true
  project:
    description: Only servers of this project.
    type: str
  flavor:
    description: Only servers of this flavor.
    type: str
  name_regex:
    description: Only servers whose name matches.
    type: str
  disable_service:
    description: Disable the host's compute service first.
    type: bool
    default: false
  enable_service:
    description: Enable it again when every server left.
    type: bool
    default: false
extends_documentation_fragment:
  - osmigcfg.migration.openstack
  - osmigcfg.migration.migration
attributes:
  check_mode:
    support: full
    description: Returns the plan; nothing moves.
  diff_mode:
    support: none
    description: Nothing to show a diff of.
'''

EXAMPLES = r'''
- name: Empty a compute before its maintenance
  osmigcfg.migration.host_drain:
    cloud: admin
    host: cmp-001
    disable_service: true
    policy_file: /etc/kolla/config/nova/policy.yaml
    max_parallel: 4
  register: drained
'''

RETURN = r'''
plan:
  description: One item per server on the host (method, target, skip).
  returned: always
  type: list
  elements: dict
findings:
  description: The plan's findings (policy preflight, capacity...).
  returned: always
  type: list
  elements: dict
outcomes:
  description: One outcome per server (migrated, skipped, failed...).
  returned: when not in check mode
  type: list
  elements: dict
journal:
  description: The run's journal.
  returned: when not in check mode
  type: str
'''

from ansible_collections.osmigcfg.migration.plugins.module_utils import (  # noqa: E402,E501
    common)
from ansible_collections.osmigcfg.migration.plugins.module_utils import (  # noqa: E402,E501
    migration)


def main():
    spec = migration.argument_spec()
    spec.update(
        host=dict(type='str', required=True),
        project=dict(type='str'),
        flavor=dict(type='str'),
        name_regex=dict(type='str'),
        disable_service=dict(type='bool', default=False),
        enable_service=dict(type='bool', default=False),
    )
    module = common.start(spec)
    from osmigcfg.migrate import drain as drain_mod
    from osmigcfg.migrate import planner
    params = module.params

    def plan(compute, preflight):
        return planner.plan_drain(
            compute, preflight, host=params['host'], method=params['method'],
            confirm=params['confirm'],
            filters=dict(project=params['project'], flavor=params['flavor'],
                         name_regex=params['name_regex']),
            conn=compute.session.conn)

    def run(compute, preflight, **kwargs):
        return drain_mod.drain_host(
            compute, preflight, disable_service=params['disable_service'],
            enable_after=params['enable_service'], **kwargs)

    migration.plan_and_run(module, plan, run, 'drain', params['host'])


if __name__ == '__main__':
    main()
