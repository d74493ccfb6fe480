#!/usr/bin/python
# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r'''
module: server_migrate
short_description: Migrate servers with the policy preflight and a journal
description:
  - Plans and runs the migration of named servers as C(osmigcfg migrate)
    does, with the same policy preflight, journal and verification.
  - In check mode it returns the plan and changes nothing.
  - C(changed) is true when a server moved; the task fails when a server
    did not finish well.
version_added: 0.1.0
author: osmigcfg developers (@osmigcfg)
requirements:
  - osmigcfg (on the host the module runs on)
options:
  servers:
    description: Server names or ids.
    type: list
    elements: str
    required: true
  target_host:
    description: Destination host for all (default the scheduler picks).
    type: str
  all_projects:
    description: Look the servers up in every project (admins).
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
- name: Live-migrate two servers
  osmigcfg.migration.server_migrate:
    cloud: admin
    servers: [web-1, web-2]
    method: live
    profile: mosk-24.3
'''

RETURN = r'''
plan:
  description: One item per server (method, target, skip).
  returned: always
  type: list
  elements: dict
findings:
  description: The plan's findings.
  returned: always
  type: list
  elements: dict
outcomes:
  description: One outcome per server.
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
        servers=dict(type='list', elements='str', required=True),
        target_host=dict(type='str'),
        all_projects=dict(type='bool', default=False),
    )
    module = common.start(spec)
    from osmigcfg.migrate import drain as drain_mod
    from osmigcfg.migrate import planner
    params = module.params

    def plan(compute, preflight):
        return planner.plan_servers(
            compute, preflight, refs=params['servers'],
            method=params['method'], host=params['target_host'],
            confirm=params['confirm'], filters={},
            all_projects=params['all_projects'])

    migration.plan_and_run(module, plan, drain_mod.run_servers, 'migrate',
                           'servers')


if __name__ == '__main__':
    main()
