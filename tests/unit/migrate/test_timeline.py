"""The run timeline (matplotlib) and its phases, on a recorded journal."""

import io
import xml.etree.ElementTree as ET

import pytest

from osmigcfg import exceptions
from osmigcfg.migrate import phases
from osmigcfg.migrate import report as report_mod
from osmigcfg.migrate import timeline
from tests import conftest
from tests.unit.migrate import recorded

SVG = '{http://www.w3.org/2000/svg}'


@pytest.fixture
def bars(tmp_path):
    report = report_mod.build_report(str(recorded.copy_journal(tmp_path)))
    return {bar.label: bar for bar in report_mod.timeline(report)}


@pytest.fixture
def matplotlib():
    try:
        import matplotlib
    except ImportError:
        conftest.require_or_skip('matplotlib (the plot extra) is not '
                                 'installed')
    return matplotlib


def _names(bar):
    return [name for name, *_ in bar.phases]


def test_the_recorded_drain_is_cut_into_phases(bars):
    assert sorted(bars) == ['d-0', 'd-1', 'd-2', 'd-3', 'd-4']  # d-5 skipped
    assert {bar.lane for bar in bars.values()} == {'host1'}
    assert _names(bars['d-0']) == ['in Nova', 'verifying']
    assert _names(bars['d-2']) == ['queued', 'in Nova', 'verifying']
    assert _names(bars['d-4']) == ['queued', 'in Nova', 'confirming',
                                   'verifying']
    # Nova rolled it back; the verify step found it still on host1
    assert _names(bars['d-1']) == ['in Nova', 'verifying', 'rolling back']
    assert bars['d-1'].outcome == 'failed'
    for bar in bars.values():
        spans = [(s, e) for _, s, e in bar.phases]
        assert all(s <= e for s, e in spans)
        assert all(a[1] <= b[0] + 1e-6 for a, b in zip(spans, spans[1:]))
        assert spans[-1][1] == pytest.approx(bar.end, abs=0.5)
    # d-2 waited for a slot until an earlier migration ended
    queued = bars['d-2'].phases[0]
    assert queued[2] - queued[1] > 5
    assert bars['d-4'].downtime is None  # cold, but it was SHUTOFF


def _event(ts, kind, **data):
    return {'ts': ts, 'kind': kind, 'item': 'srv', **data}


def test_a_running_server_moved_cold_was_down_until_verify_resize():
    events = [_event(1, 'atom.running', step='start'),
              _event(2, 'item.started', method='cold'),
              _event(3, 'atom.running', step='wait'),
              _event(9, 'atom.success', step='wait'),
              _event(9.5, 'atom.running', step='confirm'),
              _event(9.6, 'confirm.confirming'),
              _event(12, 'atom.success', step='confirm'),
              _event(12, 'atom.running', step='verify'),
              _event(13, 'item.migrated', status='ACTIVE')]
    found = phases.timings(events)['srv']
    assert found.phases == [('in Nova', 1, 9), ('confirming', 9.5, 12),
                            ('verifying', 12, 13)]
    assert found.downtime == (1, 9)
    live = [dict(e, method='live') if e['kind'] == 'item.started' else e
            for e in events]
    assert phases.timings(live)['srv'].downtime is None


def test_svg_has_a_lane_per_host_and_every_label(bars, matplotlib):
    svg = timeline.render_timeline(list(bars.values()), 'svg').decode()
    root = ET.fromstring(svg)
    texts = {''.join(t.itertext()).strip() for t in root.iter(f'{SVG}text')}
    assert {'source host1', 'd-0', 'd-1', 'd-4',
            'seconds since the first start', 'queued', 'in Nova',
            'confirming', 'verifying', 'failed', 'migrated'} <= texts
    assert any(t.startswith('failed 24.') for t in texts)


def test_png_shows_the_outcome_colours(bars, matplotlib):
    from matplotlib import image

    png = timeline.render_timeline(list(bars.values()), 'png', width=800)
    pixels = image.imread(io.BytesIO(png), format='png')
    assert pixels.shape[1] == 800
    colours = {tuple(round(c * 255) for c in p[:3])
               for p in pixels.reshape(-1, pixels.shape[2])}
    for outcome in ('failed', 'migrated'):
        hexed = timeline.COLOURS[outcome].lstrip('#')
        assert tuple(int(hexed[i:i + 2], 16) for i in (0, 2, 4)) in colours


def test_hostile_names_stay_text(matplotlib):
    bar = report_mod.Bar('$\\frac{a}{b}$ <script>', 'h&1', 0, 3, 'migrated',
                         [('in Nova', 0, 3)])
    svg = timeline.render_timeline([bar], 'svg').decode()
    texts = {''.join(t.itertext()) for t in
             ET.fromstring(svg).iter(f'{SVG}text')}
    assert '$\\frac{a}{b}$ <script>' in texts and 'source h&1' in texts


def test_write_timeline_picks_the_format_by_name(tmp_path, bars, matplotlib):
    timeline.write_timeline(list(bars.values()), tmp_path / 'run.png')
    timeline.write_timeline(list(bars.values()), tmp_path / 'run.svg')
    assert (tmp_path / 'run.png').read_bytes().startswith(b'\x89PNG')
    assert b'<svg' in (tmp_path / 'run.svg').read_bytes()


def test_without_matplotlib_the_error_names_the_extra(bars, without_extra,
                                                      tmp_path):
    without_extra('plot')
    with pytest.raises(exceptions.MissingExtraError) as caught:
        timeline.write_timeline(list(bars.values()), tmp_path / 'run.png')
    assert "osmigcfg[plot]" in str(caught.value)
    assert not (tmp_path / 'run.png').exists()


def test_a_run_where_no_server_started_still_draws(tmp_path, matplotlib):
    timeline.write_timeline([], tmp_path / 'empty.png')
    assert (tmp_path / 'empty.png').read_bytes().startswith(b'\x89PNG')
