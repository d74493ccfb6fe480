"""Live-migration and TLS settings: model, render, validate, hosts, TLS.

The public API for deploy tooling (the ``osmigcfg config`` commands call
the same functions)::

    settings = load_profile('secure')
    text = render_config(settings, 'nova-conf')
    report = validate_config(['/etc/nova/nova.conf'])
    report = check_hosts(load_inventory('hosts.yaml'))
    report = check_tls('/etc/pki/qemu', 'cmp-001', ['10.20.0.11'])
"""

from osmigcfg.config import codes  # noqa: F401 (registers the CFG codes)
from osmigcfg.config.hosts import check_hosts
from osmigcfg.config.inventory import Host
from osmigcfg.config.inventory import Inventory
from osmigcfg.config.inventory import load_inventory
from osmigcfg.config.inventory import parse_inventory
from osmigcfg.config.model import LiveMigrationSettings
from osmigcfg.config.model import Settings
from osmigcfg.config.model import TlsSettings
from osmigcfg.config.options import list_opts
from osmigcfg.config.profiles import list_profiles
from osmigcfg.config.profiles import load_profile
from osmigcfg.config.profiles import parse_profile
from osmigcfg.config.readers import FORMATS as INPUT_FORMATS
from osmigcfg.config.render import FORMATS
from osmigcfg.config.render import render_config
from osmigcfg.config.tls import check_tls
from osmigcfg.config.tls import check_tls_inventory
from osmigcfg.config.validate import convert_config
from osmigcfg.config.validate import read_config
from osmigcfg.config.validate import validate_config
from osmigcfg.config.validate import validate_text

__all__ = [
    'FORMATS',
    'INPUT_FORMATS',
    'Host',
    'Inventory',
    'LiveMigrationSettings',
    'Settings',
    'TlsSettings',
    'check_hosts',
    'check_tls',
    'check_tls_inventory',
    'convert_config',
    'list_opts',
    'list_profiles',
    'load_inventory',
    'load_profile',
    'parse_inventory',
    'parse_profile',
    'read_config',
    'render_config',
    'validate_config',
    'validate_text',
]
