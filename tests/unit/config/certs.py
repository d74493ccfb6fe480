"""Test certificates made on the fly with ``cryptography``.

A CA plus per-host server/client certificates, good by default; keyword
arguments break one property at a time (expired, wrong SAN, wrong key, wrong
EKU, no CA flag, weak key...).  EC P-256 keys keep generation fast.
"""

import base64
import datetime
import ipaddress
import os
import pathlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID

NOW = datetime.datetime(2026, 9, 1, 12, 0, tzinfo=datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


def new_key(kind='ec'):
    if kind == 'rsa1024':
        return rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(cn='osmigcfg test CA', is_ca=True, key=None):
    key = key or new_key()
    builder = (x509.CertificateBuilder()
               .subject_name(_name(cn)).issuer_name(_name(cn))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(NOW - 10 * DAY)
               .not_valid_after(NOW + 3650 * DAY)
               .add_extension(x509.BasicConstraints(ca=is_ca,
                                                    path_length=None),
                              critical=True))
    return builder.sign(key, hashes.SHA256()), key


def make_cert(ca, ca_key, cn, dns=(), ips=(), eku=None, key=None,
              not_before=None, not_after=None, san=True, digital_sig=True,
              hash_alg=None):
    key = key or new_key()
    builder = (x509.CertificateBuilder()
               .subject_name(_name(cn)).issuer_name(ca.subject)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before or NOW - DAY)
               .not_valid_after(not_after or NOW + 365 * DAY)
               .add_extension(
                   x509.BasicConstraints(ca=False, path_length=None),
                   critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=digital_sig, content_commitment=False,
                   key_encipherment=True, data_encipherment=False,
                   key_agreement=False, key_cert_sign=False, crl_sign=False,
                   encipher_only=False, decipher_only=False), critical=True))
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)),
                                        critical=False)
    if san:
        names = [x509.DNSName(d) for d in dns] + [
            x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
        builder = builder.add_extension(
            x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(ca_key, hash_alg or hashes.SHA256()), key


def pem(obj):
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


SERVER = ExtendedKeyUsageOID.SERVER_AUTH
CLIENT = ExtendedKeyUsageOID.CLIENT_AUTH


def write_host(directory, host='cmp-001', address='10.20.0.11', ca=None,
               key_mode=0o640, **broken):
    """Write a qemu cert dir for ``host``; ``broken`` overrides pieces.

    broken keys: server=(cert, key), client=(cert, key), server_key=key,
    ca_bytes=bytes, server_kwargs={...}, client_kwargs={...}, skip=[role],
    raw={file name: bytes}.
    """
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ca, ca_key = ca or make_ca()
    server = broken.get('server') or make_cert(
        ca, ca_key, host, dns=[host], ips=[address], eku=[SERVER, CLIENT],
        **broken.get('server_kwargs', {}))
    client = broken.get('client') or make_cert(
        ca, ca_key, host, dns=[host], eku=[CLIENT],
        **broken.get('client_kwargs', {}))
    files = {
        'ca-cert.pem': broken.get('ca_bytes') or pem(ca),
        'server-cert.pem': pem(server[0]),
        'server-key.pem': pem(broken.get('server_key') or server[1]),
        'client-cert.pem': pem(client[0]),
        'client-key.pem': pem(client[1]),
    }
    files.update(broken.get('raw', {}))
    for name, data in files.items():
        if name in broken.get('skip', ()):
            continue
        path = directory / name
        path.write_bytes(data)
        os.chmod(path, key_mode if 'key' in name else 0o644)
    return directory


# -- malformed files: made by cryptography, then one part broken ----------
# DER of object identifiers found in the EC certificates and keys above
EC_PUBLIC_KEY = bytes.fromhex('2a8648ce3d0201')       # 1.2.840.10045.2.1
ECDSA_SHA256 = bytes.fromhex('2a8648ce3d040302')      # 1.2.840.10045.4.3.2
P256 = bytes.fromhex('2a8648ce3d030107')              # 1.2.840.10045.3.1.7


def unknown(oid):
    """The same OID with its last arc changed to one nobody assigned."""
    return oid[:-1] + bytes([oid[-1] + 7])


def with_broken_extension(ca, ca_key, cn, oid):
    """A signed certificate whose extension ``oid`` is not valid ASN.1.

    cryptography loads it and fails only when the extensions are read.
    """
    key = new_key()
    cert = (x509.CertificateBuilder()
            .subject_name(_name(cn)).issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - DAY).not_valid_after(NOW + 365 * DAY)
            .add_extension(x509.UnrecognizedExtension(oid, b'\x30\x03\x02'),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    return cert, key


def with_oid_replaced(cert, old, new):
    """``cert`` with every ``old`` OID in its DER replaced by ``new``."""
    der = cert.public_bytes(serialization.Encoding.DER)
    assert old in der and len(old) == len(new)
    return x509.load_der_x509_certificate(der.replace(old, new))


def key_pem_with_oid_replaced(key, old, new):
    """PEM of ``key`` (PKCS#8) with ``old`` OID replaced by ``new``."""
    der = key.private_bytes(serialization.Encoding.DER,
                            serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    assert old in der and len(old) == len(new)
    body = base64.encodebytes(der.replace(old, new))
    return b'-----BEGIN PRIVATE KEY-----\n' + body + \
        b'-----END PRIVATE KEY-----\n'
