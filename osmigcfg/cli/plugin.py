"""OpenStackClient plugin: ``openstack migration ...``.

The commands live in the ``openstack.migration.v1`` entry-point group; the
standalone ``osmigcfg`` command loads the same group (see ``app``).
"""

import logging

from osc_lib import utils

LOG = logging.getLogger(__name__)

DEFAULT_API_VERSION = '1'
API_VERSION_OPTION = 'os_migration_api_version'
API_NAME = 'migration'
API_VERSIONS = {'1': 'openstack.connection.Connection'}


def make_client(instance):
    """Return the openstacksdk connection the migration commands use."""
    LOG.debug('migration client uses the openstacksdk connection')
    return instance.sdk_connection


def build_option_parser(parser):
    """Add the plugin's global option (kept for the OSC plugin contract)."""
    parser.add_argument(
        '--os-migration-api-version',
        metavar='<migration-api-version>',
        default=utils.env('OS_MIGRATION_API_VERSION',
                          default=DEFAULT_API_VERSION),
        help='osmigcfg command set version, default=%s '
             '(Env: OS_MIGRATION_API_VERSION)' % DEFAULT_API_VERSION,
    )
    return parser
