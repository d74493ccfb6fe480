"""``report --html``: the self-contained run report, on a recorded journal,
read back with a real HTML parser (html5lib-free: the stdlib's)."""

import html.parser

import pytest

from osmigcfg.migrate import report as report_mod
from osmigcfg.migrate import report_html
from tests import cli_runner
from tests.unit.migrate import recorded


class Page(html.parser.HTMLParser):
    """Tags with their attributes, the text, and the open-tag balance."""

    VOID = {'meta', 'br', 'img', 'link', 'input', 'hr'}

    def __init__(self, text):
        super().__init__()
        self.tags, self.text, self.stack, self.errors = [], [], [], []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f'</{tag}> closes {self.stack[-1:]}')
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(
            a.get(k.rstrip('_')) == v for k, v in attrs.items())]


@pytest.fixture
def report(tmp_path):
    path = recorded.copy_journal(tmp_path)
    return report_mod.build_report(str(path)), path


def test_the_page_has_every_section_and_a_row_per_server(report):
    found, path = report
    page = Page(report_html.render_html(found, path))
    assert not page.errors and page.stack == []
    assert [a['id'] for a in page.find('section')] == [
        'summary', 'servers', 'timeline', 'failures', 'plan']
    rows = page.find('tr')
    outcomes = sorted(a['class'] for a in rows if 'data-server' in a)
    assert outcomes == ['failed'] + ['migrated'] * 4 + ['skipped']
    assert page.find('article', class_='finding sev-high', id='failure-1')
    text = ''.join(page.text)
    assert 'rolled back: the server is still on its source host' in text
    assert 'Run report: drain of host1' in text
    assert not page.find('script') and not page.find('link')
    assert not [a for _, a in page.tags if 'src' in a]  # self-contained


def test_with_matplotlib_the_timeline_is_inline_svg(report):
    pytest.importorskip('matplotlib')  # the test extra installs it
    found, path = report
    page = Page(report_html.render_html(found, path))
    assert len(page.find('svg')) == 1
    assert 'source host1' in ''.join(page.text)


def test_without_matplotlib_a_note_names_the_extra(report, without_extra):
    without_extra('plot')
    found, path = report
    page = Page(report_html.render_html(found, path))
    assert not page.find('svg')
    assert "pip install 'osmigcfg[plot]'" in ''.join(page.text)


def test_user_input_is_escaped_everywhere(report):
    found, path = report
    evil = '<script>alert(1)</script>"&'
    for row in found.rows:
        row.name = row.reason = row.source = evil
    for item in found.plan['items']:
        item['name'] = evil
    found.host = evil
    text = report_html.render_html(found, path)
    page = Page(text)
    assert '<script>' not in text and not page.find('script')
    assert evil in ''.join(page.text)  # shown, as text


def test_report_command_writes_the_html(report, tmp_path, capsys):
    _, path = report
    status, out, err = cli_runner.run_cli(
        capsys, 'report', str(path), '--html', str(tmp_path / 'r.html'),
        '-f', 'value', '-c', 'Outcome')
    assert status == 1, err  # d-1 failed
    assert out.split().count('migrated') == 4
    assert Page((tmp_path / 'r.html').read_text()).find('section',
                                                        id='servers')
