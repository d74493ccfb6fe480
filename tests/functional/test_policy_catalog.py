"""The shipped Nova 34 catalog equals the installed Nova 34's defaults."""

import importlib.util
import pathlib
import subprocess
import sys

import pytest

from tests.conftest import require_or_skip

ROOT = pathlib.Path(__file__).parents[2]
pytestmark = pytest.mark.nova


def test_catalog_matches_installed_nova_registered_defaults():
    if importlib.util.find_spec('nova') is None:
        require_or_skip("nova is not installed (pip install '.[rehearse]')")
    proc = subprocess.run(
        [sys.executable, str(ROOT / 'policies' / 'regenerate.py'),
         '--check-installed'], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'nova-34.yaml: 214 rules of installed nova 34.0.0, 0 differ' in (
        proc.stdout)
