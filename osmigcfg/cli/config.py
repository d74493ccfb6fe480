"""``config`` commands: live-migration and TLS settings.

``osmigcfg config ...`` and ``openstack migration config ...``: render,
validate, convert, check-hosts, check-tls, profiles.  Each parses its
arguments, calls one function of :mod:`osmigcfg.config` and formats the
result.
"""

import argparse

from cliff import lister

from osmigcfg import config
from osmigcfg.cli import base
from osmigcfg.config import tls

INPUT_FORMATS = ('auto',) + config.INPUT_FORMATS


def _add_strict(parser):
    parser.add_argument(
        '--strict', action='store_true',
        help='warnings fail too (exit 1)')


def _add_input_format(parser):
    # cliff's listers own "-f/--format" (the output formatter); "--format"
    # names the input form here, as in every config command, and "-f"
    # stays the output formatter.
    group = parser.add_argument_group('input', conflict_handler='resolve')
    group.add_argument(
        '--format', '--input-format', dest='fmt', choices=INPUT_FORMATS,
        default='auto', help='input form of every file; default: detect '
                             'from the name and content')


def _qemu_version(text):
    try:
        parts = tuple(int(p) for p in text.split('.')[:2])
    except ValueError:
        parts = ()
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a version such as 10.1')
    return parts


def _warn_days(text):
    try:
        days = int(text)
    except ValueError:
        days = None
    if days is None or not 0 <= days <= tls.WARN_DAYS_MAX:
        raise argparse.ArgumentTypeError(
            f'{text[:20]!r} is not a whole number of days from 0 to '
            f'{tls.WARN_DAYS_MAX}')
    return days


class _Findings(base.FindingsLister):
    """Findings lister with ``--strict``."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_strict(parser)
        return parser

    def report_rows(self, parsed_args, report):
        level = 'warning' if parsed_args.strict else 'error'
        return self.findings_rows(report, fail_level=level)


class RenderConfig(base.TextCommand):
    """Render live-migration settings for nova.conf, libvirt or a deploy
    tool."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--profile', metavar='<name|file>', default='secure',
            help='a shipped profile (see `config profiles`) or a profile '
                 'YAML file; default: secure')
        parser.add_argument(
            '--format', dest='fmt', choices=config.FORMATS,
            default='nova-conf', help='output form; default: nova-conf')
        parser.add_argument(
            '--inventory', metavar='<file>',
            help='host inventory: migration NIC (and per-host exceptions)')
        parser.add_argument(
            '--host', metavar='<name>',
            help='render for this inventory host (its inbound address)')
        parser.add_argument(
            '--interface', metavar='<nic>',
            help='the migration NIC (MOSK, helm, kolla)')
        return parser

    def take_action(self, parsed_args):
        settings = config.load_profile(parsed_args.profile)
        if parsed_args.interface:
            settings = settings.replace(
                migration_interface=parsed_args.interface)
        inventory = (config.load_inventory(parsed_args.inventory)
                     if parsed_args.inventory else None)
        text = config.render_config(settings, parsed_args.fmt,
                                    inventory=inventory,
                                    host=parsed_args.host)
        return self.emit_text(parsed_args, text)


class ValidateConfig(_Findings):
    """Validate nova.conf, libvirtd.conf, qemu.conf or deploy-tool files."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'files', metavar='<file>', nargs='+',
            help='files applied in order (later ones override earlier)')
        _add_input_format(parser)
        parser.add_argument(
            '--qemu-version', metavar='<X.Y>', type=_qemu_version,
            help='QEMU version on the computes (sharpens CFG207)')
        return parser

    def take_action(self, parsed_args):
        report = config.validate_config(parsed_args.files, parsed_args.fmt,
                                        qemu_version=parsed_args.qemu_version)
        return self.report_rows(parsed_args, report)


class ConvertConfig(base.TextCommand):
    """Show what deploy-tool files amount to (by default as nova.conf)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('files', metavar='<file>', nargs='+',
                            help='files applied in order')
        _add_input_format(parser)
        parser.add_argument(
            '--to', choices=config.FORMATS, default='nova-conf',
            help='output form; default: nova-conf')
        return parser

    def take_action(self, parsed_args):
        text, report = config.convert_config(
            parsed_args.files, parsed_args.fmt, to=parsed_args.to)
        if len(report):
            self.app.stderr.write(
                f'{len(report)} findings ({len(report.at_least("error"))} '
                'errors): run `config validate` on the same files\n')
        return self.emit_text(parsed_args, text)


class CheckHosts(_Findings):
    """Check a host inventory: migration NICs, addresses, collisions."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('inventory', metavar='<inventory>',
                            help='inventory YAML (hosts: name: {interface, '
                                 'address, inbound_addr})')
        return parser

    def take_action(self, parsed_args):
        inventory = config.load_inventory(parsed_args.inventory,
                                          strict=False)
        return self.report_rows(parsed_args, config.check_hosts(inventory))


class CheckTls(_Findings):
    """Check migration TLS certificates of one host or an inventory."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--cert-dir', metavar='<dir>',
                            help='the certificate directory of one host')
        parser.add_argument('--host', metavar='<name>',
                            help='the host name peers use')
        parser.add_argument(
            '--address', metavar='<ip>', action='append', default=[],
            help='an address peers connect to (repeatable)')
        parser.add_argument(
            '--inventory', metavar='<file>',
            help='check every host of an inventory instead')
        parser.add_argument(
            '--layout', choices=('qemu', 'libvirt'), default='qemu',
            help='qemu: <dir>/ca-cert.pem, server-cert.pem, ... (default); '
                 'libvirt: <dir>/CA/cacert.pem, libvirt/servercert.pem, ...')
        parser.add_argument(
            '--warn-days', metavar='<days>', type=_warn_days,
            default=tls.WARN_DAYS,
            help='warn when a certificate expires sooner (0 to '
                 f'{tls.WARN_DAYS_MAX}); default {tls.WARN_DAYS}')
        return parser

    def take_action(self, parsed_args):
        if parsed_args.inventory:
            report = config.check_tls_inventory(
                config.load_inventory(parsed_args.inventory),
                layout=parsed_args.layout, warn_days=parsed_args.warn_days)
        elif parsed_args.cert_dir and parsed_args.host:
            report = config.check_tls(
                parsed_args.cert_dir, parsed_args.host,
                addresses=parsed_args.address, layout=parsed_args.layout,
                warn_days=parsed_args.warn_days)
        else:
            self.app.stderr.write(
                'config check-tls: error: give --cert-dir and --host, '
                'or --inventory\n')
            raise SystemExit(2)
        return self.report_rows(parsed_args, report)


class ListConfigProfiles(base.OfflineMixin, lister.Lister):
    """List the shipped live-migration settings profiles."""

    def take_action(self, parsed_args):
        rows = sorted(config.list_profiles().items())
        return ('Name', 'Description'), rows
