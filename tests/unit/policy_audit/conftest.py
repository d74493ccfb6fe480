import pytest

from osmigcfg.policy import catalog

#: What MOSK's presets write into policy.d/01-controller-default.yaml.
MOSK_PRESET = (f'"{catalog.MIGRATE}": "rule:project_member_or_admin"\n'
               f'"{catalog.MIGRATE_LIVE}": "rule:project_member_or_admin"\n')
LIVE_ONLY = f'"{catalog.MIGRATE_LIVE}": "rule:project_member_or_admin"\n'


@pytest.fixture
def mosk_dir(write):
    """A policy.d holding MOSK's preset migrate overrides."""
    return write('policy.d/01-controller-default.yaml', MOSK_PRESET).parent
