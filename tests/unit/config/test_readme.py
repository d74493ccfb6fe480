"""The config reference's CFG code table and the registered codes stay
in step (the table moved from the README into the docs)."""

import pathlib
import re

from osmigcfg import findings
import osmigcfg.config.codes  # noqa: F401

README = (pathlib.Path(__file__).parents[3] / 'doc' / 'source' / 'user'
          / 'config-reference.md')
SECTION = '# Live-migration and TLS settings (osmigcfg config)'


def test_readme_table_lists_every_cfg_code_with_its_severity_and_meaning():
    text = README.read_text()
    assert SECTION in text
    rows = re.findall(r'^\| `(CFG\d{3})` \| (\w+) \| (.+) \|$', text, re.M)
    listed = {code: (severity, meaning) for code, severity, meaning in rows}
    registered = {code: (info.severity, info.meaning)
                  for code, info in findings.CODES.items()
                  if code.startswith('CFG')}
    assert listed == registered


def test_readme_names_every_config_command():
    text = README.read_text().split(SECTION, 1)[1]
    for command in ('render', 'validate', 'convert', 'check-hosts',
                    'check-tls', 'profiles'):
        assert f'osmigcfg config {command}' in text
