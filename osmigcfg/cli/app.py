"""The standalone ``osmigcfg`` command.

It is osc-lib's OpenStackShell (so ``--os-cloud``, clouds.yaml and the
``OS_*`` variables work exactly as in ``openstack``) loading the plugin's
``openstack.migration.v1`` commands with the ``migration`` prefix dropped:
``osmigcfg policy render`` is ``openstack migration policy render``.
"""

import argparse
import functools
import importlib.metadata
import logging
import re
import sys

from cliff import commandmanager
from osc_lib.api import auth
from osc_lib import shell

import osmigcfg
from osmigcfg import exceptions
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


_SIZE = re.compile(r'^\s*(\d+)\s*([KMG]?)(?:i?B)?\s*$', re.I)
_UNITS = {'': 1, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
MAX_INPUT_SIZE_CEILING = 4 << 30


def input_size(text):
    """``--max-input-size``: bytes, or a number with K, M or G (binary)."""
    match = _SIZE.match(text)
    size = match and int(match.group(1)) * _UNITS[match.group(2).upper()]
    if not size or size > MAX_INPUT_SIZE_CEILING:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a size between 1 byte and 4G '
            '(e.g. 16M, 512K, 1048576)')
    return size


def _named_internal_errors(run):
    """An offline command's unexpected exception becomes InternalError.

    Offline commands read only the user's files: any exception that is not
    an osmigcfg error is a bug, and the user is told so (cliff would print
    only its bare text, such as "unhashable type: 'list'").
    """
    @functools.wraps(run)
    def guarded(parsed_args):
        try:
            return run(parsed_args)
        except (exceptions.OsmigcfgError, BrokenPipeError):
            raise
        except Exception as e:
            raise exceptions.InternalError(e) from e
    return guarded


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
            '--max-input-size', metavar='<size>', type=input_size,
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
            cmd.run = _named_internal_errors(cmd.run)

    def run_subcommand(self, argv):
        with inputs.input_size_limit(self.options.max_input_size):
            return super().run_subcommand(argv)


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    return OsmigcfgShell().run(argv)


if __name__ == '__main__':
    sys.exit(main())
