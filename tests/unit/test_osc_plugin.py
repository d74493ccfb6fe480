"""The OpenStackClient plugin contract, and `openstack migration ...` for real."""

import argparse
import pathlib
import subprocess
import sys
from unittest import mock

from osmigcfg.cli import plugin
from osmigcfg.cli import policy as policy_cli

BIN = pathlib.Path(sys.executable).parent


def test_osc_loads_the_plugin_and_adds_its_version_option():
    # OpenStackClient's own loader: it finds the entry point, registers a
    # ``migration`` client on its ClientManager and lets the plugin add its
    # API-version option; make_client hands out the SDK connection.
    from openstackclient.common import clientmanager as osc_clientmanager
    from osc_lib import clientmanager as osc_lib_clientmanager
    modules = {m.__name__: m for m in osc_clientmanager.PLUGIN_MODULES}
    assert modules.get('osmigcfg.cli.plugin') is plugin
    parser = osc_clientmanager.build_plugin_option_parser(
        argparse.ArgumentParser())
    args = parser.parse_args(['--os-migration-api-version', '1'])
    assert getattr(args, plugin.API_VERSION_OPTION) == '1'
    cache = vars(osc_lib_clientmanager.ClientManager)[plugin.API_NAME]
    assert isinstance(cache, osc_lib_clientmanager.ClientCache)
    instance = mock.Mock()
    assert plugin.make_client(instance) is instance.sdk_connection


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
