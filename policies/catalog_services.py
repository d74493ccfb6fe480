"""Which release of each service matches which Nova release, and how to
load each service's policy package from its wheel.

Catalogs are named by the Nova release they go with (``neutron-34.yaml``
is the Neutron of Nova 34's series); each file records the service's own
version and the series.

How the series mapping was established (from the packages themselves):

* Nova: the existing catalogs (nova 31 = 2025.1 Epoxy ... 34 = 2026.2).
* Neutron: every neutron wheel defines one ``RELEASE_<series>`` constant
  per series up to its own in ``neutron/db/migration/__init__.py``; the
  newest is ``RELEASE_2025_1`` in 26.0.6, ``RELEASE_2025_2`` in 27.0.4,
  ``RELEASE_2026_1`` in 28.0.2 and ``RELEASE_2026_2`` in 29.0.0.
* Cinder: the pbr ``ChangeLog`` of the cinder 29.0.0 sdist: the first
  commit after the tag 26.0.0.0rc1 is "Update master for stable/2025.1",
  after 27.0.0 "... stable/2025.2", after 28.0.0.0rc1 "... stable/2026.1";
  29.0.0 itself carries "Update .gitreview for stable/2026.2".
* Placement: the ``ChangeLog`` of the openstack-placement 16.0.0 sdist:
  tag 13.0.0 is followed by "Update master for stable/2025.1", 14.0.0 by
  "... stable/2025.2", 15.0.0 by "... stable/2026.1"; 16.0.0 is next.

Each release uses the newest bugfix version on PyPI at generation time.
Neutron's policies read rule names from neutron-lib; we take the newest
bugfix of the minimum the neutron wheel requires (``>=3.17.0`` ->
``~=3.17.0``).  Dumping neutron 26.0.6 with neutron-lib 3.18.3 and 27.0.4
with 3.22.0 instead gave the same rules, so the choice does not matter today.
"""

import dataclasses

#: Nova release -> OpenStack series.
SERIES = {
    29: '2024.1', 30: '2024.2', 31: '2025.1', 32: '2025.2',
    33: '2026.1', 34: '2026.2',
}


@dataclasses.dataclass(frozen=True)
class Service:
    """One service: its dist, policy module and per-Nova-release versions."""

    name: str
    dist: str          # the PyPI distribution
    module: str        # the package whose list_rules() we dump
    releases: dict     # Nova release -> the service version to dump
    #: extra libraries the policy package imports, each
    #: (dist, [paths to extract], [stub packages]); their version is the
    #: newest bugfix of the minimum the service wheel requires.
    libraries: tuple = ()

    @property
    def paths(self):
        return [self.module.replace('.', '/') + '/']

    @property
    def stubs(self):
        """Parent packages of the policy module, as empty stubs."""
        parts = self.module.split('.')[:-1]
        return ['/'.join(parts[:i + 1]) for i in range(len(parts))]


NOVA = Service('nova', 'nova', 'nova.policies', {
    29: '29.4.0',   # 2024.1 Caracal
    30: '30.3.0',   # 2024.2 Dalmatian
    31: '31.3.1',   # 2025.1 Epoxy
    32: '32.2.1',   # 2025.2 Flamingo: migrate/migrate_live -> manager
    33: '33.0.2',   # 2026.1 Gazpacho
    34: '34.0.0',   # 2026.2 Hibiscus
})

NEUTRON = Service(
    'neutron', 'neutron', 'neutron.conf.policies',
    {31: '26.0.6', 32: '27.0.4', 33: '28.0.2', 34: '29.0.0'},
    # neutron's policies use neutron_lib.policy's rule names and constants
    libraries=(('neutron-lib',
                ['neutron_lib/policy/', 'neutron_lib/constants.py'],
                ['neutron_lib']),))

CINDER = Service('cinder', 'cinder', 'cinder.policies',
                 {31: '26.3.0', 32: '27.0.0', 33: '28.0.0', 34: '29.0.0'})

PLACEMENT = Service(
    'placement', 'openstack-placement', 'placement.policies',
    {31: '13.0.1', 32: '14.0.0', 33: '15.0.0', 34: '16.0.0'})

SERVICES = {s.name: s for s in (NOVA, NEUTRON, CINDER, PLACEMENT)}
