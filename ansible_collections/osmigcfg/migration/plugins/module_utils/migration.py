# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""What host_drain and server_migrate share with the CLI's ``drain`` and
``migrate``: the policy preflight, the plan, the journaled run and its
verification, all from the library (osmigcfg.migrate)."""

from __future__ import annotations

from ansible_collections.osmigcfg.migration.plugins.module_utils import (
    common)


def argument_spec():
    """Connection, policy source, caller, selection, windows, run."""
    spec = common.openstack_argument_spec()
    spec.update(common.policy_argument_spec())
    spec.update(
        roles=dict(type='list', elements='str'),
        project_id=dict(type='str'),
        method=dict(type='str', default='auto',
                    choices=['auto', 'live', 'cold']),
        confirm=dict(type='bool', default=True),
        max_parallel=dict(type='int'),
        per_host=dict(type='int'),
        nova_limit=dict(type='int', default=1),
        journal=dict(type='path'),
        timeout=dict(type='float'),
        stall_action=dict(type='str', default='wait',
                          choices=['wait', 'force-complete', 'abort']),
        stall_after=dict(type='float', default=300.0),
    )
    return spec


def compute_and_preflight(module):
    """The Compute API of the connection and the caller's Preflight."""
    from osmigcfg.migrate import compute as compute_mod
    from osmigcfg.migrate import preflight as preflight_mod
    params = module.params
    conn = common.connect(module)
    compute = compute_mod.Compute(conn)
    policy, authoritative = preflight_mod.load_policy(
        policy_file=params['policy_file'], profile=params['profile'],
        policy_dirs=params['policy_dirs'], release=params['release'],
        enforce_new_defaults=params['enforce_new_defaults'],
        max_version=compute.session.max_version)
    caller = preflight_mod.caller_from_connection(
        conn, roles=params['roles'], project_id=params['project_id'])
    return compute, preflight_mod.Preflight(policy, caller, authoritative)


def run_options(module):
    from osmigcfg import engine
    from osmigcfg.migrate import options as options_mod
    from osmigcfg.migrate import stall as stall_mod
    params = module.params
    windows = engine.Windows.for_migrations(
        params['nova_limit'], per_host=params['per_host'],
        max_parallel=params['max_parallel'])
    return options_mod.RunOptions(
        windows=windows, timeout=params['timeout'],
        stall=stall_mod.StallPolicy(action=params['stall_action'],
                                    after=params['stall_after']))


def plan_data(plan):
    """The plan as data: the items (server, method, target, skip)."""
    return [dict(id=i['id'], name=i['name'], project_id=i['project_id'],
                 status=i['status'], source=i['source'], method=i['method'],
                 target=i['host'], skip=i['skip']) for i in plan.items]


def journal_path(module, kind, name):
    from osmigcfg.cli import migration_base
    return module.params['journal'] or migration_base.new_journal_path(
        kind, name)


def finish(module, plan, found, journal):
    """Exit with the outcomes: changed when a server moved, failed when
    one did not finish well (as the CLI's exit status)."""
    from osmigcfg.cli import migration_base
    outcomes = [o.to_dict() for o in found]
    result = dict(
        changed=any(o.outcome in ('migrated', 'verify_resize')
                    for o in found),
        plan=plan_data(plan), findings=common.findings_data(plan.report),
        outcomes=outcomes, journal=journal)
    bad = [o for o in outcomes if o['outcome'] in
           ('failed', 'timeout', 'in-flight', 'pending')]
    if migration_base.outcome_status(found):
        module.fail_json(
            msg=f'{len(bad)} server(s) did not finish well (journal '
                f'{journal}; run `osmigcfg resume {journal}` for those not '
                'finished)', **result)
    module.exit_json(**result)


def fail_on_plan_errors(module, report, result):
    """Fail with ``result`` when the plan's report has errors."""
    if report.fails('error'):
        module.fail_json(msg='the plan has errors: ' + '; '.join(
            f'{f.code} {f.message}' for f in report.at_least('error')),
            **result)


def exit_plan(module, plan):
    """Check mode: the plan, changed when a server would move."""
    result = dict(changed=bool(plan.movers), plan=plan_data(plan),
                  findings=common.findings_data(plan.report))
    fail_on_plan_errors(module, plan.report, result)
    module.exit_json(**result)


def plan_and_run(module, plan, run, kind, name):
    """What host_drain and server_migrate do: ``plan(compute, preflight)``;
    in check mode exit with the plan, else refuse a plan with errors, run it
    (``run(compute, preflight, plan=, journal_path=, options=)``, as
    ``drain_host``/``run_servers``) under a journal and exit with the
    outcomes."""
    from osmigcfg.migrate import drain as drain_mod
    try:
        compute, preflight = compute_and_preflight(module)
        found_plan = plan(compute, preflight)
        if module.check_mode:
            exit_plan(module, found_plan)
        drain_mod.refuse_on_errors(found_plan)
        journal = journal_path(module, kind, name)
        found = run(compute, preflight, plan=found_plan, journal_path=journal,
                    options=run_options(module))[0]
    except common.OsmigcfgError as e:
        module.fail_json(msg=str(e))
    finish(module, found_plan, found, journal)
