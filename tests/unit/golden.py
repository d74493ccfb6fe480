"""Exact-text golden files: compare, or rewrite with OSMIGCFG_UPDATE_GOLDEN=1."""

import os
import pathlib


def assert_golden(directory, name, text):
    path = pathlib.Path(directory) / 'golden' / name
    if os.environ.get('OSMIGCFG_UPDATE_GOLDEN') == '1':
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    expected = path.read_text()
    assert text == expected, f'{name} differs from its golden file'
