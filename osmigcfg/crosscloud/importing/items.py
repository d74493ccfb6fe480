"""From a plan to the import's work items: names, wants, dependencies.

Each planned resource becomes an :class:`ImportItem` named
``<type>/<source id>`` (the journal's atom names derive from it).  Its
``want`` holds the params to apply with every reference as
``{ref, id, item}``: ``id`` when the referenced resource already exists
in the destination, ``item`` when it is made by this run (the step then
takes the id from that item's result, and TaskFlow runs it first).
Security group rules are items of their own (``security_group_rules/..``)
because rules refer to groups, possibly in a cycle.

Some creates wait for a later command (``deferred``): volumes whose data
is copied are created by ``copy`` from the bytes, servers by
``cutover``, and anything referring to a deferred resource waits with it.
"""

import dataclasses

from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud.plan import planner as plan_mod

RULES = 'security_group_rules'


def item_name(entry, kind=None):
    """The journal name of an entry's item."""
    key = entry.source.get('id') or entry.name
    return f'{kind or entry.type}/{key}'


def source_key(entry):
    """The source identity the ID map uses for an entry."""
    return entry.source.get('id') or entry.name


@dataclasses.dataclass
class ImportItem:
    """One unit of import work (see the module doc)."""

    name: str
    entry: model.Entry
    action: str
    dst_id: str | None
    want: dict
    deps: tuple = ()
    deferred: str | None = None
    kind: str = 'apply'

    @property
    def type(self):
        """The resource type."""
        return self.entry.type

    def to_plan(self):
        """What the journal keeps of the item (no params: no secrets)."""
        return {'item': self.name, 'type': self.type, 'kind': self.kind,
                'name': self.entry.name, 'project': self.entry.project,
                'source_id': source_key(self.entry),
                'dst_name': self.entry.dst_name, 'action': self.action,
                'dst_id': self.dst_id, 'deps': list(self.deps),
                'deferred': self.deferred}


def _defer_reason(item):
    if item.action != plan_mod.CREATE:
        return None
    return resources.get_type(item.type).deferred_by(item.entry)


def _ref_targets(resolver, params, names, skip_keys=()):
    """``(want with hinted refs, dependency item names)``."""
    deps = []

    def hint(ref):
        found = resolver.resolve(ref)
        item = None
        if found.entry is not None and id(found.entry) in names:
            item = names[id(found.entry)]
            deps.append(item)
        return {'ref': ref.get('ref'), 'id': found.dst_id, 'item': item}
    want = {}
    for key, value in params.items():
        want[key] = value if key in skip_keys else model.map_refs(value, hint)
    return want, deps


def _after(items, item):
    """The items of the types an item's type runs after."""
    after = resources.get_type(item.type).after_types
    return [i.name for i in items if i.type in after and not i.deferred
            and i.kind == 'apply']


def build_items(plan):
    """The ImportItems of a plan (errors excluded), dependency-ordered."""
    resolver = plan.resolver
    planned = [p for p in plan.items if p.action != plan_mod.ERROR]
    names = {id(p.entry): item_name(p.entry) for p in planned}
    items, deferred = [], {}
    for p in planned:
        rtype = resources.get_type(p.type)
        params = plan_mod.wanted_params(rtype, p.entry,
                                        plan.absent_parts.get(p.type, {}))
        want, deps = _ref_targets(resolver, params, names,
                                  rtype.own_step_params)
        item = ImportItem(names[id(p.entry)], p.entry, p.action, p.dst_id,
                          want)
        item.deps = tuple(dict.fromkeys(deps + _after(items, item)))
        item.deferred = _defer_reason(item) or next(
            (f'waits for {deferred[d]}' for d in item.deps
             if d in deferred), None)
        if item.deferred:
            deferred[item.name] = item.entry.label
        items.append(item)
        if 'rules' in rtype.own_step_params and not item.deferred:
            items.append(_rules_item(p, resolver, names, item))
    return items


def _rules_item(p, resolver, names, group):
    rules, deps = _ref_targets(resolver, {'rules': p.entry.params.get(
        'rules') or []}, names)
    return ImportItem(item_name(p.entry, RULES), p.entry, p.action,
                      p.dst_id, rules,
                      tuple(dict.fromkeys([group.name, *deps])),
                      kind='rules')


def resolve_want(want, results):
    """``want`` with each hinted ref replaced by a destination id.

    :param results: ``{item name: its apply result}`` of the dependencies.
    """
    def to_id(ref):
        if ref.get('item') and ref['item'] in results:
            return results[ref['item']].get('dst_id')
        return ref.get('id')
    return model.map_refs(want, to_id)
