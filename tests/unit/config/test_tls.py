"""CFG4xx: certificate preflight against certificates made by the test."""

import os
import shutil
import subprocess

from cryptography import x509
import pytest

from osmigcfg import config
from osmigcfg import exceptions
from tests.findings_helpers import only
from tests.unit.config import certs

HOST, ADDR = 'cmp-001', '10.20.0.11'


@pytest.fixture(scope='module')
def ca():
    return certs.make_ca()


def check(directory, host=HOST, addresses=(ADDR,), **kw):
    return config.check_tls(str(directory), host, addresses=list(addresses),
                            now=certs.NOW, **kw)


def test_good_certificates_pass_clean(tmp_path, ca):
    assert list(check(certs.write_host(tmp_path, ca=ca))) == []


def test_missing_file_is_cfg401(tmp_path, ca):
    d = certs.write_host(tmp_path, ca=ca, skip=['client-key.pem'])
    f = only(check(d), 'CFG401')
    assert f.message == f'client-key file {d}/client-key.pem is missing'


def test_garbage_file_is_cfg402(tmp_path, ca):
    d = certs.write_host(tmp_path, ca=ca, ca_bytes=b'not a certificate\n')
    f = only(check(d), 'CFG402')
    assert f.message.startswith(f'ca file {d}/ca-cert.pem is not a PEM '
                                'certificate')


def test_certificate_from_another_ca_is_cfg403(tmp_path, ca):
    other, other_key = certs.make_ca('rogue CA')
    server = certs.make_cert(other, other_key, HOST, dns=[HOST], ips=[ADDR],
                             eku=[certs.SERVER])
    f = only(check(certs.write_host(tmp_path, ca=ca, server=server)),
             'CFG403')
    assert f.message == 'server-cert is not signed by the CA in ca-cert.pem'


def test_expired_certificate_is_cfg404(tmp_path, ca):
    d = certs.write_host(tmp_path, ca=ca, client_kwargs={
        'not_before': certs.NOW - 400 * certs.DAY,
        'not_after': certs.NOW - 5 * certs.DAY})
    f = only(check(d), 'CFG404')
    assert f.message == 'client-cert expired on 2026-08-27'


def test_not_yet_valid_certificate_is_cfg404(tmp_path, ca):
    d = certs.write_host(tmp_path, ca=ca, server_kwargs={
        'not_before': certs.NOW + certs.DAY})
    assert 'is not valid before' in only(check(d), 'CFG404').message


def test_expiring_certificate_is_a_cfg405_warning(tmp_path, ca):
    d = certs.write_host(tmp_path, ca=ca, server_kwargs={
        'not_after': certs.NOW + 10 * certs.DAY})
    f = only(check(d), 'CFG405')
    assert f.severity == 'warning'
    assert f.message == 'server-cert expires in 10 days (2026-09-11)'
    assert list(check(d, warn_days=5)) == []


def test_key_of_another_certificate_is_cfg406(tmp_path, ca):
    d = certs.write_host(tmp_path, ca=ca, server_key=certs.new_key())
    f = only(check(d), 'CFG406')
    assert f.message == 'server-cert and server-key do not belong together'


def test_san_without_inbound_address_is_cfg407(tmp_path, ca):
    d = certs.write_host(tmp_path, ca=ca)
    f = only(check(d, addresses=['10.20.0.99']), 'CFG407')
    assert f.message == ('server-cert SAN (cmp-001, 10.20.0.11) does not '
                         'cover 10.20.0.99')


def test_certificate_without_san_is_cfg407(tmp_path, ca):
    server = certs.make_cert(*ca, HOST, eku=[certs.SERVER], san=False)
    f = only(check(certs.write_host(tmp_path, ca=ca, server=server)),
             'CFG407')
    assert 'has no subjectAltName' in f.message


def test_wildcard_san_covers_the_host(tmp_path, ca):
    server = certs.make_cert(*ca, HOST, dns=['*.lm.example'], ips=[ADDR],
                             eku=[certs.SERVER])
    d = certs.write_host(tmp_path, ca=ca, server=server)
    assert list(check(d, host='cmp-001.lm.example')) == []


def test_server_certificate_without_server_auth_is_cfg408(tmp_path, ca):
    server = certs.make_cert(*ca, HOST, dns=[HOST], ips=[ADDR],
                             eku=[certs.CLIENT])
    f = only(check(certs.write_host(tmp_path, ca=ca, server=server)),
             'CFG408')
    assert f.message == 'server-cert lacks extendedKeyUsage serverAuth'


