"""Fuzz the document reader: any text or structure gives findings, never
an unexpected exception."""

import string

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
import yaml

from osmigcfg import crosscloud
from osmigcfg.crosscloud import documents
from osmigcfg.crosscloud import model

KEYS = ['source', 'params', 'info', 'migration', 'name', 'project', 'ref',
        'network', 'mtu', 'rules', 'password', 'keep_mac', 'fixed_ips',
        'size', 'volume_type', 'cidr', 'ip_version', 'x']
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(
    max_size=12), st.sampled_from(sorted(crosscloud.REGISTRY)))
values = st.recursive(
    scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=25)
documents_data = st.fixed_dictionaries({
    model.VERSION_KEY: st.sampled_from([1, 1, 1, 2, '1', None]),
    'type': st.sampled_from(sorted(crosscloud.REGISTRY) + ['nope', None]),
    'resources': st.one_of(st.lists(values, max_size=4), values),
})
texts = st.one_of(
    st.text(alphabet=string.printable, max_size=300),
    documents_data.map(lambda d: yaml.safe_dump(d, sort_keys=False)),
    values.map(yaml.safe_dump),
)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(text=texts)
def test_parse_document_never_raises(text):
    document, errors = documents.parse_document(text, 'f.yaml')
    assert all(f.code.startswith('XCL') for f in errors)
    if document is not None:
        assert all(isinstance(e, model.Entry) for e in document.entries)
