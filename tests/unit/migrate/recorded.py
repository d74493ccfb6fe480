"""A journal recorded from a real drain on the Nova 34 sandbox.

``data/drain-host1.journal`` (+ its events file) is what
tests/functional/test_migrate_drain.py's mixed-host drain wrote: six
servers on host1, four moved live, ``d-4`` cold (SHUTOFF, confirmed), the
live migration of ``d-1`` failed by Nova (rolled back), ``d-5`` skipped
(SUSPENDED); ``d-2`` and ``d-4`` queued for a window slot.  The functional
test of ``report --html`` checks a freshly made one the same way.
"""

import pathlib
import shutil

DATA = pathlib.Path(__file__).parent / 'data'
NAME = 'drain-host1.journal'


def copy_journal(directory):
    """Copy the recorded journal and its events into ``directory`` (opening
    a journal may write SQLite's side files); returns the journal path."""
    for suffix in ('', '.events.jsonl'):
        shutil.copy(DATA / (NAME + suffix), directory / (NAME + suffix))
    return directory / NAME
