"""HTML reports parsed (not eyeballed), and the plain-text fallback."""

import html.parser

import pytest

from osmigcfg.findings import Report
from osmigcfg.policy import audit
from osmigcfg.policy import catalog
from osmigcfg.policy import rehearse
from osmigcfg.policy import rehearse_calls
from osmigcfg.policy import report_html
from osmigcfg.policy import report_text
from osmigcfg.policy import upgrade
from tests.unit.policy_audit.conftest import LIVE_ONLY

VOID = {'meta', 'br', 'hr', 'img', 'link', 'input'}


class Page(html.parser.HTMLParser):
    """Collects what the tests look at; checks tags are balanced."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.stack, self.tags, self.cells, self.articles = [], [], {}, []
        self.urls, self.pres, self.text = [], [], []
        self._cell = self._pre = None
        self.feed(text)
        self.close()
        assert not self.stack, f'unclosed tags: {self.stack}'

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.urls += [v for k, v in attrs.items() if k in ('src', 'href')]
        if tag not in VOID:
            self.stack.append(tag)
        if tag == 'td':
            self._cell = {'class': attrs['class'].split(), 'text': ''}
            key = (attrs['data-action'], attrs['data-persona'])
            assert key not in self.cells, key
            self.cells[key] = self._cell
        if tag == 'article':
            self.articles.append(attrs['class'].split())
        if tag == 'pre':
            self._pre = []

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()
        if tag == 'td':
            self._cell = None
        if tag == 'pre':
            self.pres.append(''.join(self._pre))
            self._pre = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell['text'] += data.strip()
        if self._pre is not None:
            self._pre.append(data)


@pytest.fixture
def mosk_audit(mosk_dir):
    return audit.audit_policy(policy_dirs=[mosk_dir],
                              enforce_new_defaults=False)


def test_audit_html_is_a_self_contained_colour_grid(mosk_audit):
    page = Page(report_html.render_html(mosk_audit))
    matrix = mosk_audit.matrix
    assert len(page.cells) == len(matrix.actions) * len(matrix.personas)
    reader = page.cells[('live-migrate-host', 'reader')]
    assert 'allowed-high' in reader['class'] and reader['text'] == '!'
    assert 'denied' in page.cells[('cold-migrate-host', 'reader')]['class']
    assert 'hidden' in page.cells[('live-migrate', 'other-project-member')][
        'class']
    assert 'allowed' in page.cells[('live-migrate-host', 'admin')]['class']
    assert 'script' not in page.tags and 'link' not in page.tags
    assert page.urls == []


def test_audit_html_findings_carry_their_rule_chains(mosk_audit):
    page = Page(report_html.render_html(mosk_audit))
    assert len(page.articles) == len(mosk_audit.report)
    assert sum('sev-high' in a for a in page.articles) == len(
        mosk_audit.report.at_least('high'))
    assert any('project_id:%(project_id)s [ok]' in pre and
               catalog.MIGRATE_LIVE_HOST in pre for pre in page.pres)


def test_html_escapes_what_comes_from_the_policy_files(write):
    path = write('policy.yaml', f'"{catalog.MIGRATE_LIVE}": '
                                f'"role:<script>alert(1)</script>"\n')
    result = audit.audit_policy(path)
    text = report_html.render_html(result)
    page = Page(text)
    assert 'script' not in page.tags
    assert '<script>' not in text
    assert any('role:<script>alert(1)</script>' in t for t in page.text)


def test_upgrade_html_marks_inherited_and_changed_cells(write):
    path = write('policy.yaml', LIVE_ONLY)
    result = upgrade.check_upgrade(path, from_release=31, to_release=34)
    page = Page(report_html.render_html(result))
    assert 'inherited' in page.cells[('live-migrate-host', 'member')]['class']
    assert 'gained' in page.cells[('cold-migrate', 'manager')]['class']
    assert page.cells[('cold-migrate', 'manager')]['text'] == '+'
    assert any('Changed decisions' in t for t in page.text)


def fake_rehearsal(matrix):
    """A RehearsalResult as Nova might answer, with one mismatch."""
    observations = {}
    for (action, persona), cell in matrix.cells.items():
        verdict = 'allowed' if cell.allowed else 'denied'
        status = 202 if cell.allowed else 403
        if (action, persona) == ('live-migrate', 'member'):
            verdict, status = 'allowed', 202
        if (action, persona) == ('list-migrations-host', 'admin'):
            verdict, status = 'unobserved', 200
        answer = rehearse_calls.Answer(verdict, status, 'test')
        observations[(action, persona)] = rehearse.Observation(
            action, persona, cell.allowed, answer)
    return rehearse.RehearsalResult(matrix, observations, Report(), 1.5,
                                    False)


def test_rehearsal_html_shows_mismatches_and_unobserved_cells():
    matrix = audit.audit_policy(profile='upstream').matrix
    result = fake_rehearsal(matrix)
    assert [o.action for o in result.mismatches()] == ['live-migrate']
    page = Page(report_html.render_html(result))
    assert 'mismatch' in page.cells[('live-migrate', 'member')]['class']
    assert 'unobserved' in page.cells[('list-migrations-host', 'admin')][
        'class']
    assert 'denied' in page.cells[('live-migrate', 'reader')]['class']


def grid_row(text, action):
    line = next(ln for ln in text.splitlines()
                if ln.split() and ln.split()[0] == action)
    return line.split()[1:]


def test_text_report_has_the_grid_legend_and_chains(mosk_audit):
    text = report_text.render_text(mosk_audit)
    assert grid_row(text, 'live-migrate-host') == [
        'Y', '!', '!', '!', '-', '!', '!']
    assert grid_row(text, 'cold-migrate-host') == [
        'Y', '.', '.', '.', '-', '.', '.']
    assert report_text.AUDIT_LEGEND in text
    assert '[HIGH] POL302' in text
    assert 'project_id:%(project_id)s [ok]' in text


def test_text_reports_of_upgrade_and_rehearsal(write):
    path = write('policy.yaml', LIVE_ONLY)
    up = report_text.render_text(upgrade.check_upgrade(
        path, from_release=31, to_release=34))
    assert grid_row(up, 'live-migrate-host')[:3] == ['Y', '^', '^']
    assert 'cause: new default' in up
    matrix = audit.audit_policy(profile='upstream').matrix
    rehearsed = report_text.render_text(fake_rehearsal(matrix))
    assert grid_row(rehearsed, 'live-migrate')[:4] == ['Y', 'Y', 'X', '.']
    assert '1 mismatches' in rehearsed


def test_unknown_result_types_are_refused():
    with pytest.raises(TypeError):
        report_html.render_html(object())
    with pytest.raises(TypeError):
        report_text.render_text(object())
