"""The shipped Placement catalog equals the installed Placement's defaults.

(Neutron's and Cinder's are checked in the local clouds' virtualenv:
``tests/crosscloud/test_service_catalogs.py``.)
"""

import importlib.metadata
import importlib.util
import pathlib
import re
import subprocess
import sys

import pytest
import yaml

from osmigcfg.policy import catalog
from tests.conftest import require_or_skip

ROOT = pathlib.Path(__file__).parents[2]
REGENERATE = ROOT / 'policies' / 'regenerate.py'
pytestmark = pytest.mark.nova


def check_installed(service, *, python=sys.executable, catalog_dir=None):
    """Run ``regenerate.py --check-installed``; (returncode, stdout)."""
    argv = [sys.executable, str(REGENERATE), '--check-installed',
            '--service', service, '--python', python]
    if catalog_dir:
        argv += ['--catalog-dir', str(catalog_dir)]
    proc = subprocess.run(argv, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def shipped_catalog_of(service, version):
    """The shipped catalog whose service version has this major."""
    major = version.split('.')[0]
    for release in catalog.known_releases(service):
        cat = catalog.load_catalog(release, service)
        if cat.service_version.split('.')[0] == major:
            return cat
    pytest.fail(f'no shipped {service} catalog for installed {version}')


def _require_placement():
    if importlib.util.find_spec('placement') is None:
        require_or_skip('openstack-placement is not installed '
                        "(pip install '.[rehearse]')")
    return importlib.metadata.version('openstack-placement')


def test_placement_catalog_matches_installed_placement_defaults():
    version = _require_placement()
    cat = shipped_catalog_of('placement', version)
    code, out = check_installed('placement')
    assert code == 0, out
    assert (f'placement-{cat.release}.yaml: {len(cat.rules)} rules of '
            f'installed placement {version}, 0 differ') in out


def test_check_reports_a_rule_the_catalog_has_wrong(tmp_path):
    version = _require_placement()
    cat = shipped_catalog_of('placement', version)
    name = f'placement-{cat.release}.yaml'
    data = yaml.safe_load((ROOT / 'policies' / name).read_text())
    data['rules']['placement:reshaper:reshape']['check_str'] = 'role:admin'
    (tmp_path / name).write_text(yaml.safe_dump(data))
    code, out = check_installed('placement', catalog_dir=tmp_path)
    assert code == 1
    assert re.search(r'^differs: placement:reshaper:reshape$', out, re.M)
    assert ', 1 differ' in out
