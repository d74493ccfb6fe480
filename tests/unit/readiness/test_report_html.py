"""The readiness HTML report: the audit report's template, exact text."""

import html.parser
import pathlib

from osmigcfg import readiness
from tests.unit.golden import assert_golden

HERE = pathlib.Path(__file__).parent


class _Cells(html.parser.HTMLParser):
    """(kind, column) -> css class of every grid cell."""

    def __init__(self):
        super().__init__()
        self.cells = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'td' and 'data-action' in attrs:
            self.cells[attrs['data-action'], attrs['data-persona']] = \
                attrs['class'].split()[-1]


def _member_result():
    # no files: every service user's roles unknown, a member caller denied
    return readiness.assess(readiness.Inputs(caller_roles=('member',)))


def test_cells_follow_the_verdicts_and_their_sources():
    result = _member_result()
    parser = _Cells()
    parser.feed(readiness.render_html(result))
    assert parser.cells['live', 'verdict'] == 'mismatch'      # blocked
    assert parser.cells['live', 'policies'] == 'mismatch'     # RDY102
    assert parser.cells['live', 'roles'] == 'unknown'         # RDY201
    assert parser.cells['live', 'cloud'] == 'allowed'         # offline
    assert len(parser.cells) == 6 * 5


def test_the_report_is_the_golden_text():
    assert_golden(HERE, 'readiness-member.html',
                  readiness.render_html(_member_result()))
