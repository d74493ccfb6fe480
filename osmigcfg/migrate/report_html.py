"""A run's report as one self-contained HTML file (``report --html``).

The look of the policy audit report (``templates/report/report.css``, the
same ``dl.meta`` / ``table.matrix`` / ``article.finding`` blocks): a
summary, one row per server, the timeline as inline SVG (when matplotlib,
extra ``plot``, is installed; else a note naming the extra), the failures
with their reasons and the plan the run followed.  No script and no
external resource.  Everything is autoescaped: server and host names are
user input; the SVG is matplotlib's own XML, whose text it escapes.
"""

import datetime

import markupsafe

import osmigcfg
from osmigcfg import extras
from osmigcfg.migrate import report as report_mod
from osmigcfg.migrate import timeline as timeline_mod
from osmigcfg import resources

TEMPLATE = 'run-report.html.j2'
PLAN_COLUMNS = ('id', 'name', 'status', 'source', 'method', 'host',
                'block_migration', 'confirm', 'skip')
BAD = ('failed', 'timeout', 'in-flight', 'pending')


def _when(ts):
    if not isinstance(ts, (int, float)):
        return '-'
    return datetime.datetime.fromtimestamp(
        ts, datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S UTC')


def _meta(report, journal_path):
    starts = [r.started for r in report.rows if r.started is not None]
    makespan = report.makespan
    counts = report.counts
    return [
        ('journal', str(journal_path)),
        ('run', f'{report.kind}' + (f' of {report.host}' if report.host
                                    else '')),
        ('started', _when(min(starts)) if starts else '-'),
        ('makespan', f'{makespan:.1f} s' if makespan is not None else '-'),
        ('servers', ', '.join(f'{n} {k}' for k, n in sorted(counts.items()))
         or 'none'),
        ('events', str(report.events)),
    ]


def _plan(report):
    items = report.plan.get('items') if isinstance(report.plan, dict) \
        else None
    rows = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            rows.append(['-' if item.get(c) is None else str(item.get(c))
                         for c in PLAN_COLUMNS])
    settings = [(k, str(v)) for k, v in sorted(report.plan.items())
                if k != 'items'] if isinstance(report.plan, dict) else []
    return {'columns': PLAN_COLUMNS, 'rows': rows, 'settings': settings}


def _timeline(report):
    bars = report_mod.timeline(report)
    if not bars:
        return {'svg': None, 'note': 'No server was started: nothing to '
                                     'draw.'}
    if not extras.installed('plot'):
        return {'svg': None, 'note': (
            'The timeline chart needs matplotlib: '
            f'{extras.pip_command("plot")} (extra plot).')}
    return {'svg': markupsafe.Markup(timeline_mod.inline_svg(bars)),
            'note': None}


def run_view(report, journal_path):
    """The template's data for a :class:`~osmigcfg.migrate.report.Report`."""
    columns, rows = report_mod.table(report)
    outcome = columns.index('Outcome')
    return {
        'title': f'Run report: {report.kind}'
                 + (f' of {report.host}' if report.host else ''),
        'meta': _meta(report, journal_path),
        'counts': sorted(report.counts.items()),
        'columns': columns,
        'rows': [{'cells': row, 'outcome': row[outcome]} for row in rows],
        'timeline': _timeline(report),
        'failures': [r for r in report.rows if r.outcome in BAD],
        'plan': _plan(report),
    }


def render_html(report, journal_path):
    """The whole HTML page (text)."""
    template = resources.report_templates().get_template(TEMPLATE)
    return template.render(view=run_view(report, journal_path),
                           version=osmigcfg.__version__)
