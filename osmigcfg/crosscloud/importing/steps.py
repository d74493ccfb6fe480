"""The TaskFlow steps of an import: ``apply`` one resource, ``rules`` of
one security group.

``apply`` takes the ids its dependencies produced (TaskFlow hands their
results in, and runs them first), then adopts the destination resource
the plan found (updating the fields that differ) or creates it.  A create
is journaled the moment the cloud answers (``created`` with the new id),
so a run killed right after is resumed without a duplicate; resources the
plan cannot find again by their identity are created with a marker first
(:mod:`~osmigcfg.crosscloud.writing`); what each type writes is the
type's own ``create``/``update`` (:mod:`osmigcfg.crosscloud.types`).
Every step returns the mapping record ``{type, source_id, dst_id,
action}`` the ID map is read from.
"""

import contextlib


from osmigcfg import engine
from osmigcfg.cloud import retry
from osmigcfg.crosscloud import idmap
from osmigcfg.crosscloud import model
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud import writing
from osmigcfg.crosscloud.importing import items as import_items
from osmigcfg.crosscloud.plan import planner as plan_mod
from osmigcfg.crosscloud.types import security_group


class ItemStep(engine.Step):
    """A Step that also receives other items' results (``deps``)."""

    def __init__(self, item, context, deps=(), **kwargs):
        super().__init__(item, context, rebind={d: d for d in deps},
                         **kwargs)

    @contextlib.contextmanager
    def window(self, type_name):
        """Hold a write slot of the type's service while inside (one
        write window per API service)."""
        windows = self.context.windows
        windows.acquire(self.item, [('service', resources.get_type(
            type_name).service)])
        try:
            yield
        finally:
            windows.release(self.item)

    def revert(self, *args, **kwargs):
        failures = kwargs.get('flow_failures') or {}
        reasons = [f.exception_str for f in failures.values()]
        self.emit('item.failed', reason='; '.join(reasons) or 'failed')


def dep_atoms(item):
    """The atom names whose results an item's step needs."""
    return [engine.atom_name(d, 'apply' if not d.startswith(
        import_items.RULES + '/') else 'rules') for d in item.deps]


def _results(deps):
    return {engine.split_atom_name(k)[0]: v for k, v in deps.items()}


def changed_fields(rtype, entry, want, raw, book):
    """``{key: wanted value}`` of updatable fields the destination lacks."""
    have = model.map_refs(rtype.export_params(raw, book),
                          lambda r: r.get('id'))
    want_c, have_c = rtype.comparable(entry, want), rtype.comparable(
        entry, have)
    changed = {}
    for key, value in want_c.items():
        param = rtype.param(key)
        if param is None or not param.updatable or \
                key in rtype.own_step_params:
            continue
        if plan_mod.normalize(value, param.unordered) != plan_mod.normalize(
                have_c.get(key), param.unordered):
            changed[key] = want.get(key)
    return changed


class Apply(ItemStep):
    step = 'apply'

    def execute(self, **deps):
        ctx = self.context
        item = ctx.items[self.item]
        rtype = resources.get_type(item.type)
        want = import_items.resolve_want(item.want, _results(deps))
        sid = import_items.source_key(item.entry)
        w = writing.WriteContext(ctx.conn, self._recorder(item.type, sid),
                                 ctx.target_project(item.entry))
        with self.window(item.type):
            if item.dst_id:
                action = self._adopt(w, rtype, item, want)
                return idmap.mapping_record(item.type, sid, item.dst_id,
                                            action=action)
            dst_id, how = self._create(w, rtype, item, want, sid)
        ctx.resolver.forget(item.type)
        self.emit(f'item.{how}', type=item.type, dst_id=dst_id)
        return idmap.mapping_record(item.type, sid, dst_id, action=how)

    def _recorder(self, type_name, sid):
        def record(phase, **details):
            if details.get('dst_id'):
                details.update(type=type_name, source_id=sid)
            self.record(phase, **details)
        return record

    def _adopt(self, w, rtype, item, want):
        raw = next((r for r in self.context.resolver.dst.visible(item.type)
                    if r.get('id') == item.dst_id), None)
        if raw is None:
            return 'unchanged'
        changed = changed_fields(rtype, item.entry, want, raw,
                                 self.context.resolver.dst)
        if not changed:
            return 'unchanged'
        self.record('updating', fields=sorted(changed))
        rtype.update(w, item.dst_id, changed, want, item.entry)
        self.emit('item.updated', type=item.type, fields=sorted(changed))
        return 'updated'

    def _create(self, w, rtype, item, want, sid):
        """Create, and after a 5xx look again before creating again."""
        def look():
            found = self._find_again(item)
            if not found:
                return None
            w.record('adopted', dst_id=found)
            item.dst_id = found
            self._adopt(w, rtype, item, want)
            return found, 'adopted'

        return retry.again(
            lambda: self._create_once(w, rtype, item, want, sid), look=look,
            on_retry=lambda e, n: self.record('create-unclear',
                                              reason=e.message))

    def _find_again(self, item):
        resolver = self.context.resolver
        resolver.forget(item.type)
        found = resolver.existing(item.entry)
        return found[0]['id'] if len(found) == 1 else None

    def _create_once(self, w, rtype, item, want, sid):
        marked = rtype.marker_field and rtype.match_key(
            item.entry, self.context.resolver.dst_id) is None
        if not marked:
            self.record('creating')
            return rtype.create(w, want, item.entry), 'created'
        marker = writing.marker_for(item.type, sid)
        dst_id, how = rtype.find_marked(w, marker), 'adopted'
        if dst_id:
            w.record('adopted', dst_id=dst_id)
        else:
            self.record('creating', marker=marker)
            dst_id, how = rtype.create(w, {
                **want, rtype.marker_field: marker}, item.entry), 'created'
        rtype.clear_marker(w, dst_id, want)
        return dst_id, how


class SyncRules(ItemStep):
    step = 'rules'

    def execute(self, **deps):
        ctx = self.context
        item = ctx.items[self.item]
        results = _results(deps)
        group = results[item.deps[0]]
        want = import_items.resolve_want(item.want, results)
        w = writing.WriteContext(ctx.conn, self.record)
        with self.window('security_group'):
            added, removed = self._sync(w, group['dst_id'], want['rules'])
        if added or removed:
            self.emit('item.updated', type='security_group_rule',
                      added=added, removed=removed)
        return {'dst_id': group['dst_id'], 'added': added,
                'removed': removed}

    def _sync(self, w, group_id, rules):
        """Sync the rules; a 5xx is retried (the sync lists first)."""
        return retry.again(
            lambda: security_group.sync_rules(w, group_id, rules))


def item_flow(context, item):
    """The flow of one import item."""
    cls = SyncRules if item.kind == 'rules' else Apply
    return engine.item_flow(item.name, [cls(item.name, context,
                                            deps=dep_atoms(item))])
