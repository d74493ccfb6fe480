"""Fuzz ``import plan`` and ``status`` with spoiled cross-cloud documents.

Offline: without ``--dst-cloud`` ``import plan`` only reads and checks the
documents, which is where hostile files arrive.
"""

from hypothesis import given
from hypothesis import strategies as st
import yaml

from osmigcfg import crosscloud
from osmigcfg.crosscloud import model
from tests.fuzz import harness
from tests.fuzz import mutations
from tests.unit.crosscloud.conftest import document_text
from tests.unit.crosscloud.conftest import network
from tests.unit.crosscloud.conftest import subnet


def _volume(name):
    return {'source': {'name': name, 'project': 'demo'},
            'params': {'name': name, 'size': 1, 'metadata': {'k': 'v'}},
            'info': {'status': 'available'}, 'migration': {}}


SEEDS = {
    'networks.yaml': document_text('network', [network('n1', mtu=1400),
                                               network('n2')]),
    'subnets.yaml': document_text('subnet', [subnet('s1', 'n1')]),
    'volumes.yaml': document_text('volume', [_volume('v1')],
                                  exported_from={'cloud': 'src'}),
}
KEYS = ['source', 'params', 'info', 'migration', 'name', 'project', 'ref',
        'network', 'mtu', 'size', 'cidr', 'ip_version', 'type', 'resources']
values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(
        st.sampled_from(KEYS), inner, max_size=5)), max_leaves=20)
documents = st.fixed_dictionaries({
    model.VERSION_KEY: st.sampled_from([1, 1, 2, '1', None]),
    'type': st.sampled_from(sorted(crosscloud.REGISTRY) + ['nope']),
    'resources': st.one_of(st.lists(values, max_size=4), values),
}).map(lambda d: yaml.safe_dump(d, sort_keys=False))


@harness.fuzz_settings(share=1.5)
@given(name=st.sampled_from(sorted(SEEDS)), data=st.data(),
       command=st.sampled_from([['import', 'plan'], ['import', 'plan'],
                                ['status']]))
def test_document_commands_survive_spoiled_documents(tmp_path, name, data,
                                                     command):
    for seed_name, text in SEEDS.items():
        (tmp_path / seed_name).write_text(text)
    (tmp_path / name).write_bytes(data.draw(mutations.inputs(
        [SEEDS[name]], documents)))
    harness.run(*command, tmp_path).check()
