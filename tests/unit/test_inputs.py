"""The bounded reader and the alias-free YAML loader."""

import io
import os
import sys

import pytest
import yaml

from osmigcfg import exceptions
from osmigcfg import inputs
from osmigcfg.config import inventory
from osmigcfg.config import readers
from osmigcfg.crosscloud import documents
from osmigcfg.policy import source


def test_reads_a_regular_file_under_the_cap(tmp_path):
    path = tmp_path / 'f.yaml'
    path.write_text('a: é\n')
    assert inputs.read_text(path) == 'a: é\n'


def test_a_file_over_the_cap_is_refused_by_its_size(tmp_path):
    path = tmp_path / 'f.yaml'
    path.write_bytes(b'x' * 2048)
    with inputs.input_size_limit(1024):
        with pytest.raises(exceptions.FileReadError) as error:
            inputs.read_bytes(path)
    assert str(error.value) == (
        f'{path}: cannot read: is 2 KiB, more than the 1 KiB an input may '
        'be (give a smaller file, or raise --max-input-size)')
    assert inputs.max_input_size() == inputs.DEFAULT_MAX_INPUT_SIZE
    assert len(inputs.read_bytes(path)) == 2048


@pytest.mark.parametrize('make, kind', [
    (lambda p: os.mkfifo(p), 'a FIFO'),
    (lambda p: p.mkdir(), 'a directory'),
])
def test_only_regular_files_are_opened(tmp_path, make, kind):
    path = tmp_path / 'x'
    make(path)
    with pytest.raises(exceptions.FileReadError) as error:
        inputs.read_bytes(path)
    assert error.value.reason == f'is {kind}, not a regular file'


def test_dev_zero_is_refused_without_reading():
    with pytest.raises(exceptions.FileReadError) as error:
        inputs.read_text('/dev/zero')
    assert error.value.reason == 'is a character device, not a regular file'


def test_a_symlink_to_a_regular_file_is_read(tmp_path):
    (tmp_path / 'real').write_text('x')
    (tmp_path / 'link').symlink_to(tmp_path / 'real')
    assert inputs.read_text(tmp_path / 'link') == 'x'


def test_stdin_only_where_the_caller_allows_it(monkeypatch):
    monkeypatch.setattr(sys, 'stdin', io.TextIOWrapper(io.BytesIO(b'a: 1')))
    assert inputs.read_text('-', allow_stdin=True) == 'a: 1'
    with pytest.raises(exceptions.FileReadError):
        inputs.read_text('-')


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / 'f'
    path.write_bytes(b'a: 1\nb: \xff\n')
    with pytest.raises(exceptions.FileReadError) as error:
        inputs.read_text(path)
    assert error.value.reason == 'line 2: not UTF-8 text (byte 8)'


@pytest.mark.parametrize('text, line, reason', [
    ('a: 1\nb: &x [1]\nc: *x\n', 2, 'YAML anchor &x is not accepted'),
    ('a: 1\nc: *x\n', 2, 'YAML alias *x is not accepted'),
    ('[' * 101 + ']' * 101, 1, 'nested deeper than 100 levels'),
    ('a: 1\nd: 2024-13-45\n', 2, 'not valid YAML: ValueError: month must '
                                 'be in 1..12'),
    ('a: [1\n', 2, "not valid YAML: did not find expected ',' or ']'"),
    ('? [a]\n: 1\n', 1, 'not valid YAML: found unhashable key'),
])
def test_yaml_problems_name_the_line(text, line, reason):
    with pytest.raises(exceptions.YamlDocumentError) as error:
        inputs.load_yaml(text, 'f.yaml')
    assert (error.value.line, error.value.reason) == (line, reason)


def test_yaml_without_anchors_loads_as_pyyaml_does():
    text = 'a: [1, {b: c}]\nd: 2024-01-02\ne: "x"\n'
    assert inputs.load_yaml(text, 'f') == yaml.safe_load(text)


def _alias_text():
    return 'base: &b {x: 1}\nother: *b\n'


def test_every_reader_refuses_aliases_with_its_own_error(tmp_path):
    with pytest.raises(exceptions.PolicyFileError, match=r'^p:1: YAML '
                       r'anchor &b'):
        source.parse_policy_text(_alias_text(), 'p')
    with pytest.raises(exceptions.ConfigFileError, match=r'^c:1: YAML '
                       r'anchor &b'):
        readers.read_text(_alias_text(), 'c', 'mosk')
    with pytest.raises(exceptions.InventoryError, match=r'^i:1: YAML '
                       r'anchor &b'):
        inventory.parse_inventory(_alias_text(), 'i')
    document, [finding] = documents.parse_document(_alias_text(), 'd')
    assert document is None
    assert (finding.code, finding.message) == (
        'XCL101', 'YAML anchor &b is not accepted')
    assert finding.location.line == 1


def test_policy_files_parse_as_oslo_policy_parses_them():
    # libyaml accepts a byte-order mark inside a document; PyYAML, which
    # oslo.policy uses, does not: both must refuse it
    with pytest.raises(exceptions.PolicyFileError, match=r'^p:3: '):
        source.parse_policy_text('a: "@"\n\ufeff\n', 'p')
