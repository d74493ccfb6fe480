"""The HTML report and the SVG timeline in a real headless browser
(Debian's chromium): what it parsed has the expected elements, and its
screenshots are the docs' pictures (``OSMIGCFG_UPDATE_SCREENSHOTS=1``
writes them to doc/source/_static/)."""

import os
import pathlib
import shutil
import subprocess

import pytest

from osmigcfg.migrate import report as report_mod
from osmigcfg.migrate import report_html
from osmigcfg.migrate import timeline
from tests import conftest
from tests.unit.migrate import recorded
from tests.unit.migrate import test_report_html

STATIC = pathlib.Path(__file__).parents[3] / 'doc' / 'source' / '_static'


@pytest.fixture
def chromium():
    pytest.importorskip('matplotlib')  # the test extra installs it
    found = shutil.which('chromium') or shutil.which('chromium-headless')
    if not found:
        conftest.require_or_skip('no chromium (apt-get install chromium)')
    return found


def _browser(chromium, tmp_path, *args):
    return subprocess.run(
        [chromium, '--headless', '--no-sandbox', '--disable-gpu',
         '--hide-scrollbars', f'--user-data-dir={tmp_path / "profile"}',
         *args], capture_output=True, text=True, timeout=120, check=True)


def _shoot(chromium, tmp_path, page, name, size):
    shot = tmp_path / name
    _browser(chromium, tmp_path, f'--window-size={size}',
             f'--screenshot={shot}', page.as_uri())
    data = shot.read_bytes()
    assert data.startswith(b'\x89PNG') and len(data) > 20000
    if os.environ.get('OSMIGCFG_UPDATE_SCREENSHOTS') == '1':
        shutil.copy(shot, STATIC / name)


def test_browser_renders_the_report_and_the_timeline(chromium, tmp_path):
    journal = recorded.copy_journal(tmp_path)
    found = report_mod.build_report(str(journal))
    page = tmp_path / 'report.html'
    page.write_text(report_html.render_html(found, recorded.NAME))
    dom = test_report_html.Page(
        _browser(chromium, tmp_path, '--dump-dom', page.as_uri()).stdout)
    assert [a['id'] for a in dom.find('section')] == [
        'summary', 'servers', 'timeline', 'failures', 'plan']
    assert len([a for a in dom.find('tr') if 'data-server' in a]) == 6
    assert len(dom.find('svg')) == 1 and dom.find('article', id='failure-1')
    _shoot(chromium, tmp_path, page, 'run-report.png', '1000,1600')
    svg = tmp_path / 'timeline.svg'
    timeline.write_timeline(report_mod.timeline(found), svg)
    _shoot(chromium, tmp_path, svg, 'run-timeline.png', '900,340')
