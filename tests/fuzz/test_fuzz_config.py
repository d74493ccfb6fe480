"""Fuzz the config commands with spoiled settings files and inventories."""

import pathlib

from hypothesis import given
from hypothesis import strategies as st
import yaml

from osmigcfg.config import readers
from tests.fuzz import harness
from tests.fuzz import mutations

GOLDEN = pathlib.Path(__file__).parents[1] / 'unit' / 'config' / 'golden'
#: name of the seed file (its name decides format detection) -> its text
SETTINGS = {p.name.split('.', 1)[1]: p.read_text()
            for p in sorted(GOLDEN.glob('secure.*'))
            if 'inventory' not in p.name}
INVENTORIES = [
    'migration_network: 10.20.0.0/24\nhosts:\n'
    '  cmp-001: {interface: ens4, address: 10.20.0.11}\n'
    '  cmp-002: {interface: ens4, address: 10.20.0.12}\n'
    '  cmp-003: {interface: ens5, address: 10.20.0.13, '
    'inbound_addr: 10.20.0.23}\n',
    'cert_dir: /srv/pki/{name}\nhosts:\n'
    '  - name: cmp-001\n    interface: ens4\n    address: 10.20.0.11\n'
    '    hostname: cmp-001.example.net\n'
    '  - name: cmp-002\n    interface: eth1\n    address: fd00::12\n',
]
TARGETS = ['nova-conf', 'mosk', 'helm', 'kolla-globals', 'osa', 'qemu']
scalars = st.one_of(st.none(), st.booleans(), st.integers(),
                    st.floats(allow_nan=False), st.text(max_size=12))
trees = st.recursive(scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=3),
    st.dictionaries(st.one_of(st.sampled_from(
        ['hosts', 'name', 'interface', 'address', 'inbound_addr', 'conf',
         'spec', 'features', 'nova', 'libvirt', 'tls', 'enabled',
         'live_migration_scheme', 'migration_network', 'cert_dir']),
        st.text(max_size=6)), kids, max_size=4)), max_leaves=15)


@harness.fuzz_settings(share=2.0)
@given(seed=st.sampled_from(sorted(SETTINGS)), data=st.data(),
       fmt=st.sampled_from(['auto', 'auto'] + list(readers.FORMATS)),
       command=st.sampled_from(['validate', 'convert']))
def test_config_commands_survive_spoiled_settings_files(
        tmp_path, seed, data, fmt, command):
    text = data.draw(mutations.inputs([SETTINGS[seed]], trees.map(
        yaml.safe_dump)))
    path = tmp_path / seed
    path.write_bytes(text)
    argv = ['config', command, '--format', fmt, path]
    if command == 'convert':
        argv += ['--to', data.draw(st.sampled_from(TARGETS))]
    harness.run(*argv).check()


@harness.fuzz_settings(share=1.5)
@given(data=mutations.inputs(INVENTORIES, trees.map(yaml.safe_dump)),
       command=st.sampled_from([
           ['config', 'check-hosts', '{i}'],
           ['config', 'render', '--profile', 'secure', '--format', 'helm',
            '--inventory', '{i}'],
           ['config', 'render', '--profile', 'secure', '--format',
            'nova-conf', '--inventory', '{i}', '--host', 'cmp-001'],
           ['config', 'check-tls', '--inventory', '{i}'],
       ]))
def test_inventory_commands_survive_spoiled_inventories(tmp_path, data,
                                                        command):
    path = tmp_path / 'inventory.yaml'
    path.write_bytes(data)
    harness.run(*[a.format(i=path) for a in command]).check()


PROFILES = [p.read_text() for p in sorted(
    (pathlib.Path(__file__).parents[2] / 'policies' / 'config-profiles')
    .glob('*.yaml'))]


@harness.fuzz_settings(share=0.7)
@given(data=mutations.inputs(PROFILES, trees.map(yaml.safe_dump)),
       fmt=st.sampled_from(TARGETS))
def test_config_render_survives_spoiled_profile_files(tmp_path, data, fmt):
    path = tmp_path / 'profile.yaml'
    path.write_bytes(data)
    harness.run('config', 'render', '--profile', path, '--format',
                fmt).check()
