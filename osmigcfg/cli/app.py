"""The standalone ``osmigcfg`` command.

It is osc-lib's OpenStackShell (so ``--os-cloud``, clouds.yaml and the
``OS_*`` variables work exactly as in ``openstack``) loading the plugin's
``openstack.migration.v1`` commands with the ``migration`` prefix dropped:
``osmigcfg policy render`` is ``openstack migration policy render``.
"""

import importlib.metadata
import logging
import sys

from cliff import commandmanager
from osc_lib.api import auth
from osc_lib import shell

import osmigcfg
from osmigcfg.cli import base
from osmigcfg.cli import console
from osmigcfg import inputs

COMMAND_GROUP = 'openstack.migration.v1'
PREFIX = 'migration '


class CommandManager(commandmanager.CommandManager):
    """Loads the plugin's command group without its ``migration`` prefix.

    Entry points are recorded, not loaded: cliff loads the one command it
    runs (``find_command``), so ``osmigcfg policy render`` does not import
    the migrator's TaskFlow/SQLAlchemy stack (stevedore, which cliff uses
    here, would import every command module at start-up).
    """

    def load_commands(self, namespace):
        self.group_list.append(namespace)
        for entry_point in importlib.metadata.entry_points(group=namespace):
            name = entry_point.name.replace('_', ' ')
            if name.startswith(PREFIX):
                name = name[len(PREFIX):]
            self.commands[name] = entry_point


class OsmigcfgShell(shell.OpenStackShell):

    # cliff names this logger after argv[0]; it prints a failed command's
    # one-line error, so it must be ours for the console rules to show it
    LOG = logging.getLogger(__name__)

    def __init__(self):
        super().__init__(
            description='Nova migration policies, live-migration settings '
                        'and policy-aware instance migration.',
            version=osmigcfg.__version__,
            command_manager=CommandManager(COMMAND_GROUP),
            deferred_help=True,
        )

    def build_option_parser(self, description, version):
        parser = super().build_option_parser(description, version)
        parser.set_defaults(os_compute_api_version=None)
        parser.add_argument(
            '--max-input-size', metavar='<size>', type=base.input_size,
            default=inputs.DEFAULT_MAX_INPUT_SIZE,
            help='refuse input files larger than this (bytes, or with K, M '
                 'or G); default 16M')
        # --os-auth-url, --os-token, --os-username...: OSC adds them in its
        # own shell, osc-lib's base shell does not
        return auth.build_auth_plugins_option_parser(parser)

    def configure_logging(self):
        super().configure_logging()
        if not self.options.debug:
            console.quiet_console(self.log_configurator.console_logger)

    def prepare_to_run_command(self, cmd):
        super().prepare_to_run_command(cmd)
        if not getattr(cmd, 'auth_required', True):
            cmd.run = console.named_internal_errors(cmd.run)

    def run_subcommand(self, argv):
        with inputs.input_size_limit(self.options.max_input_size):
            return super().run_subcommand(argv)


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    return OsmigcfgShell().run(argv)


if __name__ == '__main__':
    sys.exit(main())
