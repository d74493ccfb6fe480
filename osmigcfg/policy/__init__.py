"""The Nova policy subsystem: catalog, profiles, render, effective, validate.

Deploy tooling imports these names::

    from osmigcfg import policy
    text = policy.render_policy('mosk-24.3', release=34, fmt='mosk')
    report = policy.validate_policy('policy.yaml', ['policy.d'], release=34)
    ep = policy.load_effective_policy('policy.yaml', ['policy.d'])
    ep.check('os_compute_api:os-migrate-server:migrate_live:host',
             roles=['member', 'reader'], project_id='p1').allowed
    result = policy.audit_policy(policy_dirs=['policy.d'],
                                 enforce_new_defaults=False)
    html = policy.render_html(result)   # also check_upgrade, rehearse_policy
"""

from osmigcfg.policy.actions import ACTIONS
from osmigcfg.policy.audit import audit_policy
from osmigcfg.policy.catalog import DEFAULT_RELEASE
from osmigcfg.policy.catalog import MIGRATION_RULES
from osmigcfg.policy.catalog import known_releases
from osmigcfg.policy.catalog import load_catalog
from osmigcfg.policy.effective import load_effective_policy
from osmigcfg.policy.matrix import build_matrix
from osmigcfg.policy.personas import personas_for
from osmigcfg.policy.profiles import load_profile
from osmigcfg.policy.profiles import profile_names
from osmigcfg.policy.profiles import read_overrides
from osmigcfg.policy.rehearse import rehearse_policy
from osmigcfg.policy.render import FORMATS
from osmigcfg.policy.render import plan_policy
from osmigcfg.policy.render import render_policy
from osmigcfg.policy.report_html import render_html
from osmigcfg.policy.report_text import render_text
from osmigcfg.policy.upgrade import check_upgrade
from osmigcfg.policy.validate import validate_policy

__all__ = [
    'ACTIONS',
    'DEFAULT_RELEASE',
    'FORMATS',
    'MIGRATION_RULES',
    'audit_policy',
    'build_matrix',
    'check_upgrade',
    'known_releases',
    'load_catalog',
    'load_effective_policy',
    'load_profile',
    'personas_for',
    'plan_policy',
    'profile_names',
    'read_overrides',
    'rehearse_policy',
    'render_html',
    'render_policy',
    'render_text',
    'validate_policy',
]
