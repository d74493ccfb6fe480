"""Fuzz each reader directly (no CLI): osmigcfg errors or findings only.

The CLI families go through ``main``; these run the readers alone, many
more cases per second, on the same spoiled inputs.
"""

from hypothesis import given
from hypothesis import strategies as st

from osmigcfg import exceptions
from osmigcfg import inputs
from osmigcfg.config import certfiles
from osmigcfg.config import inventory
from osmigcfg.config import readers
from osmigcfg.crosscloud import documents
from osmigcfg.engine import events
from osmigcfg.policy import source
from tests.fuzz import harness
from tests.fuzz import mutations
from tests.fuzz import test_fuzz_config
from tests.fuzz import test_fuzz_crosscloud
from tests.fuzz import test_fuzz_policy

SEEDS = (test_fuzz_policy.SEEDS + list(test_fuzz_config.SETTINGS.values())
         + test_fuzz_config.INVENTORIES
         + list(test_fuzz_crosscloud.SEEDS.values())
         + ['{"ts": 1, "kind": "item.started", "item": "a"}\n'])


def _policy(path):
    source.read_policy_file(path)


def _settings(path, fmt):
    readers.read_file(path, fmt)


def _inventory(path):
    inventory.load_inventory(path)


def _document(path):
    document, found = documents.parse_document(inputs.read_text(path), path)
    assert all(f.code.startswith('XCL') for f in found)


def _events(path):
    events.read_events(path)


def _certificate(path):
    loaded = certfiles.load_host_files(path.parent, 'qemu', 'h',
                                       ['ca', 'server-key'])
    assert all(f.code.startswith('CFG') for f in loaded.findings)


READERS = {'policy': _policy, 'inventory': _inventory,
           'document': _document, 'events': _events,
           'yaml': lambda p: inputs.load_yaml(inputs.read_text(p), p)}
READERS.update({f'settings:{fmt}': (lambda p, f=fmt: _settings(p, f))
                for fmt in readers.FORMATS})


@harness.fuzz_settings(share=6.0)
@given(data=mutations.inputs(SEEDS), reader=st.sampled_from(sorted(READERS)))
def test_readers_raise_only_osmigcfg_errors(tmp_path, data, reader):
    path = tmp_path / 'input.yaml'
    path.write_bytes(data)
    try:
        READERS[reader](path)
    except exceptions.OsmigcfgError as e:
        assert not isinstance(e, exceptions.InternalError)


@harness.fuzz_settings(share=1.0)
@given(data=mutations.inputs(
    [b'-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
     b'-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n']))
def test_the_certificate_reader_returns_findings(tmp_path, data):
    (tmp_path / 'ca-cert.pem').write_bytes(data)
    (tmp_path / 'server-key.pem').write_bytes(data)
    _certificate(tmp_path / 'ca-cert.pem')
