"""Typed live-migration and TLS settings: the one value every part shares.

:class:`LiveMigrationSettings` holds the nova.conf options; its fields are
named after the options and take their defaults, group and limits from the
oslo.config definitions in :mod:`osmigcfg.config.options` (field metadata),
so there is one source of truth.  :class:`TlsSettings` holds the libvirtd.conf
and qemu.conf keys that decide whether migrations are encrypted; their
defaults are libvirt's own.  :class:`Settings` bundles both with the
deployment facts (migration interface and network) and remembers which
values were set on purpose.
"""

from collections.abc import Mapping
import dataclasses
from typing import Any

from osmigcfg.config import options

NOVA = 'nova'
LIBVIRTD = 'libvirtd'
QEMU = 'qemu'
LAYERS = (NOVA, LIBVIRTD, QEMU)

AUTH_CHOICES = ('none', 'sasl', 'polkit')


def _nova(name):
    group, opt = options.OPTS_BY_NAME[name]
    return dataclasses.field(
        default=opt.default, metadata={'group': group, 'opt': opt})


@dataclasses.dataclass(frozen=True)
class LiveMigrationSettings:
    """nova.conf live-migration options, by option name (Nova 34)."""

    max_concurrent_live_migrations: int = _nova(
        'max_concurrent_live_migrations')
    live_migration_retry_count: int = _nova('live_migration_retry_count')
    live_migration_wait_for_vif_plug: bool = _nova(
        'live_migration_wait_for_vif_plug')
    live_migration_scheme: str | None = _nova('live_migration_scheme')
    live_migration_inbound_addr: str | None = _nova(
        'live_migration_inbound_addr')
    live_migration_uri: str | None = _nova('live_migration_uri')
    live_migration_tunnelled: bool = _nova('live_migration_tunnelled')
    live_migration_bandwidth: int = _nova('live_migration_bandwidth')
    live_migration_downtime: int = _nova('live_migration_downtime')
    live_migration_downtime_steps: int = _nova(
        'live_migration_downtime_steps')
    live_migration_downtime_delay: int = _nova(
        'live_migration_downtime_delay')
    live_migration_completion_timeout: int = _nova(
        'live_migration_completion_timeout')
    live_migration_timeout_action: str = _nova(
        'live_migration_timeout_action')
    live_migration_permit_post_copy: bool = _nova(
        'live_migration_permit_post_copy')
    live_migration_permit_auto_converge: bool = _nova(
        'live_migration_permit_auto_converge')
    live_migration_parallel_connections: int = _nova(
        'live_migration_parallel_connections')
    live_migration_with_native_tls: bool = _nova(
        'live_migration_with_native_tls')
    live_migration_monitor_interval: int = _nova(
        'live_migration_monitor_interval')

    @property
    def control_scheme(self) -> str:
        """The scheme of the libvirtd control connection actually used."""
        if self.live_migration_uri and '://' in self.live_migration_uri:
            head = self.live_migration_uri.split('://', 1)[0]
            return head.split('+', 1)[1] if '+' in head else 'unix'
        return self.live_migration_scheme or 'tcp'


def _tls(layer, default, kind, **limits):
    return dataclasses.field(
        default=default, metadata={'layer': layer, 'kind': kind, **limits})


@dataclasses.dataclass(frozen=True)
class TlsSettings:
    """libvirtd.conf and qemu.conf keys for migration transport security.

    ``kind`` in the metadata says how the key is written: ``flag`` (0/1),
    ``int``, ``port`` (a quoted number in libvirtd.conf), ``str`` or
    ``choice``.  ``None`` means "not set" where libvirt's default depends on
    other keys.
    """

    listen_tls: bool = _tls(LIBVIRTD, True, 'flag')
    listen_tcp: bool = _tls(LIBVIRTD, False, 'flag')
    auth_tls: str = _tls(LIBVIRTD, 'none', 'choice', choices=AUTH_CHOICES)
    auth_tcp: str = _tls(LIBVIRTD, 'sasl', 'choice', choices=AUTH_CHOICES)
    tls_port: int = _tls(LIBVIRTD, 16514, 'port', min=1, max=65535)
    tcp_port: int = _tls(LIBVIRTD, 16509, 'port', min=1, max=65535)
    ca_file: str = _tls(LIBVIRTD, '/etc/pki/CA/cacert.pem', 'str')
    cert_file: str = _tls(LIBVIRTD, '/etc/pki/libvirt/servercert.pem', 'str')
    key_file: str = _tls(
        LIBVIRTD, '/etc/pki/libvirt/private/serverkey.pem', 'str')
    default_tls_x509_cert_dir: str = _tls(QEMU, '/etc/pki/qemu', 'str')
    default_tls_x509_verify: bool | None = _tls(QEMU, None, 'flag')
    migrate_tls_x509_verify: bool | None = _tls(QEMU, None, 'flag')
    migrate_tls_force: bool = _tls(QEMU, False, 'flag')
    migration_port_min: int = _tls(QEMU, 49152, 'int', min=1, max=65535)
    migration_port_max: int = _tls(QEMU, 49215, 'int', min=1, max=65535)

    @property
    def migration_verify(self) -> bool:
        """Whether QEMU verifies the peer certificate when migrating.

        libvirt falls back from migrate_* to default_*, then to 1.
        """
        for value in (self.migrate_tls_x509_verify,
                      self.default_tls_x509_verify):
            if value is not None:
                return value
        return True


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything a renderer needs: nova.conf, TLS and deployment facts."""

    live_migration: LiveMigrationSettings = LiveMigrationSettings()
    tls: TlsSettings = TlsSettings()
    migration_interface: str | None = None
    migration_network: str | None = None
    profile: str | None = None
    #: option/key names set on purpose (by a profile or an input file);
    #: deploy-tool forms override only these and keep the tool's defaults
    explicit: frozenset[str] = frozenset()

    def replace(self, nova: Mapping[str, Any] | None = None,
                tls: Mapping[str, Any] | None = None,
                **facts: str | None) -> 'Settings':
        """A copy with some nova options, TLS keys or facts changed.

        The changed option and key names join :attr:`explicit`.
        """
        nova, tls = nova or {}, tls or {}
        return dataclasses.replace(
            self,
            live_migration=dataclasses.replace(self.live_migration, **nova),
            tls=dataclasses.replace(self.tls, **tls),
            explicit=self.explicit | set(nova) | set(tls),
            **facts)


def nova_fields():
    """``(group, name, Opt)`` for every nova.conf option, in render order."""
    fields = {f.name: f for f in dataclasses.fields(LiveMigrationSettings)}
    return [(group, opt.name, opt)
            for group, opts in options.GROUPS.items()
            for opt in opts if opt.name in fields]


def tls_fields(layer=None):
    """``dataclasses.Field`` objects of TlsSettings (optionally one layer)."""
    return [f for f in dataclasses.fields(TlsSettings)
            if layer is None or f.metadata['layer'] == layer]


TLS_FIELDS = {f.name: f for f in tls_fields()}
