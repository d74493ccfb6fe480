"""The call table still matches the installed Nova's source.

Every function ``policies/migration-calls-nova-<release>.yaml`` cites must
exist in the installed Nova of that release and contain the code fragments
recorded for it; a Nova that stops making a listed call fails here.
"""

import importlib.metadata
import shutil

import pytest

from osmigcfg import readiness
from osmigcfg.readiness import nova_source
from tests.conftest import require_or_skip

pytestmark = pytest.mark.nova


@pytest.fixture(scope='module')
def installed():
    """(nova package dir, call table of the installed Nova's release)."""
    nova_dir = nova_source.installed_nova_dir()
    if nova_dir is None:
        require_or_skip("nova is not installed (pip install '.[rehearse]')")
    release = int(importlib.metadata.version('nova').split('.')[0])
    if release not in readiness.known_releases():
        pytest.fail(f'no migration call table for the installed Nova '
                    f'{release}: derive policies/migration-calls-nova-'
                    f'{release}.yaml from its source')
    return nova_dir, readiness.load_calls(release)


def test_installed_nova_still_makes_every_listed_call(installed):
    nova_dir, table = installed
    assert nova_source.source_errors(table, nova_dir=nova_dir) == []


def test_a_nova_without_the_activate_call_fails_the_check(installed,
                                                          tmp_path):
    nova_dir, table = installed
    copy = tmp_path / 'nova'
    shutil.copytree(nova_dir, copy, ignore=shutil.ignore_patterns(
        '__pycache__', 'tests', '*.json', 'locale'))
    neutron = copy / 'network' / 'neutron.py'
    text = neutron.read_text()
    assert "client.activate_port_binding(vif['id'], dest_host)" in text
    neutron.write_text(text.replace(
        "client.activate_port_binding(vif['id'], dest_host)", 'None'))
    errors = nova_source.source_errors(table, nova_dir=copy)
    activating = [c.id for c in table.calls if 'activate' in c.rules]
    assert activating and errors == [
        f"call {cid}: nova.network.neutron:API.migrate_instance_start no "
        f"longer contains \"client.activate_port_binding(vif['id'], "
        f"dest_host)\"" for cid in activating]
