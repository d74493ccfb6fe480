"""YAML documents that remember where each key was written.

Deploy-tool files (MOSK, helm values, kolla globals, OSA user variables,
inventories) are YAML; findings must point at the line of the key.  Mappings
load as :class:`LineDict`, a dict that also maps each key to its line.
"""

import yaml

from osmigcfg import exceptions
from osmigcfg import inputs


class LineDict(dict):
    """A dict with ``lines[key]`` = 1-based line of the key (and ``line``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = {}
        self.line = None
        self.duplicates = []  # (key, line) of keys written twice

    def line_of(self, key):
        """Line of ``key``, else of the mapping itself."""
        return self.lines.get(key, self.line)


class _Loader(inputs.SafeLoader):
    """SafeLoader building LineDicts."""


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, 'a mapping key must be a plain value',
                key_node.start_mark) from None
        line = key_node.start_mark.line + 1
        if key in mapping:
            mapping.duplicates.append((key, line))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = line
    return mapping


_Loader.add_constructor('tag:yaml.org,2002:map', _construct_mapping)


def load(text, path):
    """Parse one YAML document; raise ConfigFileError with the line.

    An empty document loads as an empty LineDict.  YAML anchors and
    aliases are refused (see :mod:`osmigcfg.inputs`).
    """
    try:
        data = inputs.load_yaml(text, path, loader=_Loader)
    except exceptions.YamlDocumentError as e:
        raise exceptions.ConfigFileError(path, e.line, e.reason,
                                         hint=e.hint) from None
    if data is None:
        return LineDict()
    return data


def dig(mapping, *keys):
    """Follow keys through nested mappings; ``(value, line)`` or (None, None).

    ``line`` is the line of the last key found.
    """
    value, line = mapping, None
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None, None
        line = value.line_of(key) if isinstance(value, LineDict) else line
        value = value[key]
    return value, line
