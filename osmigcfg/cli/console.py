"""What reaches the user's terminal: log records and error lines.

osc-lib sends every logger's records to one console handler on stderr.
Libraries log for their own developers: oslo.policy logs a full traceback
(``LOG.exception``) for each check string it cannot parse, TaskFlow and
SQLAlchemy log their internals.  osmigcfg reports such conditions itself,
as findings or as one error line, so without ``--debug``:

* records of other libraries' loggers are not shown at all;
* records of osmigcfg and of the command framework (cliff, osc-lib, which
  print the one-line error of a failed command) are shown without a
  traceback.

With ``--debug`` everything is shown, tracebacks included (osc-lib's own
behaviour).  Only the console handler is changed: a ``--log-file`` still
gets every record.  An offline command's unexpected exception is named an
internal error (:func:`named_internal_errors`).
"""

import copy
import functools
import logging

from osmigcfg import exceptions

#: loggers shown on the console without --debug (and their children)
SHOWN = ('osmigcfg', 'cliff', 'osc_lib', '__main__')


def _shown(name):
    return any(name == top or name.startswith(top + '.') for top in SHOWN)


class LibraryFilter(logging.Filter):
    """Drops the records of loggers outside :data:`SHOWN`."""

    def filter(self, record):
        return _shown(record.name)


class NoTracebackFormatter(logging.Formatter):
    """Formats the message only, never the exception or stack."""

    def format(self, record):
        record = copy.copy(record)  # other handlers keep the traceback
        record.exc_info = record.exc_text = record.stack_info = None
        return super().format(record)


def quiet_console(handler):
    """Apply the no-``--debug`` rules to osc-lib's console ``handler``."""
    handler.addFilter(LibraryFilter())
    handler.setFormatter(NoTracebackFormatter('%(message)s'))


#: exceptions that mean a bug, not a cloud or the system failing
BUG_TYPES = (TypeError, ValueError, LookupError, AttributeError,
             ArithmeticError, RecursionError, SyntaxError, AssertionError)


def named_internal_errors(run):
    """An offline command's bug becomes InternalError, saying so.

    Offline commands read the user's files: a TypeError, KeyError,
    RecursionError... escaping one is a bug in osmigcfg, and the user is
    told so instead of reading its bare text (cliff prints only
    ``str(error)``, such as "unhashable type: 'list'").  Network and system
    errors pass through untouched.
    """
    @functools.wraps(run)
    def guarded(parsed_args):
        try:
            return run(parsed_args)
        except exceptions.OsmigcfgError:
            raise
        except BUG_TYPES as e:
            raise exceptions.InternalError(e) from e
    return guarded
