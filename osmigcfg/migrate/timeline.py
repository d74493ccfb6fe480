"""The run timeline: a Gantt chart drawn with matplotlib (extra ``plot``).

One lane per source host, one row per server in it; each bar is cut into
its phases (:mod:`~osmigcfg.migrate.phases`: the shade says the phase, the
colour the outcome) and, where Nova's status shows downtime, a dark strip
under the bar says how long the server was down.  PNG or SVG (by the file
name); text in the SVG stays text, so a browser can search it.
"""

import io
import os
import typing

from osmigcfg import extras
from osmigcfg import files
from osmigcfg.migrate import phases as phases_mod

COLOURS = {
    'migrated': '#2ea043', 'verify_resize': '#3478c8', 'failed': '#d22d2d',
    'timeout': '#eb961e', 'in-flight': '#969696', 'pending': '#c8c8c8',
    'skipped': '#c8c8c8',
}
#: phase -> (alpha, hatch): one colour per outcome, one shade per phase
SHADES = {
    phases_mod.QUEUED: (0.25, '//'), phases_mod.IN_NOVA: (1.0, ''),
    phases_mod.CONFIRMING: (0.6, '..'), phases_mod.VERIFYING: (0.45, 'xx'),
    phases_mod.ROLLING_BACK: (0.6, '\\\\'),
}
FORMATS = ('png', 'svg')
DOWNTIME = '#202020'


def _require():
    extras.require('plot', feature='the run timeline')


def _bars(bars):
    """:class:`~osmigcfg.migrate.report.Bar` objects; plain
    ``(label, start, end, outcome)`` tuples (the older API) become bars
    without phases."""
    from osmigcfg.migrate import report as report_mod

    return [report_mod.Bar(b[0], None, b[1], b[2], b[3], [])
            if isinstance(b, tuple) else b for b in bars]


def _figure(bars, width):
    from matplotlib import figure as mpl_figure
    from matplotlib import patches

    lanes = {}
    for bar in bars:
        lanes.setdefault(bar.lane or '?', []).append(bar)
    rows = len(bars) + len(lanes)  # a header row per lane
    fig = mpl_figure.Figure(figsize=(width / 100, 1.4 + 0.32 * max(rows, 1)),
                            dpi=100, layout='constrained')
    ax = fig.add_subplot()
    ticks, labels, y = [], [], 0
    for lane, lane_bars in lanes.items():
        ax.axhline(y - 0.5, color='#999999', linewidth=0.8)
        ax.text(0.005, y, f'source {lane}', fontweight='bold', fontsize=9,
                va='center', ha='left', transform=ax.get_yaxis_transform(),
                parse_math=False)
        y += 1
        for bar in lane_bars:
            _draw_bar(ax, bar, y)
            ticks.append(y)
            labels.append(bar.label[:32])
            y += 1
    ax.set_yticks(ticks, labels, fontsize=9, parse_math=False)
    ax.set_ylim(max(y, 1) - 0.5, -0.5)
    span = max([b.end for b in bars] + [1.0])
    ax.set_xlim(0, span * 1.2)  # room for the labels after the bars
    ax.set_xlabel('seconds since the first start')
    ax.grid(axis='x', color='#e1e1e1')
    ax.set_axisbelow(True)
    ax.set_title('Run timeline: one lane per source host', fontsize=11)
    outcomes = sorted({b.outcome for b in bars})
    handles = [patches.Patch(color=COLOURS.get(o, COLOURS['pending']),
                             label=o.replace('$', r'\$')) for o in outcomes]
    handles += [patches.Patch(facecolor='#777777', alpha=SHADES[p][0],
                              hatch=SHADES[p][1], label=p)
                for p in phases_mod.PHASES
                if any(p == name for b in bars for name, *_ in b.phases)]
    if any(b.downtime for b in bars):
        handles.append(patches.Patch(color=DOWNTIME, label='downtime'))
    if handles:  # none when no server started
        fig.legend(handles=handles, loc='outside lower center',
                   ncol=min(len(handles), 6), fontsize=8, frameon=False)
    return fig


def _draw_bar(ax, bar, y):
    colour = COLOURS.get(bar.outcome, COLOURS['pending'])
    pieces = bar.phases or [(phases_mod.IN_NOVA, bar.start, bar.end)]
    for phase, start, end in pieces:
        alpha, hatch = SHADES.get(phase, (1.0, ''))
        ax.broken_barh([(start, max(end - start, 0.05))], (y - 0.3, 0.5),
                       facecolors=colour, alpha=alpha, hatch=hatch,
                       edgecolor=colour, linewidth=0.5)
    if bar.downtime:
        start, end = bar.downtime
        ax.broken_barh([(start, max(end - start, 0.05))], (y + 0.22, 0.12),
                       facecolors=DOWNTIME)
        ax.annotate(f'down {end - start:.1f} s', (end, y + 0.28),
                    xytext=(3, 0), textcoords='offset points', fontsize=7,
                    va='center', parse_math=False)
    ax.annotate(f'{bar.outcome} {bar.end - bar.start:.1f} s',
                (bar.end, y - 0.05), xytext=(3, 0), textcoords='offset points',
                fontsize=8, va='center', parse_math=False)


def render_timeline(bars, fmt='png', *, width=900):
    """The chart of :func:`~osmigcfg.migrate.report.timeline`'s bars as
    PNG or SVG bytes.

    :raises MissingExtraError: without matplotlib (extra ``plot``).
    """
    _require()
    import matplotlib

    if fmt not in FORMATS:
        raise ValueError(f'timeline format {fmt!r} is not one of {FORMATS}')
    out = io.BytesIO()
    with matplotlib.rc_context({'svg.fonttype': 'none',
                                'svg.hashsalt': 'osmigcfg'}):
        fig = _figure(_bars(bars), width)
        fig.savefig(out, format=fmt, metadata={
            'png': {'Software': 'osmigcfg'},
            'svg': {'Date': None, 'Creator': 'osmigcfg'}}[fmt])
    return out.getvalue()


def inline_svg(bars, *, width=900):
    """The chart as an ``<svg>`` element to put in an HTML page."""
    text = render_timeline(bars, 'svg', width=width).decode('utf-8')
    return text[text.index('<svg'):]


def write_timeline(bars: list[typing.Any], path: str | os.PathLike[str], *,
                   width: int = 900) -> None:
    """Write the chart to ``path``: SVG for a ``.svg`` name, else PNG
    (atomically, like every output file)."""
    fmt = 'svg' if str(path).lower().endswith('.svg') else 'png'
    files.write_atomic(path, render_timeline(bars, fmt, width=width))
