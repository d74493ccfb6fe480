"""The shipped Neutron and Cinder catalogs equal the installed services'.

The local clouds' virtualenv holds real Neutron and Cinder; we dump their
registered policy defaults in that virtualenv's Python and compare them with
the shipped catalog of the matching release.  No cloud is started.
"""

import json
import subprocess

import pytest

from osmigcfg import exceptions
from osmigcfg.sandbox import clouds
from tests.conftest import require_or_skip
from tests.functional.test_service_catalogs import check_installed
from tests.functional.test_service_catalogs import shipped_catalog_of

pytestmark = pytest.mark.clouds

_DISTS = {'neutron': 'neutron', 'cinder': 'cinder'}


def _clouds_python():
    try:
        return clouds.find_venv() / 'bin' / 'python'
    except exceptions.SandboxError as e:
        require_or_skip(f'local clouds virtualenv unavailable: {e}')


@pytest.mark.parametrize('service', sorted(_DISTS))
def test_catalog_matches_the_clouds_installed_service(service):
    python = _clouds_python()
    version = json.loads(subprocess.run(
        [str(python), '-c', 'import importlib.metadata as m, json; '
         f'print(json.dumps(m.version({_DISTS[service]!r})))'],
        check=True, capture_output=True, text=True).stdout)
    cat = shipped_catalog_of(service, version)
    code, out = check_installed(service, python=str(python))
    assert code == 0, out
    assert (f'{service}-{cat.release}.yaml: {len(cat.rules)} rules of '
            f'installed {service} {version}, 0 differ') in out
