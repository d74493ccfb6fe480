"""The OpenStackClient plugin contract, and `openstack migration ...` for real."""

import argparse
import pathlib
import subprocess
import sys
from unittest import mock

from osmigcfg.cli import plugin
from osmigcfg.cli import policy as policy_cli

BIN = pathlib.Path(sys.executable).parent


def test_plugin_contract():
    assert plugin.API_NAME == 'migration'
    assert plugin.API_VERSION_OPTION == 'os_migration_api_version'
    assert '1' in plugin.API_VERSIONS
    instance = mock.Mock()
    assert plugin.make_client(instance) is instance.sdk_connection
    parser = plugin.build_option_parser(argparse.ArgumentParser())
    assert parser.parse_args([]).os_migration_api_version == '1'


def test_render_parser_accepts_the_documented_options():
    cmd = policy_cli.RenderPolicy(mock.Mock(), None)
    parser = cmd.get_parser('osmigcfg policy render')
    args = parser.parse_args(['--profile', 'mosk-24.3', '--release', '33',
                              '--format', 'kolla', '-o', 'x.yaml'])
    assert (args.profile, args.release, args.fmt, args.output) == (
        'mosk-24.3', 33, 'kolla', 'x.yaml')


def test_openstack_migration_policy_render_runs_through_osc():
    proc = subprocess.run(
        [str(BIN / 'openstack'), 'migration', 'policy', 'render', '--profile',
         'admin-only', '--format', 'osa'], capture_output=True, text=True,
        timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert 'nova_policy_overrides:' in proc.stdout


def test_openstack_help_lists_the_migration_commands():
    proc = subprocess.run([str(BIN / 'openstack'), 'help', 'migration'],
                          capture_output=True, text=True, timeout=120)
    assert 'migration policy validate' in proc.stdout
