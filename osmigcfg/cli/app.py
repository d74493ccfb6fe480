"""The standalone ``osmigcfg`` command.

It is osc-lib's OpenStackShell (so ``--os-cloud``, clouds.yaml and the
``OS_*`` variables work exactly as in ``openstack``) loading the plugin's
``openstack.migration.v1`` commands with the ``migration`` prefix dropped:
``osmigcfg policy render`` is ``openstack migration policy render``.
"""

import sys

from cliff import commandmanager
from osc_lib import shell

import osmigcfg

COMMAND_GROUP = 'openstack.migration.v1'
PREFIX = 'migration '


class CommandManager(commandmanager.CommandManager):
    """Loads the plugin's command group without its ``migration`` prefix."""

    def load_commands(self, namespace):
        super().load_commands(namespace)
        for name in [n for n in self.commands if n.startswith(PREFIX)]:
            self.commands[name[len(PREFIX):]] = self.commands.pop(name)


class OsmigcfgShell(shell.OpenStackShell):

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
        return parser


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    return OsmigcfgShell().run(argv)


if __name__ == '__main__':
    sys.exit(main())