def test_key_usage_without_digital_signature_is_cfg408(tmp_path, ca):
    d = certs.write_host(tmp_path, ca=ca,
                         client_kwargs={'digital_sig': False})
    assert only(check(d), 'CFG408').message == (
        'client-cert keyUsage lacks digitalSignature')


def test_world_readable_key_is_cfg409(tmp_path, ca):
    d = certs.write_host(tmp_path, ca=ca, key_mode=0o644)
    found = [f for f in check(d) if f.code == 'CFG409']
    assert len(found) == 2
    assert found[0].message == (f'private key {d}/server-key.pem has mode '
                                '0644: everyone can read or change it')


def test_non_ca_as_ca_is_cfg410(tmp_path):
    fake = certs.make_ca(is_ca=False)
    f = only(check(certs.write_host(tmp_path, ca=fake)), 'CFG410')
    assert f.message == 'the CA certificate has no basicConstraints CA:TRUE'


def test_weak_key_is_cfg411(tmp_path, ca):
    server = certs.make_cert(*ca, HOST, dns=[HOST], ips=[ADDR],
                             key=certs.new_key('rsa1024'), eku=[certs.SERVER])
    f = only(check(certs.write_host(tmp_path, ca=ca, server=server)),
             'CFG411')
    assert f.message == 'server-cert has a 1024-bit RSA key'


@pytest.mark.skipif(not shutil.which('openssl'), reason='needs openssl')
def test_sha1_signature_is_cfg411(tmp_path, ca):
    # cryptography refuses to sign with SHA-1; openssl still can
    d = certs.write_host(tmp_path, ca=ca)
    subprocess.run(
        ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
         'ec_paramgen_curve:P-256', '-nodes', '-sha1', '-days', '1',
         '-subj', '/CN=cmp-001', '-keyout', str(d / 'server-key.pem'),
         '-out', str(d / 'server-cert.pem')], check=True,
        capture_output=True)
    found = [f.message for f in check(d) if f.code == 'CFG411']
    assert found == ['server-cert is signed with sha1']


@pytest.mark.skipif(os.geteuid() != 0, reason='needs root-owned files')
def test_root_only_key_is_cfg412(tmp_path, ca):
    d = certs.write_host(tmp_path, ca=ca, key_mode=0o600)
    found = [f for f in check(d) if f.code == 'CFG412']
    assert len(found) == 2
    assert 'Unable to access credentials' in found[0].message


def test_libvirt_layout_is_read_from_etc_pki(tmp_path, ca):
    qemu = certs.write_host(tmp_path / 'qemu', ca=ca)
    for role, rel in (('ca-cert.pem', 'CA/cacert.pem'),
                      ('server-cert.pem', 'libvirt/servercert.pem'),
                      ('server-key.pem', 'libvirt/private/serverkey.pem'),
                      ('client-cert.pem', 'libvirt/clientcert.pem'),
                      ('client-key.pem', 'libvirt/private/clientkey.pem')):
        target = tmp_path / 'pki' / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((qemu / role).read_bytes())
        os.chmod(target, 0o640)
    assert list(check(tmp_path / 'pki', layout='libvirt')) == []


def test_inventory_check_covers_every_host(tmp_path, ca):
    certs.write_host(tmp_path / 'cmp-001', ca=ca)
    certs.write_host(tmp_path / 'cmp-002', 'cmp-002', '10.20.0.12', ca=ca)
    inv = config.parse_inventory(
        f'cert_dir: {tmp_path}/{{name}}\nhosts:\n'
        '  cmp-001: {interface: e, address: 10.20.0.11}\n'
        '  cmp-002: {interface: e, address: 10.20.0.12, '
        'inbound_addr: 10.20.0.22}\n', 'inv.yaml')
    report = config.check_tls_inventory(inv, now=certs.NOW)
    assert [(f.code, f.location.subject) for f in report] == [
        ('CFG407', 'cmp-002')]


# -- malformed files are CFG402 of that file; the other hosts go on --------

