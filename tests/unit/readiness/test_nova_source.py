"""The citation check reads code, not comments or docstrings."""

import textwrap

import pytest

from osmigcfg.readiness import calls
from osmigcfg.readiness import nova_source

_NEUTRON = '''
class API:
    def bind(self, context):
        """Calls client.create_port_binding( in prose only."""
        client = get_client(context, admin=True)
        # client.delete_port_binding(port_id, host) -- only a comment
        if context:
            def rollback():
                client.delete_port_binding(port_id,
                                           host)
            rollback()
        return client.create_port_binding(port_id, data)
'''


@pytest.fixture
def nova_dir(tmp_path):
    root = tmp_path / 'nova'
    (root / 'network').mkdir(parents=True)
    (root / '__init__.py').write_text('')
    (root / 'network' / '__init__.py').write_text('')
    (root / 'network' / 'neutron.py').write_text(textwrap.dedent(_NEUTRON))
    return root


def _table(function, *fragments):
    data = {
        'calls_version': 1, 'nova_release': 34, 'nova_version': '34.0.0',
        'kinds': {k: k for k in calls.KINDS},
        'identities': {'me': {'description': 'd', 'config': 'c',
                              'service_token': False, 'evidence': []}},
        'calls': [{'id': 'c1', 'service': 'neutron', 'rules': ['r'],
                   'request': 'POST /x', 'as': 'me', 'kinds': ['live'],
                   'evidence': [{'function': function,
                                 'contains': list(fragments)}]}],
    }
    return calls.parse_table(data, where='t.yaml')


def test_a_call_the_function_makes_is_found(nova_dir):
    table = _table('nova.network.neutron:API.bind',
                   'client.create_port_binding(port_id, data)',
                   'get_client(context, admin=True)')
    assert nova_source.source_errors(table, nova_dir=nova_dir) == []


def test_nested_functions_and_wrapped_lines_are_found(nova_dir):
    table = _table('nova.network.neutron:API.bind.rollback',
                   'client.delete_port_binding(port_id, host)')
    assert nova_source.source_errors(table, nova_dir=nova_dir) == []


def test_a_call_only_in_a_comment_or_docstring_is_missing(nova_dir):
    (nova_dir / 'network' / 'neutron.py').write_text(textwrap.dedent(
        _NEUTRON.replace('return client.create_port_binding(port_id, data)',
                         'return None')))
    table = _table('nova.network.neutron:API.bind',
                   'client.create_port_binding(')
    assert nova_source.source_errors(table, nova_dir=nova_dir) == [
        "call c1: nova.network.neutron:API.bind no longer contains "
        "'client.create_port_binding('"]


def test_a_missing_function_or_module_is_reported(nova_dir):
    for function in ('nova.network.neutron:API.unbind',
                     'nova.volume.cinder:API.attachment_update'):
        errors = nova_source.source_errors(_table(function, 'x'),
                                           nova_dir=nova_dir)
        assert errors == [f'call c1: {function} not found in {nova_dir}']
