"""Plain-text reports of audits, upgrade checks and rehearsals.

The screenshot-free companion of ``report_html``: the matrix as a grid of
symbols with a legend, then every finding with its fix and rule chain.
Pure functions: a result in, text out.
"""

from osmigcfg.findings import SEVERITY_RANK
from osmigcfg.policy import audit as audit_mod
from osmigcfg.policy import rehearse as rehearse_mod
from osmigcfg.policy import upgrade as upgrade_mod

AUDIT_LEGEND = ('Y allowed   ! allowed, HIGH finding   ~ allowed, MEDIUM '
                'finding   . denied   - server not found (another project)   '
                '? unknown (a check osmigcfg cannot predict, POL112)   '
                '# denied through an unparsable check string (POL110)')
REHEARSAL_LEGEND = ('Y allowed (as predicted)   . denied (as predicted)   '
                    'X Nova differs from the prediction   ? no usable answer')
UPGRADE_LEGEND = ('Y allowed on both   . denied on both   + allowed only '
                  'after the upgrade   x allowed only before   ^ allowed, '
                  'after the upgrade only through an inherited override   '
                  '? unknown on either side')
_ACTION_WIDTH = 30


def persona_label(name):
    """The short column label of a persona."""
    return 'other-project' if name == 'other-project-member' else name


def _grid(actions, personas, symbol):
    labels = [persona_label(p.name) for p in personas]
    widths = [max(len(label), 1) + 2 for label in labels]
    lines = [(' ' * _ACTION_WIDTH + ''.join(
        label.center(w) for label, w in zip(labels, widths))).rstrip()]
    for act in actions:
        cells = ''.join(symbol(act, p).center(w)
                        for p, w in zip(personas, widths))
        lines.append((act.key.ljust(_ACTION_WIDTH) + cells).rstrip())
    return lines


def _findings(report):
    lines = []
    counts = {}
    for finding in report.findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    summary = ', '.join(f'{n} {sev}' for sev, n in sorted(
        counts.items(), key=lambda kv: (-SEVERITY_RANK[kv[0]], kv[0])))
    lines.append(f'Findings: {len(report)}' + (f' ({summary})' if summary
                                               else ''))
    for finding in report.sorted():
        lines.append('')
        lines.append(f'[{finding.severity.upper()}] {finding.code} '
                     f'{finding.location}')
        lines.append(f'  {finding.message}')
        if finding.hint:
            lines.append(f'  fix: {finding.hint}')
        if finding.details:
            lines.append('  why:')
            lines.extend(f'    {line}' for line in finding.details)
    return lines


def _header(title, matrix):
    return [title, f'Policy: {matrix.label}',
            f'Nova {matrix.release}, enforce_new_defaults='
            f'{str(matrix.enforce_new_defaults).lower()}', '']


def audit_text(result):
    """An AuditResult as text."""
    matrix = result.matrix

    def symbol(act, persona):
        cell = matrix.cell(act.key, persona.name)
        if cell.allowed is None:
            return '?'
        if not cell.allowed:
            return {'hidden': '-', 'unparsable': '#'}.get(cell.reason, '.')
        return {'high': '!', 'medium': '~'}.get(
            result.mark(act.key, persona.name), 'Y')
    lines = _header('osmigcfg policy audit', matrix)
    if result.expect:
        lines[-1:-1] = [f'Expected profile: {result.expect}']
    lines += _grid(matrix.actions, matrix.personas, symbol)
    lines += ['', AUDIT_LEGEND, ''] + _findings(result.report)
    return '\n'.join(lines) + '\n'


def upgrade_text(result):
    """An UpgradeResult as text."""
    before, after = result.before, result.after

    def symbol(act, persona):
        old = before.allowed(act.key, persona.name)
        new = after.allowed(act.key, persona.name)
        if new and (act.key, persona.name) in result.inherited:
            return '^'
        if old is None or new is None:
            return '?'
        return {(True, True): 'Y', (False, False): '.',
                (False, True): '+', (True, False): 'x'}[(old, new)]
    lines = [f'osmigcfg policy upgrade-check: Nova {before.release} -> '
             f'{after.release}', f'Policy: {after.label}',
             f'enforce_new_defaults='
             f'{str(after.enforce_new_defaults).lower()}', '']
    lines += _grid(after.actions, after.personas, symbol)
    lines += ['', UPGRADE_LEGEND, '',
              f'Changed decisions: {len(result.changes)}']
    for change in result.changes:
        arrow = 'denied -> allowed' if change.widens else \
            'allowed -> denied'
        lines.append(f'  {change.action} / {change.persona}: {arrow}')
        lines.extend(f'    cause: {cause}' for cause in change.causes)
    lines += [''] + _findings(result.report)
    return '\n'.join(lines) + '\n'


def rehearsal_text(result):
    """A RehearsalResult as text."""
    matrix = result.matrix

    def symbol(act, persona):
        obs = result.observation(act.key, persona.name)
        if obs is None or not obs.observed:
            return '?'
        if not obs.match:
            return 'X'
        return 'Y' if obs.predicted else '.'
    lines = _header('osmigcfg policy rehearse (real Nova 34)', matrix)
    mode = 'real migrations' if result.moves else 'probes only'
    lines[-1:-1] = [f'Run: {result.seconds} s, {mode}, '
                    f'{len(result.mismatches())} mismatches']
    lines += _grid(matrix.actions, matrix.personas, symbol)
    lines += ['', REHEARSAL_LEGEND, ''] + _findings(result.report)
    return '\n'.join(lines) + '\n'


def render_text(result: 'audit_mod.AuditResult | upgrade_mod.UpgradeResult'
                '| rehearse_mod.RehearsalResult') -> str:
    """Any result (audit, upgrade check, rehearsal) as plain text."""
    if isinstance(result, audit_mod.AuditResult):
        return audit_text(result)
    if isinstance(result, upgrade_mod.UpgradeResult):
        return upgrade_text(result)
    if isinstance(result, rehearse_mod.RehearsalResult):
        return rehearsal_text(result)
    raise TypeError(f'no text report for {type(result).__name__}')
