"""Sphinx configuration: `sphinx-build -W -b html doc/source doc/build/html`."""

import pathlib
import sys

# document the tree being built, not whatever osmigcfg is installed
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from osmigcfg import explain  # noqa: E402

project = 'osmigcfg'
extensions = ['myst_parser', 'sphinx.ext.autodoc', 'sphinx.ext.napoleon',
              'cliff.sphinxext']
# the docstrings are Google style (Args:, Returns:, Raises:)
napoleon_numpy_docstring = False
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
exclude_patterns = []
html_theme = 'alabaster'
autoprogram_cliff_application = 'osmigcfg'

# one page per finding code, from the same source as `osmigcfg explain`
_codes = pathlib.Path(__file__).parent / 'codes'
_codes.mkdir(exist_ok=True)  # generated, gitignored: absent in a fresh clone
for _exp in explain.explain_all():
    _page = _codes / f'{_exp.code}.md'
    _text = explain.render_markdown(_exp)
    if not _page.exists() or _page.read_text() != _text:
        _page.write_text(_text)
