"""The migrator: policy-aware, verified, journaled cold/live migrations.

Deploy tooling imports these names; the CLI calls the same ones::

    from osmigcfg import migrate
    compute = migrate.Compute(conn)        # an openstacksdk connection
    policy, given = migrate.load_policy(profile='mosk-24.3',
                                        max_version=compute.session.max_version)
    preflight = migrate.Preflight(policy, migrate.caller_from_connection(conn),
                                  authoritative=given)
    plan = migrate.plan_drain(compute, preflight, host='host1', conn=conn)
    options = migrate.RunOptions(
        windows=migrate.Windows.for_migrations(nova_limit=2), timeout=1800)
    outcomes, _ = migrate.drain_host(compute, preflight, plan=plan,
                                     journal_path='drain.journal',
                                     options=options)
    report = migrate.build_report('drain.journal')

Single servers: ``migrate_server``, ``confirm_server``, ``revert_server``,
``abort_server``, ``force_complete_server``; after a crash:
``resume_run(compute, preflight, journal_path=journal)``.
"""

from osmigcfg.engine.windows import Windows
from osmigcfg.migrate.compute import Compute
from osmigcfg.migrate.drain import drain_host
from osmigcfg.migrate.drain import resume_run
from osmigcfg.migrate.drain import run_servers
from osmigcfg.migrate.operations import abort_server
from osmigcfg.migrate.operations import confirm_server
from osmigcfg.migrate.operations import force_complete_server
from osmigcfg.migrate.operations import migrate_server
from osmigcfg.migrate.operations import revert_server
from osmigcfg.migrate.options import RunOptions
from osmigcfg.migrate.outcomes import Outcome
from osmigcfg.migrate.planner import Plan
from osmigcfg.migrate.planner import plan_drain
from osmigcfg.migrate.planner import plan_servers
from osmigcfg.migrate.preflight import Caller
from osmigcfg.migrate.preflight import Preflight
from osmigcfg.migrate.preflight import caller_from_connection
from osmigcfg.migrate.preflight import load_policy
from osmigcfg.migrate.report import build_report
from osmigcfg.migrate.stall import StallPolicy
from osmigcfg.migrate.timeline import write_timeline

__all__ = [
    'Caller', 'Compute', 'Outcome', 'Plan', 'Preflight', 'RunOptions',
    'StallPolicy', 'Windows', 'abort_server', 'build_report',
    'caller_from_connection', 'confirm_server', 'drain_host',
    'force_complete_server', 'load_policy', 'migrate_server', 'plan_drain',
    'plan_servers', 'resume_run', 'revert_server', 'run_servers',
    'write_timeline',
]
