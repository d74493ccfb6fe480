"""The nova.conf options osmigcfg manages, declared through oslo.config.

These mirror Nova 34's own definitions (type, default, min/max, choices,
deprecation; a functional test compares them with ``nova.conf`` when Nova is
installed) so that values are checked exactly as nova-compute would check
them.  :func:`list_opts` is the ``oslo.config.opts`` entry point
(namespace ``osmigcfg.config``), so ``oslo-config-generator --namespace
osmigcfg.config`` lists them.

The help texts are ours: one or two lines saying what matters for migration.
"""

import copy

from oslo_config import cfg

DEFAULT_OPTS: list[cfg.Opt] = [
    cfg.IntOpt(
        'max_concurrent_live_migrations', default=1, min=0,
        help='Outbound live migrations a compute host runs at once. '
             '0 is deprecated since Nova 33 (it meant "unlimited").'),
    cfg.IntOpt(
        'live_migration_retry_count', default=30, min=0, advanced=True,
        help='Retries of VIF plugging on the destination during live '
             'migration (read on the destination host).'),
]

COMPUTE_OPTS: list[cfg.Opt] = [
    cfg.BoolOpt(
        'live_migration_wait_for_vif_plug', default=True,
        help='Wait for Neutron\'s network-vif-plugged event before starting '
             'the live migration (read on the destination host).'),
]

LIBVIRT_OPTS: list[cfg.Opt] = [
    cfg.StrOpt(
        'live_migration_scheme',
        help='URI scheme of the libvirtd-to-libvirtd control connection '
             '(unset: tcp for kvm/qemu). "tls" uses libvirtd\'s TLS '
             'listener (port 16514).'),
    cfg.HostDomainOpt(
        'live_migration_inbound_addr',
        help='Address peers use to reach this host for live migration '
             '(read on the destination host; unset: its hostname).'),
    cfg.StrOpt(
        'live_migration_uri', deprecated_for_removal=True,
        deprecated_since='15.0.0',
        deprecated_reason='Use live_migration_scheme and '
                          'live_migration_inbound_addr.',
        help='Full libvirt migration URI; overrides live_migration_scheme '
             'and live_migration_inbound_addr.'),
    cfg.BoolOpt(
        'live_migration_tunnelled', default=False,
        deprecated_for_removal=True, deprecated_since='23.0.0',
        deprecated_reason='Slow, and no block migration; use '
                          'live_migration_with_native_tls.',
        help='Send the migration stream through the libvirtd connection.'),
    cfg.IntOpt(
        'live_migration_bandwidth', default=0,
        help='Maximum migration bandwidth in MiB/s (0: hypervisor default).'),
    cfg.IntOpt(
        'live_migration_downtime', default=500, min=100,
        help='Maximum guest pause at switch-over, in milliseconds.'),
    cfg.IntOpt(
        'live_migration_downtime_steps', default=10, min=3,
        help='Steps in which the allowed downtime grows to its maximum.'),
    cfg.IntOpt(
        'live_migration_downtime_delay', default=75, min=3,
        help='Seconds per GiB between downtime steps.'),
    cfg.IntOpt(
        'live_migration_completion_timeout', default=800, min=0,
        mutable=True,
        help='Seconds per GiB (RAM + disk, at least 2 GiB) before the '
             'timeout action; 0 disables the timeout.'),
    cfg.StrOpt(
        'live_migration_timeout_action', default='abort',
        choices=('abort', 'force_complete'), mutable=True,
        help='What to do at the completion timeout: abort, or force '
             'completion (post-copy if permitted, else pause the guest).'),
    cfg.BoolOpt(
        'live_migration_permit_post_copy', default=False,
        help='Allow switching to post-copy; takes precedence over '
             'auto-converge.'),
    cfg.BoolOpt(
        'live_migration_permit_auto_converge', default=False,
        help='Allow throttling the guest CPU so the migration converges.'),
    cfg.IntOpt(
        'live_migration_parallel_connections', default=1,
        help='Parallel QEMU migration connections; above 1 with post-copy '
             'needs QEMU >= 10.1.'),
    cfg.BoolOpt(
        'live_migration_with_native_tls', default=False,
        help='Encrypt every migration stream (RAM, device state, NBD disks) '
             'with QEMU-native TLS. Not with live_migration_tunnelled.'),
    cfg.IntOpt(
        'live_migration_monitor_interval', default=5,
        help='Seconds between saves of migration progress to the database '
             '(new in Nova 34).'),
]

#: group name -> option list, in the order the renderers write them.
GROUPS: dict[str, list[cfg.Opt]] = {
    'DEFAULT': DEFAULT_OPTS,
    'compute': COMPUTE_OPTS,
    'libvirt': LIBVIRT_OPTS,
}

#: option name -> (group, Opt); the names are unique across our groups.
OPTS_BY_NAME = {opt.name: (group, opt)
                for group, opts in GROUPS.items() for opt in opts}

#: Options read on the destination host of a live migration.
DESTINATION_OPTIONS = frozenset({
    'live_migration_inbound_addr',
    'live_migration_wait_for_vif_plug',
    'live_migration_retry_count',
})

#: Options that no longer exist in Nova 34; setting them has no effect.
REMOVED_OPTIONS = {
    ('libvirt', 'live_migration_flag'):
        'the flags are derived from the other live_migration_* options',
    ('libvirt', 'block_migration_flag'):
        'the flags are derived from the other live_migration_* options',
    ('libvirt', 'live_migration_progress_timeout'):
        'use live_migration_completion_timeout',
}


#: Other Nova 34 options in our groups that look like ours (not typos).
NEIGHBOURS = frozenset({
    ('DEFAULT', 'migrate_max_retries'),
    ('libvirt', 'migration_inbound_addr'),
})


def find_option(name):
    """Return ``(group, Opt)`` for one of our option names, or None."""
    return OPTS_BY_NAME.get(name)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    """The ``oslo.config.opts`` entry point: ``[(group, [Opt, ...]), ...]``.

    Returns copies, as oslo-config-generator expects to own them.
    """
    return [(group, copy.deepcopy(opts)) for group, opts in GROUPS.items()]
