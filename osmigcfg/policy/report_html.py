"""Self-contained HTML reports of audits, upgrade checks and rehearsals.

One template (``templates/report/policy-report.html.j2``): inline CSS, no
script, no external resource, so that a reviewer can attach the file to a
ticket.  The matrix is a colour grid, each finding carries its rule chain.
Everything is autoescaped: rule names, check strings and role names come
from user files.  Pure: a result in, text out.
"""


import osmigcfg
from osmigcfg import resources
from osmigcfg.policy import audit as audit_mod
from osmigcfg.policy import rehearse as rehearse_mod
from osmigcfg.policy import report_text
from osmigcfg.policy import upgrade as upgrade_mod

TEMPLATE = 'policy-report.html.j2'

AUDIT_LEGEND = (
    ('allowed', 'Y', 'allowed'),
    ('allowed-medium', '~', 'allowed, with a MEDIUM finding'),
    ('allowed-high', '!', 'allowed, with a HIGH finding'),
    ('denied', '.', 'denied by the policy'),
    ('hidden', '-', 'server not found (another project, before any policy '
                    'check)'),
    ('unknown', '?', 'unknown: a check osmigcfg cannot predict decides it '
                     '(POL112)'),
    ('unparsable', '#', 'denied through a check string oslo.policy cannot '
                        'parse (POL110)'),
)
UPGRADE_LEGEND = (
    ('allowed', 'Y', 'allowed before and after'),
    ('denied', '.', 'denied before and after'),
    ('gained', '+', 'allowed only after the upgrade'),
    ('lost', 'x', 'allowed only before the upgrade'),
    ('inherited', '^', 'allowed after the upgrade only through an inherited '
                       'override (POL403)'),
    ('unknown', '?', 'unknown before or after (POL112)'),
)
_UPGRADE_CELLS = {  # (allowed before, allowed after) -> (css, symbol)
    (True, True): ('allowed', 'Y'), (False, False): ('denied', '.'),
    (False, True): ('gained', '+'), (True, False): ('lost', 'x'),
}
REHEARSAL_LEGEND = (
    ('allowed', 'Y', 'allowed by Nova, as predicted'),
    ('denied', '.', 'denied by Nova, as predicted'),
    ('mismatch', 'X', 'Nova differs from the prediction'),
    ('unobserved', '?', 'no usable answer from Nova'),
)


def _personas(matrix):
    return [{'label': report_text.persona_label(p.name),
             'title': f'{p.name}: roles {", ".join(p.roles) or "none"} in '
                      f'{p.project}. {p.description}'}
            for p in matrix.personas]


def _rows(matrix, cell_view):
    rows = []
    for act in matrix.actions:
        cells = []
        for persona in matrix.personas:
            css, symbol, title = cell_view(act, persona)
            cells.append({'persona': persona.name, 'css': css,
                          'symbol': symbol, 'title': title})
        rows.append({'key': act.key, 'cells': cells,
                     'title': f'{act.title}: {act.api}'})
    return rows


def _meta(matrix, *extra):
    return [('Policy', matrix.label), ('Nova release', matrix.release),
            ('enforce_new_defaults',
             str(matrix.enforce_new_defaults).lower()), *extra]


def _cell_title(cell):
    return '\n'.join(cell.chain())


def audit_view(result):
    """The template's view of an AuditResult."""
    matrix = result.matrix

    def cell_view(act, persona):
        cell = matrix.cell(act.key, persona.name)
        if cell.allowed is None:
            return 'unknown', '?', _cell_title(cell)
        if not cell.allowed:
            css = cell.reason if cell.reason in ('hidden', 'unparsable') \
                else 'denied'
            symbol = {'hidden': '-', 'unparsable': '#'}.get(css, '.')
            return css, symbol, _cell_title(cell)
        mark = result.mark(act.key, persona.name)
        symbol = {'high': '!', 'medium': '~'}.get(mark, 'Y')
        css = f'allowed-{mark}' if mark in ('high', 'medium') else 'allowed'
        return css, symbol, _cell_title(cell)
    extra = [('Expected profile', result.expect)] if result.expect else []
    return {'title': 'Nova migration policy audit',
            'meta': _meta(matrix, *extra),
            'matrix_title': 'Who can do what', 'personas': _personas(matrix),
            'rows': _rows(matrix, cell_view), 'legend': AUDIT_LEGEND,
            'changes': None, 'findings': result.report.to_list()}


