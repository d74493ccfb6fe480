"""Keep oslo.policy's own log lines and warnings out of our output.

oslo.policy logs tracebacks for check strings it cannot parse and warns
about deprecated rules while loading.  We report those conditions ourselves
as findings, so while we drive oslo.policy we collect its records instead of
letting them reach the user's terminal.  Only the ``oslo_policy`` loggers
are touched, and only for the duration of the ``with`` block.  Afterwards
each record is passed on at DEBUG level (with its traceback) to this
module's logger, so ``--debug`` still shows what oslo.policy said.
"""

import contextlib
import logging
import warnings

LOG = logging.getLogger(__name__)

_LOGGER_NAMES = ('oslo_policy', 'oslo_policy._parser', 'oslo_policy.policy')


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def messages(self, min_level=logging.WARNING):
        out = []
        for record in self.records:
            if record.levelno >= min_level:
                out.append(record.getMessage())
        return out


@contextlib.contextmanager
def collected_oslo_logs():
    """Collect oslo.policy log records and warnings inside the block."""
    collector = _Collector()
    saved = []
    for name in _LOGGER_NAMES:
        logger = logging.getLogger(name)
        saved.append((logger, logger.propagate, logger.level))
        logger.addHandler(collector)
        logger.propagate = False
        logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            yield collector
    finally:
        for logger, propagate, level in saved:
            logger.removeHandler(collector)
            logger.propagate = propagate
            logger.setLevel(level)
        for record in collector.records:
            LOG.debug('oslo.policy said: %s', record.getMessage(),
                      exc_info=record.exc_info)
