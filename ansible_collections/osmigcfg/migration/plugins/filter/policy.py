# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Filters for deploy tooling that wants data, not files.

``policy_rules``: a rendered policy profile as a dict rule -> check string
(openstack-ansible's ``nova_policy_overrides``, kolla's merged policy);
``findings_at_least``: the findings of a validate/audit result at or above
a severity.  They run on the controller, which needs osmigcfg.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

try:
    from osmigcfg import exceptions
    from osmigcfg import findings
    from osmigcfg import policy
    import yaml
    HAS_OSMIGCFG = True
except ImportError:
    HAS_OSMIGCFG = False


def _require():
    if not HAS_OSMIGCFG:
        raise AnsibleFilterError('the osmigcfg.migration filters need the '
                                 'osmigcfg library on the controller')


def policy_rules(profile, release=None, overrides=None):
    """The rules of a rendered profile (+ overrides) as a dict."""
    _require()
    if overrides is not None:
        overrides = {str(k): str(v) for k, v in dict(overrides).items()}
    try:
        text = policy.render_policy(str(profile), release,
                                    overrides=overrides)
    except exceptions.OsmigcfgError as e:
        raise AnsibleFilterError(f'policy_rules: {e}') from None
    return dict(yaml.safe_load(text) or {})


def findings_at_least(found, severity='error'):
    """The finding dicts ranked at or above ``severity``."""
    _require()
    if severity not in findings.SEVERITY_RANK:
        raise AnsibleFilterError(
            f'findings_at_least: severity {severity!r}: one of '
            f'{", ".join(findings.SEVERITY_RANK)}')
    floor = findings.SEVERITY_RANK[severity]
    return [f for f in found or ()
            if findings.SEVERITY_RANK.get(f.get('severity'), -1) >= floor]


class FilterModule:
    """osmigcfg.migration filters."""

    def filters(self):
        return {'policy_rules': policy_rules,
                'findings_at_least': findings_at_least}
