"""The neutron security group type, with its rules.

A group's rules are nested in its ``params.rules``, a rule's remote group
as a reference.  Rules are written by an import step of their own
(:func:`sync_rules`, ``own_step_params``), after every group exists,
because rules refer to other groups, possibly in a cycle.
"""

from osmigcfg.crosscloud import api
from osmigcfg.crosscloud.resources import BOOL
from osmigcfg.crosscloud.resources import LIST
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.types.neutron import NeutronType
from osmigcfg.crosscloud.types.neutron import tags_param

#: a rule's API fields (the document has ``remote_group`` as a ref)
RULE_KEYS = ('direction', 'ethertype', 'protocol', 'port_range_min',
             'port_range_max', 'remote_ip_prefix', 'remote_group_id',
             'description')


def _rule_params(rule, refs):
    data = {key: rule.get(key) for key in RULE_KEYS
            if key != 'remote_group_id'}
    if rule.get('remote_group_id'):
        data['remote_group'] = refs.ref('security_group',
                                        rule['remote_group_id'])
    return {k: v for k, v in data.items() if v not in (None, '')}


@register
class SecurityGroup(NeutronType):
    type = 'security_group'
    file = 'security_groups.yaml'
    collection, key = 'security-groups', 'security_group'
    later = ('tags', 'rules')
    own_step_params = ('rules',)
    depends_on = ('project',)
    quota = ('network', 'security_group')
    params = (
        Param('name', required=True),
        Param('description'),
        Param('stateful', BOOL),
        Param('rules', LIST, unordered=True),
        tags_param(),
    )
    info = ('id', 'project_id', 'created_at')

    def export_params(self, raw, refs):
        params = super().export_params(raw, refs)
        params['rules'] = sorted(
            (_rule_params(r, refs) for r in raw.get(
                'security_group_rules') or ()),
            key=lambda r: sorted((k, str(v)) for k, v in r.items()))
        return params

    def quota_need(self, want):
        """A group, and a rule quota for each of its rules."""
        return super().quota_need(want) + [
            (('network', 'security_group_rule'), len(want.get('rules') or ()))]

    def update(self, w, dst_id, changed, want, entry):
        changed = {k: v for k, v in changed.items() if k != 'rules'}
        super().update(w, dst_id, changed, want, entry)


def _rule_key(rule):
    return tuple((k, rule.get(k)) for k in RULE_KEYS if k != 'description')


def wanted_rule(rule):
    """A document rule (remote group resolved to an id) as an API rule."""
    data = {k: v for k, v in rule.items() if k != 'remote_group'}
    if rule.get('remote_group'):
        data['remote_group_id'] = rule['remote_group']
    return {k: data.get(k) for k in RULE_KEYS if data.get(k) is not None}


def sync_rules(w, group_id, rules):
    """Make a group's rules exactly ``rules``; returns (added, removed)."""
    have = api.list_json(w.conn.network, '/security-group-rules',
                         'security_group_rules', 'list rules',
                         {'security_group_id': group_id})
    have_keys = {_rule_key({k: r.get(k) for k in RULE_KEYS}): r['id']
                 for r in have}
    want = [wanted_rule(r) for r in rules or ()]
    want_keys = {_rule_key(r) for r in want}
    added = removed = 0
    for rule in want:
        if _rule_key(rule) not in have_keys:
            w.send('network', 'POST', '/security-group-rules',
                   'create security group rule',
                   {'security_group_rule': {'security_group_id': group_id,
                                            **rule}})
            added += 1
    for key, rule_id in have_keys.items():
        if key not in want_keys:
            w.send('network', 'DELETE', f'/security-group-rules/{rule_id}',
                   'delete security group rule')
            removed += 1
    return added, removed
