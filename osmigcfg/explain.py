"""What a finding code means, why it matters, an example and the fix.

One source of truth for ``osmigcfg explain CODE`` and the documentation's
page per code: the severity, one-line meaning and fix hint registered by the
subsystem that raises the code (its ``codes`` module), and the longer "why"
and example kept beside this module in ``explanations.yaml``.  A test keeps
every registered code explained, and every explanation registered.
"""

import dataclasses
import difflib
import functools
import importlib
import pathlib
import textwrap

import yaml

from osmigcfg import exceptions
from osmigcfg import findings

__all__ = ['CODE_MODULES', 'Explanation', 'explain', 'explain_all',
           'explained_codes', 'registered_codes', 'render_markdown',
           'render_text']

#: The modules that register finding codes (``findings.register_codes``).
CODE_MODULES = (
    'osmigcfg.policy.codes',
    'osmigcfg.policy.audit_codes',
    'osmigcfg.config.codes',
    'osmigcfg.migrate.codes',
    'osmigcfg.readiness.codes',
    'osmigcfg.crosscloud.codes',
)

EXPLANATIONS = pathlib.Path(__file__).with_name('explanations.yaml')

#: code prefix -> the subsystem (and command) that reports it
FAMILIES = {
    'POL': 'Nova migration policies (policy validate, audit, upgrade-check, '
           'rehearse)',
    'CFG': 'live-migration and TLS settings (config validate, check-hosts, '
           'check-tls)',
    'MIG': 'the migrator (server migrate, drain, migrate, plan)',
    'RDY': 'migration readiness (readiness)',
    'XCL': 'cross-cloud migration (export, import, copy, cutover)',
}


@dataclasses.dataclass(frozen=True)
class Explanation:
    code: str
    severity: str
    meaning: str
    why: str
    example: str
    fix: str

    @property
    def family(self) -> str:
        return FAMILIES.get(self.code[:3], '')

    def to_dict(self) -> dict[str, str]:
        return dict(dataclasses.asdict(self), family=self.family)


def registered_codes() -> dict[str, findings.CodeInfo]:
    """Every registered finding code (importing each codes module)."""
    for name in CODE_MODULES:
        importlib.import_module(name)
    return dict(findings.CODES)


@functools.cache
def _texts() -> dict[str, dict[str, str]]:
    with open(EXPLANATIONS, encoding='utf-8') as f:
        return yaml.safe_load(f)


def explained_codes() -> list[str]:
    """The codes ``explanations.yaml`` explains, in file order."""
    return list(_texts())


def explain(code: str) -> Explanation:
    """The explanation of one code; :class:`UnknownCodeError` if none."""
    codes = registered_codes()
    key = code.strip().upper()
    info, text = codes.get(key), _texts().get(key)
    if info is None or text is None:
        raise exceptions.UnknownCodeError(
            code, difflib.get_close_matches(key, sorted(codes), n=3))
    return Explanation(code=key, severity=info.severity,
                       meaning=info.meaning, why=text['why'].strip(),
                       example=text['example'].rstrip('\n'),
                       fix=_sentence(info.hint))


def explain_all() -> list[Explanation]:
    """Every registered code's explanation, sorted by code."""
    return [explain(code) for code in sorted(registered_codes())]


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ('' if text.endswith('.') else '.')


def render_text(exp: Explanation) -> str:
    """The plain-text form ``osmigcfg explain`` prints."""
    indent = '    '
    example = '\n'.join(indent + line for line in exp.example.splitlines())
    return (f'{exp.code} ({exp.severity}) - {exp.family}\n\n'
            f'{_sentence(exp.meaning)}\n\n'
            f'Why it matters:\n{_wrap(exp.why, indent)}\n\n'
            f'Example:\n{example}\n\n'
            f'Fix:\n{_wrap(exp.fix, indent)}\n')


def render_markdown(exp: Explanation) -> str:
    """The Markdown page of one code (the documentation's code pages)."""
    return (f'# {exp.code}: {exp.meaning}\n\n'
            f'**Severity:** {exp.severity} · **Reported by:** {exp.family}\n\n'
            f'## Why it matters\n\n{exp.why}\n\n'
            f'## Example\n\n```text\n{exp.example}\n```\n\n'
            f'## Fix\n\n{exp.fix}\n\n'
            f'On the command line: `osmigcfg explain {exp.code}`.\n')


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, 76, initial_indent=indent,
                         subsequent_indent=indent)
