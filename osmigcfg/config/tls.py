"""Certificate preflight for live migration over TLS (CFG4xx).

For one compute host: the CA is a CA; the server and client certificates
are issued by it, valid now and not expiring within ``warn_days``, match
their private keys, carry the right key usage (serverAuth / clientAuth);
the server certificate's subjectAltName covers the host name and every
address peers connect to (libvirt and QEMU verify the peer against the
address in the migration URI); private keys are not world-readable but are
readable by QEMU's group.  Uses ``cryptography``; never raises for a bad
file.
"""

from collections.abc import Iterable
import datetime
import ipaddress
import logging
from typing import Any
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from osmigcfg import exceptions
from osmigcfg import inputs
from osmigcfg.config import certfiles
from osmigcfg.config import codes  # noqa: F401 (registers the CFG codes)
from osmigcfg.findings import Report
from osmigcfg.findings import make_finding

if TYPE_CHECKING:
    from osmigcfg.config.inventory import Inventory

LOG = logging.getLogger(__name__)

WARN_DAYS = 30
WARN_DAYS_MAX = 3650  # ten years: beyond any certificate lifetime in use
ROLES = ('ca', 'server-cert', 'server-key', 'client-cert', 'client-key')
_EKU = {'server-cert': (ExtendedKeyUsageOID.SERVER_AUTH, 'serverAuth'),
        'client-cert': (ExtendedKeyUsageOID.CLIENT_AUTH, 'clientAuth')}
_WEAK_HASHES = (hashes.SHA1, hashes.MD5)


class _Ctx:
    """What every check of one host needs."""

    def __init__(self, loaded, subject, now, warn_days):
        self.loaded, self.subject = loaded, subject
        self.now, self.warn_days = now, warn_days
        self.findings = loaded.findings

    def add(self, code, role, message):
        self.findings.append(make_finding(
            code, message, file=str(self.loaded.paths[role]),
            subject=self.subject))


def _check_validity(ctx, role, cert):
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    if ctx.now < start:
        ctx.add('CFG404', role, f'{role} is not valid before '
                f'{start:%Y-%m-%d %H:%M} UTC')
    elif ctx.now > end:
        ctx.add('CFG404', role, f'{role} expired on {end:%Y-%m-%d}')
    elif end - ctx.now < datetime.timedelta(days=ctx.warn_days):
        days = (end - ctx.now).days
        ctx.add('CFG405', role, f'{role} expires in {days} days '
                f'({end:%Y-%m-%d})')


def _check_strength(ctx, role, cert):
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
        ctx.add('CFG411', role, f'{role} has a {key.key_size}-bit RSA key')
    algorithm = cert.signature_hash_algorithm
    if isinstance(algorithm, _WEAK_HASHES):
        ctx.add('CFG411', role, f'{role} is signed with {algorithm.name}')


def _check_ca(ctx, ca):
    try:
        constraints = ca.extensions.get_extension_for_class(
            x509.BasicConstraints).value
        is_ca = constraints.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        ctx.add('CFG410', 'ca', 'the CA certificate has no basicConstraints '
                'CA:TRUE')
    _check_validity(ctx, 'ca', ca)


def _issued_by(cert, ca):
    try:
        cert.verify_directly_issued_by(ca)
        return True
    except Exception:  # noqa: BLE001 (ValueError, TypeError, InvalidSignature)
        return False


def _public_bytes(key):
    return key.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def _check_usage(ctx, role, cert):
    oid, name = _EKU[role]
    try:
        eku = cert.extensions.get_extension_for_class(
            x509.ExtendedKeyUsage).value
        if oid not in eku:
            ctx.add('CFG408', role, f'{role} lacks extendedKeyUsage {name}')
    except x509.ExtensionNotFound:
        pass  # no EKU: any purpose
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        if not usage.digital_signature:
            ctx.add('CFG408', role, f'{role} keyUsage lacks '
                    'digitalSignature')
    except x509.ExtensionNotFound:
        pass


def _san_names(cert):
    try:
        san = cert.extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None, None
    dns = [n.lower() for n in san.get_values_for_type(x509.DNSName)]
    return dns, san.get_values_for_type(x509.IPAddress)


def _dns_covers(pattern, name):
    if pattern == name:
        return True
    if pattern.startswith('*.') and '.' in name:
        return name.split('.', 1)[1] == pattern[2:]
    return False


