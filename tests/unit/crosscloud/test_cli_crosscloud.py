"""``osmigcfg import plan DIR`` (documents only) and ``export`` parsing:
bad input is one line per problem, exit 1, never a traceback."""

import json

from tests.cli_runner import run_cli
from tests.unit.crosscloud.conftest import document_text
from tests.unit.crosscloud.conftest import network
from tests.unit.crosscloud.conftest import subnet


def test_valid_documents_are_listed_and_exit_0(capsys, docs):
    docs('networks.yaml', document_text('network', [network('n1')]))
    directory = docs('subnets.yaml', document_text(
        'subnet', [subnet('s1', 'n1')]))
    status, out, err = run_cli(capsys, 'import', 'plan', str(directory),
                               '-f', 'json')
    assert status == 0 and err == ''
    assert [(r['Action'], r['Type'], r['Name']) for r in json.loads(out)] == [
        ('valid', 'network', 'n1'), ('valid', 'subnet', 's1')]


def test_bad_input_gives_one_line_per_problem_and_exit_1(capsys, docs):
    docs('a.yaml', 'resources: [\n')
    docs('b.yaml', document_text('network', [], version=3))
    docs('c.yaml', document_text('loadbalancer', []))
    user = {'source': {'name': 'u'}, 'params': {'name': 'u',
                                                'password': 'hunter2'}}
    directory = docs('d.yaml', document_text('user', [user]))
    status, out, err = run_cli(capsys, 'import', 'plan', str(directory))
    lines = err.strip().splitlines()
    assert status == 1
    assert [line.split()[1] for line in lines] == [
        'XCL101', 'XCL102', 'XCL103', 'XCL109']
    assert all(line.startswith('error XCL') for line in lines)
    assert 'hunter2' not in err and 'Traceback' not in err + out


def test_a_missing_directory_is_one_line(capsys, tmp_path):
    status, out, err = run_cli(capsys, 'import', 'plan',
                               str(tmp_path / 'nope'))
    assert status == 1
    assert err.strip().splitlines() == [
        f'{tmp_path / "nope"}: cannot read: not a directory']


def test_unknown_dst_cloud_is_one_line(capsys, docs, tmp_path,
                                       monkeypatch):
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(tmp_path / 'c.yaml'))
    (tmp_path / 'c.yaml').write_text('clouds: {}\n')
    directory = docs('n.yaml', document_text('network', [network('n1')]))
    status, _, err = run_cli(capsys, 'import', 'plan', str(directory),
                             '--dst-cloud', 'nowhere')
    assert status == 1
    assert len(err.strip().splitlines()) == 1
    assert 'nowhere' in err and 'Traceback' not in err


def test_export_and_plan_parse_their_filters():
    from osmigcfg.cli import crosscloud as cli
    parser = cli.ExportResources(None, None).get_parser('export')
    args = parser.parse_args(['d', '--name', 'a', '--name', 'b', '--regex',
                              '^x', '--tag', 't', '--type', 'network',
                              '--project', 'p'])
    filters = cli._filters(args)
    assert filters.names == ('a', 'b') and filters.types == ('network',)
    assert (filters.regex, filters.tags, filters.projects) == (
        '^x', ('t',), ('p',))
    plan = cli.PlanImport(None, None).get_parser('import plan')
    assert plan.parse_args(['d', '--dst-cloud', 'x']).dst_cloud == 'x'
