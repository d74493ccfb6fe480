"""Helpers for the cross-cloud unit tests: documents written as text."""

import pytest
import yaml

from osmigcfg.crosscloud import model


def document_text(type_name, resources, version=model.VERSION, **extra):
    """The YAML text of a document with these resource mappings."""
    data = {model.VERSION_KEY: version, 'type': type_name,
            'resources': resources, **extra}
    return yaml.safe_dump(data, sort_keys=False)


def network(name, **params):
    return {'source': {'name': name, 'project': 'demo'},
            'params': {'name': name, **params}}


def subnet(name, network_name, **params):
    return {'source': {'name': name, 'project': 'demo'},
            'params': {'name': name, 'cidr': '10.0.0.0/24', 'ip_version': 4,
                       'network': {'ref': 'network', 'name': network_name,
                                   'project': 'demo'}, **params}}


@pytest.fixture
def docs(tmp_path):
    """Write documents into a directory: ``docs(name, text)``."""
    def _write(name, text):
        (tmp_path / name).write_text(text)
        return tmp_path
    return _write