def _covers(wanted, dns, ips):
    try:
        return ipaddress.ip_address(wanted) in ips
    except ValueError:
        return any(_dns_covers(p, wanted.lower()) for p in dns)


def _check_san(ctx, cert, names):
    dns, ips = _san_names(cert)
    if dns is None:
        ctx.add('CFG407', 'server-cert', 'server-cert has no '
                'subjectAltName; peers cannot verify '
                f'{", ".join(names)}')
        return
    missing = [n for n in names if not _covers(n, dns, ips)]
    if missing:
        have = ', '.join(dns + [str(i) for i in ips]) or 'nothing'
        ctx.add('CFG407', 'server-cert', f'server-cert SAN ({have}) does '
                f'not cover {", ".join(missing)}')


def _check_leaf(ctx, role, ca):
    cert = ctx.loaded.objects.get(role)
    if cert is None:
        return
    if ca is not None and not _issued_by(cert, ca):
        ctx.add('CFG403', role, f'{role} is not signed by the CA in '
                f'{ctx.loaded.paths["ca"].name}')
    _check_validity(ctx, role, cert)
    key = ctx.loaded.objects.get(role.replace('-cert', '-key'))
    if key is not None and _public_bytes(key.public_key()) != _public_bytes(
            cert.public_key()):
        ctx.add('CFG406', role, f'{role} and '
                f'{role.replace("-cert", "-key")} do not belong together')
    _check_usage(ctx, role, cert)
    _check_strength(ctx, role, cert)


def _require_warn_days(warn_days):
    if (isinstance(warn_days, bool) or not isinstance(warn_days, int)
            or not 0 <= warn_days <= WARN_DAYS_MAX):
        raise exceptions.InputError(
            f'warn_days {warn_days!r} is not a whole number of days from 0 '
            f'to {WARN_DAYS_MAX}')


def check_tls(cert_dir: inputs.PathArg, host: str, *,
              addresses: Iterable[str] = (), layout: str = 'qemu',
              warn_days: int = WARN_DAYS,
              now: datetime.datetime | None = None,
              ca_cache: dict[Any, Any] | None = None) -> Report:
    """Check the TLS files of one host in ``cert_dir``.

    Args:
        cert_dir: the directory (``/etc/pki/qemu`` for layout ``qemu``,
            ``/etc/pki`` for layout ``libvirt``).
        host: the host name peers use (must be in the server SAN).
        addresses: addresses peers connect to (inbound address); each must
            be in the server SAN.
        warn_days: warn when a certificate expires sooner than this
            (0 to ``WARN_DAYS_MAX`` days).
        now: the time to check against (aware datetime; default: now).
        ca_cache: a dict shared across hosts to parse a common CA once.
    Returns:
        a Report of CFG4xx findings; a file that is missing or does not
        parse is a finding (CFG401/402), never an exception.
    Raises:
        InputError: ``warn_days`` is out of range.
    """
    _require_warn_days(warn_days)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    loaded = certfiles.load_host_files(cert_dir, layout, host, ROLES,
                                       ca_cache)
    ctx = _Ctx(loaded, host, now, warn_days)
    ca = loaded.objects.get('ca')
    if ca is not None:
        _check_ca(ctx, ca)
    for role in ('server-cert', 'client-cert'):
        _check_leaf(ctx, role, ca)
    server = loaded.objects.get('server-cert')
    names = [n for n in dict.fromkeys([host, *addresses]) if n]
    if server is not None and names:
        _check_san(ctx, server, names)
    return Report(ctx.findings)


def check_tls_inventory(inventory: 'Inventory', *, layout: str = 'qemu',
                        warn_days: int = WARN_DAYS,
                        now: datetime.datetime | None = None) -> Report:
    """Run :func:`check_tls` for every host of an inventory (one Report)."""
    _require_warn_days(warn_days)
    report = Report()
    ca_cache: dict[Any, Any] = {}
    for host in inventory.hosts:
        addresses = [a for a in (host.peer_address,) if a]
        report.extend(check_tls(
            inventory.cert_dir_of(host), host.fqdn, addresses=addresses,
            layout=layout, warn_days=warn_days, now=now, ca_cache=ca_cache))
    LOG.debug('checked certificates of %d hosts', len(inventory.hosts))
    return report
