"""``import``, ``copy``, ``cutover``, ``status`` and ``worker`` without a
cloud: usage errors exit 2, bad input is one line and exit 1."""

import json

import pytest

from tests.cli_runner import run_cli
from tests.unit.crosscloud.conftest import document_text
from tests.unit.crosscloud.conftest import network

CLOUDS = """\
clouds:
  far:
    auth:
      auth_url: http://127.0.0.1:9/v3
      username: u
      password: p
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
"""


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    (tmp_path / 'clouds.yaml').write_text(CLOUDS)
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(tmp_path / 'clouds.yaml'))
    monkeypatch.delenv('OSMIGCFG_TRANSPORT_URL', raising=False)
    return lambda *argv: run_cli(capsys, *argv)


@pytest.fixture
def directory(docs):
    return docs('networks.yaml', document_text('network', [network('n1')]))


def _one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and 'Traceback' not in err, err
    return lines[0]


@pytest.mark.parametrize('argv', [
    ('copy', 'd'), ('import', 'd'), ('cutover', 'd', '--dst-cloud', 'far'),
    ('worker',)])
def test_missing_required_options_are_usage_errors(cli, argv):
    status, _, _ = cli(*argv)
    assert status == 2


def test_import_without_yes_off_a_terminal_refuses(cli, directory):
    status, _, err = cli('import', str(directory), '--dst-cloud', 'far')
    assert status == 1
    assert 'not importing' in _one_line(err) and '--yes' in err


def test_an_unknown_destination_is_one_line(cli, directory):
    status, _, err = cli('copy', str(directory), '--dst-cloud', 'nowhere',
                         '--src-cloud', 'far')
    assert status == 1 and 'nowhere' in _one_line(err)


def test_copy_needs_a_source_cloud_when_the_documents_name_none(cli,
                                                                directory):
    status, _, err = cli('copy', str(directory), '--dst-cloud', 'far')
    assert status == 1 and '--src-cloud' in _one_line(err)


def test_cutover_of_an_unknown_server_is_one_line(cli, directory):
    status, _, err = cli('cutover', str(directory), '--server', 'nope',
                         '--dst-cloud', 'far', '--src-cloud', 'far', '--yes')
    assert status == 1
    assert "no server 'nope' in the documents" in _one_line(err)


def test_a_worker_without_a_broker_is_one_line(cli):
    status, _, err = cli('worker', '--topic', 't')
    assert status == 1 and 'OSMIGCFG_TRANSPORT_URL' in _one_line(err)


def test_status_of_a_fresh_directory_lists_every_resource(cli, directory):
    status, out, err = cli('status', str(directory), '-f', 'json')
    assert (status, err) == (0, '')
    assert [(r['Type'], r['Name'], r['Imported']) for r in json.loads(out)] \
        == [('network', 'n1', 'not imported')]


def test_a_worker_without_the_scale_extra_names_it(cli, monkeypatch,
                                                   without_extra):
    monkeypatch.setenv('OSMIGCFG_TRANSPORT_URL', 'memory://')
    without_extra('scale')
    status, _, err = cli('worker', '--topic', 't')
    assert status == 1
    assert _one_line(err) == (
        "worker needs the 'scale' extra, which is not installed (no module "
        "osmigcfg_test_absent_module): pip install 'osmigcfg[scale]'")


def test_copy_on_workers_without_the_scale_extra_names_it_first(
        cli, directory, monkeypatch, without_extra):
    monkeypatch.setenv('OSMIGCFG_TRANSPORT_URL', 'memory://')
    without_extra('scale')
    status, _, err = cli('copy', str(directory), '--dst-cloud', 'far',
                         '--src-cloud', 'far', '--workers', 't')
    assert status == 1
    assert _one_line(err).startswith("copy --workers needs the 'scale' "
                                     "extra"), err
