#!/usr/bin/python
# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r'''
module: maintain
short_description: Maintain compute hosts a few at a time
description:
  - Plans and runs a rolling maintenance as C(osmigcfg maintain) does
    (osmigcfg.migrate.maintain), with the same policy preflight, journal
    and verification of each server.
  - Per wave of O(hosts_at_once) hosts it disables them (and the hosts of
    later waves), drains them, runs O(command) on each host (or pauses),
    waits for the compute service to be up and enables it again.
  - In check mode it returns the plan (waves, the servers each wave moves,
    servers that stay and why, findings) and changes nothing.
  - A run that starts reports C(changed); the task fails when the
    maintenance failed (a command, a host that did not come up, a server
    that did not move).  A paused or stopped run succeeds with its
    RV(state); C(osmigcfg resume JOURNAL) carries on.
version_added: 0.1.0
author: osmigcfg developers (@osmigcfg)
requirements:
  - osmigcfg (on the host the module runs on)
options:
  hosts:
    description: The compute hosts to maintain.
    type: list
    elements: str
  aggregate:
    description: Maintain the hosts of this aggregate.
    type: str
  availability_zone:
    description: Maintain the hosts of this availability zone.
    type: str
  all_computes:
    description: Maintain every compute host.
    type: bool
    default: false
  hosts_at_once:
    description: Hosts per wave.
    type: int
    default: 1
  order:
    description: C(emptiest) maintains the emptiest hosts first; C(given)
      keeps the order of O(hosts).
    type: str
    default: emptiest
    choices: [emptiest, given]
  command:
    description: The maintenance command, run on the module's host for
      each maintained host (C({host}) is replaced by its name); its exit
      status decides.
    type: str
  pause:
    description: Stop after each host's drain until C(osmigcfg resume).
    type: bool
    default: false
  up_timeout:
    description: Seconds to wait for a maintained host's compute service
      to be up.
    type: float
    default: 600.0
  exec_timeout:
    description: Seconds the command may run (default no limit).
    type: float
  stop_after_wave:
    description: Stop after this wave (resumable).
    type: int
notes:
  - Exactly one of O(hosts), O(aggregate), O(availability_zone) and
    O(all_computes), and one of O(command) and O(pause), must be given.
extends_documentation_fragment:
  - osmigcfg.migration.openstack
  - osmigcfg.migration.migration
attributes:
  check_mode:
    support: full
    description: Returns the plan; nothing moves, no service changes.
  diff_mode:
    support: none
    description: Nothing to show a diff of.
'''

EXAMPLES = r'''
- name: See the waves first
  osmigcfg.migration.maintain:
    cloud: admin
    aggregate: rack-7
    hosts_at_once: 2
    command: ssh {host} sudo reboot
    profile: mosk-24.3
  check_mode: true
  register: plan

- name: Reboot the rack, two hosts at a time
  osmigcfg.migration.maintain:
    cloud: admin
    aggregate: rack-7
    hosts_at_once: 2
    command: ssh {host} sudo reboot
    profile: mosk-24.3
    nova_limit: 2
  register: maintained
'''

RETURN = r'''
scope:
  description: The hosts maintained.
  returned: always
  type: list
  elements: str
waves:
  description: One item per wave; C(hosts), C(movers) (the servers it
    moves, each with C(id), C(name) and C(host)), C(opened) (later hosts
    left enabled for room), C(twice) (ids of servers that will move twice).
  returned: always
  type: list
  elements: dict
special:
  description: Servers that stay on their host, each with C(what) happens
    to them.
  returned: always
  type: list
  elements: dict
findings:
  description: The plan's findings (policy preflight, capacity, groups...).
  returned: always
  type: list
  elements: dict
state:
  description: How the run ended (C(done), C(failed), C(paused) or
    C(stopped)).
  returned: when not in check mode
  type: str
outcomes:
  description: One outcome per server moved so far.
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

SCOPE = ('hosts', 'aggregate', 'availability_zone', 'all_computes')


def plan_result(plan):
    """The plan as data: scope, waves with their servers, specials."""
    servers = plan.data.get('servers', {})

    def server(sid):
        known = servers.get(sid) or {}
        return dict(id=sid, name=known.get('name'), host=known.get('host'))
    return dict(
        scope=list(plan.data['scope']),
        waves=[dict(number=w['number'], hosts=list(w['hosts']),
                    movers=[server(s) for s in w['movers']],
                    opened=list(w['opened']), twice=list(w['twice']))
               for w in plan.waves],
        special=[dict(s) for s in plan.data.get('special', ())],
        findings=common.findings_data(plan.report))


def main():
    spec = migration.argument_spec()
    spec.update(
        hosts=dict(type='list', elements='str'),
        aggregate=dict(type='str'),
        availability_zone=dict(type='str'),
        all_computes=dict(type='bool', default=False),
        hosts_at_once=dict(type='int', default=1),
        order=dict(type='str', default='emptiest',
                   choices=['emptiest', 'given']),
        command=dict(type='str'),
        pause=dict(type='bool', default=False),
        up_timeout=dict(type='float', default=600.0),
        exec_timeout=dict(type='float'),
        stop_after_wave=dict(type='int'),
    )
    module = common.start(spec)
    params = module.params
    given = [k for k in SCOPE if params[k]]
    if len(given) != 1:
        module.fail_json(msg='give exactly one of hosts, aggregate, '
                             'availability_zone, all_computes (got: '
                             f'{", ".join(given) or "none"})')
    if bool(params['command']) == bool(params['pause']):
        module.fail_json(msg='give exactly one of command and pause')
    from osmigcfg.migrate.maintain import plan as plan_mod
    from osmigcfg.migrate.maintain import run as run_mod
    try:
        compute, preflight = migration.compute_and_preflight(module)
        plan = plan_mod.plan_maintenance(
            compute, preflight, conn=compute.session.conn,
            hosts=params['hosts'], aggregate=params['aggregate'],
            availability_zone=params['availability_zone'],
            all_computes=params['all_computes'],
            at_once=params['hosts_at_once'], order=params['order'],
            method=params['method'], confirm=params['confirm'])
        result = plan_result(plan)
        migration.fail_on_plan_errors(module, plan.report, result)
        if module.check_mode:
            module.exit_json(changed=True, **result)
        journal = migration.journal_path(module, 'maintain',
                                         plan.data['scope'][0])
        options = run_mod.MaintainOptions(
            command=params['command'], pause=params['pause'],
            up_timeout=params['up_timeout'],
            command_timeout=params['exec_timeout'])
        done = run_mod.start(
            compute, preflight, plan=plan, journal_path=journal,
            options=options, run_options=migration.run_options(module),
            stop_after_wave=params['stop_after_wave'])
    except common.OsmigcfgError as e:
        module.fail_json(msg=str(e))
    result.update(changed=True, state=done.state, journal=done.journal,
                  outcomes=[o.to_dict() for o in done.outcomes])
    if not done.ok and done.state not in ('paused', 'stopped'):
        module.fail_json(msg=f'maintenance {done.state}: {done.message} '
                             f'(journal {done.journal}; run `osmigcfg '
                             f'resume {done.journal}`)', **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
