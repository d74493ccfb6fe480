"""The readiness report as a self-contained HTML page.

The same template and style as the policy audit report
(``templates/report/policy-report.html.j2``): a grid with one row per
kind of migration and one column per source of evidence (its verdict,
then policies, roles, configuration, the cloud), each cell titled with
its reasons, then every finding with its fix.  Pure: a result in, text out.
"""

from osmigcfg.policy import report_html as policy_html
from osmigcfg.readiness import result as result_mod

#: column -> (label, the finding-code prefixes it shows)
COLUMNS = (
    ('verdict', 'verdict', ('',)),
    ('policies', 'policies', ('RDY1',)),
    ('roles', 'roles', ('RDY2',)),
    ('configuration', 'config', ('RDY3', 'CFG')),
    ('cloud', 'cloud', ('RDY4',)),
)
# the audit report's colours: green, amber, yellow, red
LEGEND = (
    ('allowed', 'Y', 'ready: nothing in the way'),
    ('allowed-medium', '~', 'ready, with warnings'),
    ('unknown', '?', 'unknown: something could not be checked'),
    ('mismatch', 'X', 'blocked: the migration would fail'),
)


def _cell(reasons):
    titles = '\n'.join(f'{r.finding.code} {r.finding.message}'
                       for r in reasons)
    if any(r.blocks for r in reasons):
        return 'mismatch', 'X', titles
    if any(r.unknown for r in reasons):
        return 'unknown', '?', titles
    if any(r.finding.severity == 'warning' for r in reasons):
        return 'allowed-medium', '~', titles
    return 'allowed', 'Y', titles or 'ready'


def readiness_view(result):
    """The template's view of a ReadinessResult."""
    rows = []
    for kind in result.kinds:
        cells = []
        for name, _label, prefixes in COLUMNS:
            mine = [r for r in kind.reasons
                    if r.finding.code.startswith(prefixes)]
            css, symbol, title = _cell(mine)
            cells.append({'persona': name, 'css': css, 'symbol': symbol,
                          'title': title})
        rows.append({'key': kind.kind, 'cells': cells,
                     'title': f'{kind.description}: {kind.verdict}'})
    verdicts = result.verdicts()
    summary = ', '.join(
        f'{sum(v == word for v in verdicts.values())} {word}'
        for word in (result_mod.READY, result_mod.BLOCKED,
                     result_mod.UNKNOWN))
    return {'title': 'Migration readiness',
            'meta': [*result.meta, ('Verdicts', summary)],
            'matrix_title': 'Each kind of migration',
            'personas': [{'label': label, 'title': name}
                         for name, label, _p in COLUMNS],
            'rows': rows, 'legend': LEGEND, 'changes': None,
            'findings': result.report.to_list()}


def render_html(result):
    """A ReadinessResult as an HTML document."""
    return policy_html.render_view(readiness_view(result))
