"""Scale-out: run the copy steps on TaskFlow's worker-based engine.

``osmigcfg worker --topic T`` (any number of them, on any machines that
reach the broker and hold a clouds.yaml naming the two clouds) serves the
portable steps of :mod:`~osmigcfg.crosscloud.copy.steps`;
``osmigcfg copy DIR ... --workers T`` then runs the copy on
``taskflow.engines.worker_based``: the conductor (the ``copy`` process)
keeps the journal and sends each ready step, as JSON (its spec, the
previous steps' results), to a worker over the message broker, whose URL
comes from ``$OSMIGCFG_TRANSPORT_URL`` (never from the command line, where
``ps`` would show its password, and never written to the journal).

What the journal still gives: every step's state, result and progress
records are saved by the conductor, so a killed ``copy`` resumes exactly
as a local one (finished steps are skipped; steps that were running are
sent again, and look at the clouds before acting).  What it cannot give:
a worker keeps executing a request whose conductor died (and those still
queued), so the resumed run may send the same step again while the
orphaned execution runs; the steps cope (an upload under way is waited
for, glance refuses a second upload into one record, twin volumes are
reduced to the oldest) but the work is done twice.  And a worker killed
while it runs a step is not noticed by the conductor, which waits for
that step's answer: stop the copy and run it again to resend it.

The worker-based engine talks to the broker through kombu, which the
``scale`` extra installs: :func:`runner_factory` and :func:`make_worker`
check for it first, and TaskFlow's worker modules are imported only then.
"""

import logging
import os
import signal
import uuid

from osmigcfg import engine
from osmigcfg import exceptions
from osmigcfg import extras
from osmigcfg.crosscloud import runtime as runtime_mod

LOG = logging.getLogger(__name__)
TRANSPORT_ENV = 'OSMIGCFG_TRANSPORT_URL'
EXCHANGE = 'osmigcfg'
TASK_MODULES = ('osmigcfg.crosscloud.copy.steps',)
#: seconds a step may wait for a worker to take it before it fails
TRANSITION_TIMEOUT = 120


def transport_url(url=None):
    """The broker URL (argument, else ``$OSMIGCFG_TRANSPORT_URL``)."""
    url = url or os.environ.get(TRANSPORT_ENV)
    if not url:
        raise exceptions.InputError(
            f'no message broker: set {TRANSPORT_ENV}',
            hint='e.g. amqp://user:password@broker:5672/vhost')
    return url


class WorkerRunner(engine.Runner):
    """The engine's Runner, on TaskFlow's worker-based engine."""

    def __init__(self, journal, flow, context, *, url, topics,
                 exchange=EXCHANGE, transition_timeout=TRANSITION_TIMEOUT):
        super().__init__(journal, flow, context)
        self.url = url
        self.topics = list(topics)
        self.exchange = exchange
        self.transition_timeout = transition_timeout

    def _engine_options(self, executor):
        from taskflow.engines.worker_based import executor as worker_executor
        # TaskFlow names the conductor's reply queue after the flow detail
        # by default: a resumed run would share it with the killed one and
        # receive the replies of its orphaned requests (same atom ids),
        # whose state transitions TaskFlow 6.5 then fails to log (a typo,
        # ``logger.warnng``) and its dispatcher thread dies.  A new queue
        # per conductor process keeps the orphans' replies away.
        wbe = worker_executor.WorkerTaskExecutor(
            uuid=f'osmigcfg-{uuid.uuid4()}', exchange=self.exchange,
            topics=self.topics, transition_timeout=self.transition_timeout,
            url=self.url)
        return {'engine': 'worker-based', 'executor': wbe}


def runner_factory(topic, url=None, exchange=EXCHANGE):
    """A ``runner_factory`` for :func:`datacopy.copy_data`.

    :raises MissingExtraError: the ``scale`` extra (kombu) is missing.
    """
    extras.require('scale', feature='copy --workers')
    url = transport_url(url)
    return lambda journal, flow, context: WorkerRunner(
        journal, flow, context, url=url, topics=[topic], exchange=exchange)


def _log_event(event):
    LOG.info('%s %s', event['kind'], event.get('item') or '')


def make_worker(topic, url=None, exchange=EXCHANGE, threads=2,
                connections=None):
    """A TaskFlow Worker serving the copy steps (not started).

    Its runtime connects to clouds by name from this process's
    clouds.yaml (``connections`` may pre-seed them).

    :raises MissingExtraError: the ``scale`` extra (kombu) is missing.
    """
    extras.require('scale', feature='worker')
    from taskflow.engines.worker_based import worker as worker_mod
    runtime_mod.install(runtime_mod.Runtime(
        connections, events=engine.EventStream(callbacks=[_log_event])))
    return worker_mod.Worker(exchange, topic, list(TASK_MODULES),
                             url=transport_url(url), threads_count=threads)


def run_worker(topic, url=None, exchange=EXCHANGE, threads=2):
    """Serve copy steps until SIGTERM/SIGINT."""
    worker = make_worker(topic, url, exchange, threads)

    def stop(signum, frame):
        LOG.info('worker stopping (signal %s)', signum)
        worker.stop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    LOG.info('worker on topic %s, %d threads', topic, threads)
    worker.run(display_banner=False)
