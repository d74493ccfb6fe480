"""Reading policy files and policy.d directories, keeping line numbers.

oslo.policy reads a policy file with ``yaml.safe_load`` and throws the
positions away; validators need them.  We compose the YAML node tree once
and keep, per rule, the file and line where it is defined.  The merge order
is oslo.policy's: the policy file, then each policy directory in the order
given, each directory's files sorted by name, dot-files skipped.
"""

import dataclasses
import os
import pathlib

import yaml

from osmigcfg import exceptions
from osmigcfg import inputs


@dataclasses.dataclass(frozen=True)
class PolicyEntry:
    name: str
    check_str: str
    file: str
    line: int


@dataclasses.dataclass
class PolicySource:
    """One policy file: its entries in order, and what was odd about it."""

    path: str
    entries: dict = dataclasses.field(default_factory=dict)
    duplicates: list = dataclasses.field(default_factory=list)
    bad_values: list = dataclasses.field(default_factory=list)


def _mark_line(node):
    return node.start_mark.line + 1 if node.start_mark else None


def parse_policy_text(text, path='<policy>'):
    """Parse policy text into a PolicySource.

    Raises PolicyFileError (with the line) when the text is not YAML (or
    uses YAML anchors/aliases, see :mod:`osmigcfg.inputs`) or not a
    mapping.  Duplicate keys and non-string values are recorded on the
    source (oslo.policy would silently keep the last / fail on them) so that
    a validator can report every one of them.
    """
    try:
        # oslo.policy loads with yaml.safe_load (PyYAML's pure-Python
        # parser); libyaml accepts texts it refuses (a BOM inside, tabs)
        root = inputs.compose_yaml(text, path, loader=yaml.SafeLoader)
    except exceptions.YamlDocumentError as e:
        raise exceptions.PolicyFileError(path, e.line, e.reason) from None
    source = PolicySource(path=str(path))
    if root is None:
        return source
    if not isinstance(root, yaml.MappingNode):
        raise exceptions.PolicyFileError(
            path, _mark_line(root),
            'the top level is not a mapping of rule name to check string')
    for key_node, value_node in root.value:
        _add_entry(source, key_node, value_node)
    return source


_NODE_KINDS = {yaml.SequenceNode: 'list', yaml.MappingNode: 'mapping'}


def _node_kind(node):
    """``list``, ``mapping`` or a scalar's tag (``int``, ``timestamp``)."""
    return _NODE_KINDS.get(type(node)) or node.tag.rsplit(':', 1)[-1]


def _add_entry(source, key_node, value_node):
    line = _mark_line(key_node)
    if (not isinstance(key_node, yaml.ScalarNode)
            or key_node.tag != 'tag:yaml.org,2002:str'):
        shown = (key_node.value[:40] if isinstance(key_node, yaml.ScalarNode)
                 else f'a {_node_kind(key_node)}')
        source.bad_values.append((shown, line, 'rule name is a '
                                  f'{_node_kind(key_node)}, not a string'))
        return
    name = key_node.value
    if (not isinstance(value_node, yaml.ScalarNode)
            or value_node.tag not in ('tag:yaml.org,2002:str',
                                      'tag:yaml.org,2002:null')):
        source.bad_values.append(
            (name, line,
             f'value is a {_node_kind(value_node)}, not a check string'))
        return
    check = value_node.value if value_node.tag.endswith(':str') else ''
    if name in source.entries:
        source.duplicates.append((name, source.entries[name].line, line))
    source.entries[name] = PolicyEntry(name, check, str(source.path), line)


def read_policy_file(path):
    """Read and parse one policy file (FileReadError / PolicyFileError)."""
    return parse_policy_text(inputs.read_text(path), path)


def policy_dir_files(directory):
    """The files oslo.policy would load from a policy.d, in its order."""
    path = pathlib.Path(directory)
    if not path.is_dir():
        raise exceptions.FileReadError(directory, 'not a directory')
    names = sorted(next(os.walk(path))[2])
    return [path / n for n in names if not n.startswith('.')]


def read_sources(policy_file=None, policy_dirs=()):
    """All policy sources in oslo.policy's merge order."""
    sources = []
    if policy_file is not None:
        sources.append(read_policy_file(policy_file))
    for directory in policy_dirs:
        for path in policy_dir_files(directory):
            sources.append(read_policy_file(path))
    return sources


def merged_entries(sources):
    """name -> the winning PolicyEntry (later sources override earlier)."""
    merged = {}
    for source in sources:
        merged.update(source.entries)
    return merged