def upgrade_view(result):
    """The template's view of an UpgradeResult."""
    before, after = result.before, result.after

    def cell_view(act, persona):
        key = (act.key, persona.name)
        old, new = before.cells[key], after.cells[key]
        title = (f'Nova {before.release}:\n' + _cell_title(old) +
                 f'\nNova {after.release}:\n' + _cell_title(new))
        if new.allowed and key in result.inherited:
            return 'inherited', '^', title
        if old.allowed is None or new.allowed is None:
            return 'unknown', '?', title
        return _UPGRADE_CELLS[(old.allowed, new.allowed)] + (title,)
    changes = [{'action': c.action, 'persona': c.persona,
                'arrow': 'denied -> allowed' if c.widens
                else 'allowed -> denied', 'causes': list(c.causes)}
               for c in result.changes]
    return {'title': f'Nova policy upgrade check: {before.release} -> '
                     f'{after.release}',
            'meta': _meta(after, ('From release', before.release)),
            'matrix_title': 'Decisions before and after the upgrade',
            'personas': _personas(after), 'rows': _rows(after, cell_view),
            'legend': UPGRADE_LEGEND, 'changes': changes,
            'findings': result.report.to_list()}


def rehearsal_view(result):
    """The template's view of a RehearsalResult."""
    matrix = result.matrix

    def cell_view(act, persona):
        obs = result.observation(act.key, persona.name)
        if obs is None or not obs.observed:
            detail = obs.answer.detail if obs else 'not asked'
            return 'unobserved', '?', detail
        predicted = 'allowed' if obs.predicted else 'denied'
        title = (f'predicted {predicted}; Nova: HTTP {obs.answer.status} '
                 f'{obs.answer.detail}' + (f'; moved {obs.moved}'
                                           if obs.moved else ''))
        if not obs.match:
            return 'mismatch', 'X', title
        return ('allowed', 'Y', title) if obs.predicted else (
            'denied', '.', title)
    mode = 'real migrations' if result.moves else 'probes only'
    return {'title': 'Nova migration policy rehearsal (real Nova 34)',
            'meta': _meta(matrix, ('Run', f'{result.seconds} s, {mode}'),
                          ('Mismatches', len(result.mismatches()))),
            'matrix_title': 'Prediction against Nova\'s answers',
            'personas': _personas(matrix), 'rows': _rows(matrix, cell_view),
            'legend': REHEARSAL_LEGEND, 'changes': None,
            'findings': result.report.to_list()}


def render_html(result: 'audit_mod.AuditResult | upgrade_mod.UpgradeResult'
                '| rehearse_mod.RehearsalResult') -> str:
    """Any result (audit, upgrade check, rehearsal) as an HTML document."""
    if isinstance(result, audit_mod.AuditResult):
        view = audit_view(result)
    elif isinstance(result, upgrade_mod.UpgradeResult):
        view = upgrade_view(result)
    elif isinstance(result, rehearse_mod.RehearsalResult):
        view = rehearsal_view(result)
    else:
        raise TypeError(f'no HTML report for {type(result).__name__}')
    return render_view(view)


def render_view(view):
    """The report template filled with a view (title, meta, matrix_title,
    personas: the columns, rows, legend, changes, findings); readiness
    reports use it too."""
    template = resources.report_templates().get_template(TEMPLATE)
    return template.render(view=view, version=osmigcfg.__version__)
