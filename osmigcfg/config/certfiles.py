"""Locating and loading the certificate files of one compute host.

QEMU-native TLS reads fixed names from its cert dir (``/etc/pki/qemu``);
libvirtd's TLS listener reads the ``/etc/pki`` layout.  Loading never
raises for a bad file: problems are returned as findings (CFG401/402/409/
412) so one broken host does not hide the others.  A certificate is read
whole at load (cryptography parses extensions, key and signature algorithm
lazily), so the checks only ever see certificates that parse.
"""

import dataclasses
import os
import pathlib
import stat

from cryptography import exceptions as crypto_errors
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from osmigcfg import exceptions
from osmigcfg import inputs
from osmigcfg.config import codes  # noqa: F401 (registers the CFG codes)
from osmigcfg.findings import make_finding

#: layout -> role -> path relative to the cert dir
LAYOUTS = {
    'qemu': {
        'ca': 'ca-cert.pem',
        'server-cert': 'server-cert.pem',
        'server-key': 'server-key.pem',
        'client-cert': 'client-cert.pem',
        'client-key': 'client-key.pem',
    },
    'libvirt': {
        'ca': 'CA/cacert.pem',
        'server-cert': 'libvirt/servercert.pem',
        'server-key': 'libvirt/private/serverkey.pem',
        'client-cert': 'libvirt/clientcert.pem',
        'client-key': 'libvirt/private/clientkey.pem',
    },
}


@dataclasses.dataclass
class Loaded:
    """The parsed files of one host (None where a file is missing/bad)."""

    paths: dict
    objects: dict = dataclasses.field(default_factory=dict)
    findings: list = dataclasses.field(default_factory=list)


def _read(path, role, subject, loaded):
    try:
        mode = os.stat(path)
        data = inputs.read_bytes(path)  # regular files only, bounded
    except FileNotFoundError:
        loaded.findings.append(make_finding(
            'CFG401', f'{role} file {path} is missing', file=str(path),
            subject=subject))
        return None, None
    except (OSError, exceptions.FileReadError) as e:
        reason = getattr(e, 'reason', None) or e.strerror or e
        loaded.findings.append(make_finding(
            'CFG401', f'{role} file {path} cannot be read: {reason}',
            file=str(path), subject=subject))
        return None, None
    return data, mode


#: what cryptography raises for a certificate part it cannot read
_MALFORMED = (ValueError, TypeError, crypto_errors.UnsupportedAlgorithm,
              x509.DuplicateExtension, x509.UnsupportedGeneralNameType)


def _examine(cert):
    """Read every part of ``cert`` the checks use.

    cryptography parses extensions, the public key and the signature
    algorithm only when first asked for them; asking here makes a malformed
    part a CFG402 of this file instead of an error in the middle of a check.
    """
    _ = (cert.extensions, cert.public_key(), cert.signature_hash_algorithm,
         cert.not_valid_before_utc, cert.not_valid_after_utc)


def _detail(error):
    detail = str(error).splitlines()[0] if str(error) else ''
    return f' ({detail[:80]})' if detail else ''


class _Malformed(Exception):
    """A certificate that loads but has a part that does not parse."""


def _parse(data, role, path, subject, loaded, ca_cache):
    try:
        return _load(data, role, ca_cache)
    except _Malformed as e:
        reason = f'has a part that does not parse{_detail(e)}'
    except TypeError:
        reason = 'is encrypted; QEMU needs an unencrypted key'
    except crypto_errors.UnsupportedAlgorithm as e:
        reason = f'uses an algorithm osmigcfg cannot read{_detail(e)}'
    except (ValueError, x509.InvalidVersion) as e:
        what = 'key' if role.endswith('-key') else 'certificate'
        reason = f'is not a PEM {what}{_detail(e)}'
    loaded.findings.append(make_finding(
        'CFG402', f'{role} file {path} {reason}', file=str(path),
        subject=subject))
    return None


def _load(data, role, ca_cache):
    """The key or certificate in ``data``; raises what cryptography does."""
    if role.endswith('-key'):
        # We only compare the public half with the certificate, so the
        # (slow) RSA consistency check adds nothing here.
        return serialization.load_pem_private_key(
            data, password=None, unsafe_skip_rsa_key_validation=True)
    if role == 'ca' and data in ca_cache:
        return ca_cache[data]
    cert = x509.load_pem_x509_certificate(data)
    try:
        _examine(cert)
    except _MALFORMED as e:
        raise _Malformed(e) from None
    if role == 'ca':
        ca_cache[data] = cert
    return cert


def _check_key_mode(path, mode, subject, loaded):
    perms = stat.S_IMODE(mode.st_mode)
    if perms & (stat.S_IROTH | stat.S_IWOTH):
        loaded.findings.append(make_finding(
            'CFG409', f'private key {path} has mode {perms:04o}: everyone '
            'can read or change it', file=str(path), subject=subject))
    elif mode.st_uid == 0 and not perms & stat.S_IRGRP:
        loaded.findings.append(make_finding(
            'CFG412', f'private key {path} is root-only ({perms:04o}); '
            'QEMU runs as an unprivileged user and fails with "Unable to '
            'access credentials"', file=str(path), subject=subject))


def load_host_files(cert_dir, layout, subject, roles, ca_cache=None):
    """Read and parse ``roles`` of ``layout`` under ``cert_dir``."""
    names = LAYOUTS[layout]
    loaded = Loaded(paths={r: pathlib.Path(cert_dir) / names[r]
                           for r in roles})
    ca_cache = {} if ca_cache is None else ca_cache
    for role in roles:
        path = loaded.paths[role]
        data, mode = _read(path, role, subject, loaded)
        if data is None:
            continue
        if role.endswith('-key'):
            _check_key_mode(path, mode, subject, loaded)
        parsed = _parse(data, role, path, subject, loaded, ca_cache)
        if parsed is not None:
            loaded.objects[role] = parsed
    return loaded
