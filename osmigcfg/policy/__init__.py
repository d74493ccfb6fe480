"""The Nova policy subsystem: catalog, profiles, render, effective, validate.

Deploy tooling imports these names::

    from osmigcfg import policy
    text = policy.render_policy('mosk-24.3', release=34, fmt='mosk')
    report = policy.validate_policy('policy.yaml', ['policy.d'], release=34)
    ep = policy.load_effective_policy('policy.yaml', ['policy.d'])
    ep.check('os_compute_api:os-migrate-server:migrate_live:host',
             roles=['member', 'reader'], project_id='p1').allowed
"""

from osmigcfg.policy.catalog import DEFAULT_RELEASE
from osmigcfg.policy.catalog import MIGRATION_RULES
from osmigcfg.policy.catalog import known_releases
from osmigcfg.policy.catalog import load_catalog
from osmigcfg.policy.effective import load_effective_policy
from osmigcfg.policy.profiles import load_profile
from osmigcfg.policy.profiles import profile_names
from osmigcfg.policy.profiles import read_overrides
from osmigcfg.policy.render import FORMATS
from osmigcfg.policy.render import plan_policy
from osmigcfg.policy.render import render_policy
from osmigcfg.policy.validate import validate_policy

__all__ = [
    'DEFAULT_RELEASE',
    'FORMATS',
    'MIGRATION_RULES',
    'known_releases',
    'load_catalog',
    'load_effective_policy',
    'load_profile',
    'plan_policy',
    'profile_names',
    'read_overrides',
    'render_policy',
    'validate_policy',
]