@pytest.mark.parametrize('oid', [
    x509.oid.ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
    x509.oid.ExtensionOID.EXTENDED_KEY_USAGE,
    x509.oid.ExtensionOID.KEY_USAGE,
    x509.oid.ExtensionOID.BASIC_CONSTRAINTS,
], ids=lambda oid: oid._name)
def test_certificate_with_a_malformed_extension_is_cfg402(tmp_path, ca, oid):
    server = certs.with_broken_extension(*ca, HOST, oid)
    d = certs.write_host(tmp_path, ca=ca, server=server)
    f = only(check(d), 'CFG402')
    assert f.message.startswith(f'server-cert file {d}/server-cert.pem has '
                                'a part that does not parse (error parsing '
                                'asn1 value')
    assert f.location.file == f'{d}/server-cert.pem'
    assert [g.code for g in check(d)] == ['CFG402']


@pytest.mark.parametrize('old, detail', [
    (certs.ECDSA_SHA256, 'Signature algorithm OID: 1.2.840.10045.4.3.9 not '
                         'recognized'),
    (certs.EC_PUBLIC_KEY, 'Unknown key type: 1.2.840.10045.2.8'),
    (certs.P256, 'Curve 1.2.840.10045.3.1.14 is not supported'),
], ids=['signature', 'key-type', 'curve'])
def test_certificate_with_an_unknown_algorithm_is_cfg402(tmp_path, ca, old,
                                                        detail):
    cert, key = certs.make_cert(*ca, HOST, dns=[HOST], ips=[ADDR],
                                eku=[certs.CLIENT])
    client = (certs.with_oid_replaced(cert, old, certs.unknown(old)), key)
    d = certs.write_host(tmp_path, ca=ca, client=client)
    assert only(check(d), 'CFG402').message == (
        f'client-cert file {d}/client-cert.pem has a part that does not '
        f'parse ({detail})')


def test_key_on_an_unknown_curve_is_cfg402(tmp_path, ca):
    raw = certs.key_pem_with_oid_replaced(certs.new_key(), certs.P256,
                                          certs.unknown(certs.P256))
    d = certs.write_host(tmp_path, ca=ca, raw={'server-key.pem': raw})
    assert only(check(d), 'CFG402').message == (
        f'server-key file {d}/server-key.pem uses an algorithm osmigcfg '
        'cannot read (Curve 1.2.840.10045.3.1.14 is not supported)')


def test_inventory_check_reports_a_malformed_file_per_host_and_goes_on(
        tmp_path, ca):
    broken = certs.with_broken_extension(
        *ca, HOST, x509.oid.ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    certs.write_host(tmp_path / 'cmp-001', ca=ca, server=broken)
    certs.write_host(tmp_path / 'cmp-002', 'cmp-002', '10.20.0.12', ca=ca)
    bad_ca = certs.with_broken_extension(
        *ca, 'bad CA', x509.oid.ExtensionOID.BASIC_CONSTRAINTS)[0]
    for name in ('cmp-003', 'cmp-004'):
        certs.write_host(tmp_path / name, name, '10.20.0.13', ca=ca,
                         raw={'ca-cert.pem': certs.pem(bad_ca)})
    inv = config.parse_inventory(
        f'cert_dir: {tmp_path}/{{name}}\nhosts:\n'
        '  cmp-001: {interface: e, address: 10.20.0.11}\n'
        '  cmp-002: {interface: e, address: 10.20.0.12, '
        'inbound_addr: 10.20.0.22}\n'
        '  cmp-003: {interface: e, address: 10.20.0.13}\n'
        '  cmp-004: {interface: e, address: 10.20.0.13}\n', 'inv.yaml')
    report = config.check_tls_inventory(inv, now=certs.NOW)
    assert [(f.code, f.location.subject, f.location.file) for f in report] \
        == [('CFG402', 'cmp-001', f'{tmp_path}/cmp-001/server-cert.pem'),
            ('CFG407', 'cmp-002', f'{tmp_path}/cmp-002/server-cert.pem'),
            ('CFG402', 'cmp-003', f'{tmp_path}/cmp-003/ca-cert.pem'),
            ('CFG402', 'cmp-004', f'{tmp_path}/cmp-004/ca-cert.pem')]


@pytest.mark.parametrize('days', [-1, 3651, 10 ** 12, 2.5, True])
def test_warn_days_out_of_range_is_an_input_error(tmp_path, ca, days):
    d = certs.write_host(tmp_path, ca=ca)
    with pytest.raises(exceptions.InputError, match='from 0 to 3650'):
        check(d, warn_days=days)


def test_warn_days_up_to_ten_years_is_accepted(tmp_path, ca):
    d = certs.write_host(tmp_path, ca=ca)
    # the leaf certificates expire in a year; the CA in exactly 3650 days
    assert [f.code for f in check(d, warn_days=3650)] == ['CFG405'] * 2
