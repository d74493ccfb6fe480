"""Reading and writing documents: format, version, every problem listed."""

import pytest

from osmigcfg import exceptions
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import documents
from osmigcfg.crosscloud import model
from tests.unit.crosscloud.conftest import document_text
from tests.unit.crosscloud.conftest import network
from tests.unit.crosscloud.conftest import subnet


def _codes(report):
    return sorted(f.code for f in report)


def test_written_documents_read_back_identically(tmp_path):
    entry = model.Entry('network', {'name': 'n1', 'project': 'demo',
                                    'id': 'abc'}, {'name': 'n1', 'mtu': 1400},
                        {'status': 'ACTIVE'}, {})
    doc = model.Document('network', [entry], {'cloud': 'src'})
    written = documents.write_documents(tmp_path, [doc])
    assert [p.name for p in written] == ['networks.yaml']
    assert (tmp_path / 'networks.yaml').read_text().startswith(
        '# osmigcfg cross-cloud document (format version 1)')
    back, report = documents.read_directory(tmp_path)
    assert not list(report)
    assert back[0].entries[0].to_yaml() == entry.to_yaml()
    assert back[0].entries[0].line == 11  # the "- source:" line


def test_unchanged_document_is_not_rewritten(tmp_path):
    doc = model.Document('network', [model.Entry(
        'network', {'name': 'n1'}, {'name': 'n1'})])
    assert documents.write_documents(tmp_path, [doc])
    assert documents.write_documents(tmp_path, [doc]) == []


def test_version_mismatch_is_refused_with_the_version_we_read(docs):
    directory = docs('n.yaml', document_text('network', [network('n1')],
                                             version=2))
    found, report = documents.read_directory(directory)
    assert found == []
    [finding] = list(report)
    assert finding.code == codes.VERSION_MISMATCH
    assert 'format version 2' in finding.message
    assert 'reads version 1' in finding.message


def test_missing_version_is_refused(docs):
    directory = docs('n.yaml', 'type: network\nresources: []\n')
    _, report = documents.read_directory(directory)
    assert _codes(report) == [codes.VERSION_MISMATCH]


def test_unknown_type_lists_the_known_types(docs):
    directory = docs('x.yaml', document_text('loadbalancer', []))
    _, report = documents.read_directory(directory)
    [finding] = list(report)
    assert finding.code == codes.UNKNOWN_TYPE
    assert 'network' in finding.hint and 'volume' in finding.hint


def test_invalid_yaml_names_the_line(docs):
    directory = docs('bad.yaml', 'type: network\nresources: [\n  - a: b\n')
    _, report = documents.read_directory(directory)
    [finding] = list(report)
    assert finding.code == codes.YAML_ERROR
    assert finding.location.line is not None


def test_every_problem_of_every_file_is_listed(docs):
    docs('a.yaml', 'not: [valid')
    docs('b.yaml', document_text('network', [], version=9))
    docs('c.yaml', document_text('nope', []))
    directory = docs('d.yaml', document_text('subnet', [
        subnet('s1', 'n1', mtu=3),
        {'source': {'name': 's2'}, 'params': {'name': 's2'}},
    ]))
    _, report = documents.read_directory(directory)
    assert _codes(report) == sorted([
        codes.YAML_ERROR, codes.VERSION_MISMATCH, codes.UNKNOWN_TYPE,
        codes.UNKNOWN_FIELD, codes.MISSING_FIELD, codes.MISSING_FIELD,
        codes.MISSING_FIELD])


def test_invalid_entries_are_left_out_valid_ones_kept(docs):
    directory = docs('n.yaml', document_text('network', [
        network('good'), network('bad', mtu='big')]))
    found, report = documents.read_directory(directory)
    assert [e.name for e in found[0].entries] == ['good']
    assert _codes(report) == [codes.BAD_VALUE]
    assert next(iter(report)).location.subject == 'network bad'


@pytest.mark.parametrize('text, message', [
    ('- 1\n', 'a document is a mapping'),
    (document_text('network', {'a': 1}), 'resources: expected a list'),
    (document_text('network', [], extra_key=1), 'unknown top-level key'),
    (document_text('network', [{'source': {'name': 'n'}, 'params': {},
                                'notes': 'x'}]), 'unknown key(s) notes'),
    (document_text('network', ['n1']), 'a resource is a mapping'),
    (document_text('network', [{'params': {'name': 'n'}}]),
     'needs source and params'),
])
def test_shape_errors_are_findings(docs, text, message):
    _, report = documents.read_directory(docs('n.yaml', text))
    assert any(message in f.message for f in report), [
        f.message for f in report]


def test_missing_directory_and_empty_directory_raise(tmp_path):
    with pytest.raises(exceptions.FileReadError):
        documents.read_directory(tmp_path / 'nope')
    with pytest.raises(exceptions.FileReadError, match='no \\*.yaml'):
        documents.read_directory(tmp_path)


def test_non_utf8_file_is_a_finding(docs, tmp_path):
    docs('n.yaml', document_text('network', [network('n1')]))
    (tmp_path / 'z.yaml').write_bytes(b'\xff\xfe type: x')
    found, report = documents.read_directory(tmp_path)
    assert _codes(report) == [codes.UNREADABLE]
    assert len(found) == 1


def test_every_xcl_code_is_documented_in_the_readme():
    import pathlib
    from osmigcfg import findings
    readme = (pathlib.Path(__file__).parents[3] / 'doc' / 'source' / 'user'
              / 'crosscloud-reference.md').read_text()
    missing = [c for c in findings.CODES
               if c.startswith('XCL') and f'`{c}`' not in readme]
    assert not missing, missing
