"""The TaskFlow steps of one server's migration.

``preflight`` (policy check + facts) -> ``start`` (take the item's window
slot, send the migration once) -> ``wait`` (until Nova is done; a timeout
is recorded, not raised: it is resumable) -> ``confirm`` (cold migrations
the plan confirms) -> ``verify`` (moved, original state, record final).

A step that raises makes TaskFlow revert this server's steps, newest
first: ``wait`` rolls a cold migration back (revert resize, restart a
server that was running; bounded: a revert that cannot finish by its
deadline is named in the outcome), ``start`` gives the window slot back
and ``preflight`` reports the failure (this server's only).  Other
servers carry on, and their finished moves stay.

Every wait has a deadline: the run's ``timeout``, else the operation's
default (:data:`~osmigcfg.migrate.waits.DEFAULT_TIMEOUTS`).
"""


from osmigcfg import exceptions
from osmigcfg.engine import flows as engine_flows

#: the phase a revert that could not finish leaves in the journal
ROLLBACK_UNFINISHED = 'rollback-unfinished'


def _skipped(value):
    return bool(value and (value.get('skip') or value.get('timeout')))


class MigrationStep(engine_flows.Step):
    """A step with the server's plan item at hand."""

    def __init__(self, item, context, plan_item, **kwargs):
        super().__init__(item, context, **kwargs)
        self.plan_item = plan_item

    @property
    def driver(self):
        return self.context.drivers[self.plan_item['method']]

    def deadline(self, operation=None):
        """When to stop waiting: the run's ``timeout`` seconds from now (a
        resumed wait gets a fresh period), else the operation's default;
        never "for ever"."""
        return self.driver.deadline_after(
            operation or self.plan_item['method'],
            self.context.options.timeout)


class Preflight(MigrationStep):
    step = 'preflight'

    def execute(self):
        item = self.plan_item
        self.context.preflight.require(item['method'], host=item.get('host'),
                                       project_id=item.get('project_id'))
        # the slot first: facts are taken just before the move, and only
        # as many servers are looked at as may move
        self.context.windows.acquire(
            self.item, self.context.window_keys(item),
            on_wait=lambda: self.emit('item.queued'))
        facts = self.context.facts(item)
        reason = self.context.still_to_move(item, facts)
        if reason:
            self.context.windows.release(self.item)
            self.emit('item.skipped', reason=reason, name=item.get('name'))
            return {'skip': reason, **facts}
        return facts

    def revert(self, result, flow_failures, **kwargs):
        self.context.windows.release(self.item)
        # flow_failures holds every item's failures: keep this item's own
        reasons = [f.exception_str for name, f in flow_failures.items()
                   if engine_flows.split_atom_name(name)[0] == self.item]
        self.emit('item.failed', name=self.plan_item.get('name'),
                  reason='; '.join(reasons) or 'failed')


class Start(MigrationStep):
    step = 'start'

    def execute(self, preflight):
        if _skipped(preflight):
            return {'skip': True}
        item = self.plan_item
        self.context.windows.acquire(  # held since preflight; re-taken
            self.item, self.context.window_keys(item))  # after a resume
        start = self.driver.start(
            preflight, host=item.get('host'),
            resumed=self.item in self.context.resumed,
            record=lambda phase, **d: self.record(phase, method=item['method'],
                                                  **d),
            **({'block_migration': item.get('block_migration', 'auto')}
               if item['method'] == 'live' else {}))
        self.record('accepted', progress=0.9, method=item['method'],
                    request_id=start.get('request_id'),
                    reconciled=start.get('reconciled'))
        self.emit('item.started', method=item['method'],
                  source=item.get('source'), name=item.get('name'))
        return start

    def revert(self, **kwargs):
        self.context.windows.release(self.item)


class Wait(MigrationStep):
    step = 'wait'

    def execute(self, preflight, start):
        if _skipped(preflight):
            return {'skip': True}
        self.context.windows.occupy(self.item, self.context.window_keys(
            self.plan_item))  # a resumed run re-takes running items' slots
        try:
            extra = {'stall': self.context.options.stall,
                     'record': lambda phase, **d: self.record(phase, **d)} \
                if self.plan_item['method'] == 'live' else {}
            server = self.driver.wait(
                preflight, start, deadline=self.deadline(),
                progress=lambda **d: self.emit('item.progress', **d),
                **extra)
        except exceptions.MigrationTimeout as e:
            self.record('timeout', message=e.message)
            self.emit('item.timeout', reason=e.message)
            return {'timeout': e.message}
        finally:
            self.context.windows.release(self.item)
        return {'server': server}

    def revert(self, preflight, result, **kwargs):
        self.context.windows.release(self.item)
        if self.plan_item['method'] != 'cold' or _skipped(preflight):
            return
        self.record('rolling-back')
        cold = self.context.drivers['cold']
        try:
            server = cold.rollback(
                preflight, deadline=cold.deadline_after('revert'),
                record=lambda phase, **d: self.record(phase, **d))
        except exceptions.CloudError as e:
            # a revert that raised would stop TaskFlow reverting this
            # item and fail the run; the outcome carries it instead
            reason = getattr(e, 'message', str(e))
            self.record(ROLLBACK_UNFINISHED, message=reason)
            self.emit('item.rollback-unfinished', reason=reason)
            return
        self.emit('item.rolled-back', status=server['status'])


class Confirm(MigrationStep):
    step = 'confirm'

    def execute(self, preflight, wait):
        item = self.plan_item
        if _skipped(preflight) or _skipped(wait) or item['method'] != 'cold' \
                or not item.get('confirm', True):
            return wait
        try:
            server = self.context.drivers['cold'].confirm(
                preflight, deadline=self.deadline('confirm'),
                record=lambda phase, **d: self.record(phase, **d))
        except exceptions.MigrationTimeout as e:
            self.record('timeout', message=e.message)
            self.emit('item.timeout', reason=e.message)
            return {'timeout': e.message}
        return {'server': server}


class Verify(MigrationStep):
    step = 'verify'

    def execute(self, preflight, start, confirm):
        item = self.plan_item
        if _skipped(preflight):
            return {'outcome': 'skipped', 'reason': preflight['skip']}
        if _skipped(confirm):
            return {'outcome': 'timeout', 'reason': confirm['timeout']}
        kwargs = {}
        if item['method'] == 'cold':
            kwargs['confirmed'] = item.get('confirm', True)
        result = self.driver.verify(preflight, start, confirm['server'],
                                    **kwargs)
        outcome = 'migrated' if kwargs.get('confirmed', True) else \
            'verify_resize'
        result.update(outcome=outcome, method=item['method'])
        self.emit('item.migrated', name=item.get('name'), **result)
        return result


def server_flow(context, plan_item):
    """The TaskFlow flow of one server (named after the server id)."""
    item = plan_item['id']
    steps = [
        Preflight(item, context, plan_item),
        Start(item, context, plan_item, requires=('preflight',)),
        Wait(item, context, plan_item, requires=('preflight', 'start')),
        Confirm(item, context, plan_item, requires=('preflight', 'wait')),
        Verify(item, context, plan_item,
               requires=('preflight', 'start', 'confirm')),
    ]
    return engine_flows.item_flow(item, steps)
