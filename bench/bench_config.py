"""Bench: render + validate + certificate check for a 1,000-host inventory.

Run: ``python bench/bench_config.py [--hosts N]``.  Prints the time per
host of osmigcfg's path (render the host's nova.conf, validate it with
every value and cross-option rule, check its five TLS files) and, measured
in the same run, two baselines:

* the naive per-host oslo.config approach: write the host's nova.conf,
  build a fresh ConfigOpts, register the options, parse and read every
  value (this catches bad values only: no cross-option rules, no TLS);
* ``oslo-config-validator`` run once on one host's file (it checks option
  names only).

Certificates are EC P-256 (generating 2,000 RSA keys would dominate the
setup, not the measurement); setup is not timed.  The bench prints
figures; it is not a timed test.
"""

import argparse
import datetime
import ipaddress
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID
from oslo_config import cfg

from osmigcfg import config
from osmigcfg.config import options

NOW = datetime.datetime.now(datetime.timezone.utc)


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject, issuer, issuer_key, key, is_ca=False, sans=(), eku=()):
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(NOW - datetime.timedelta(days=1))
               .not_valid_after(NOW + datetime.timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=is_ca,
                                                    path_length=None),
                              critical=True))
    if sans:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(list(sans)), critical=False)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)),
                                        critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(obj):
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_fleet(root, count):
    """Inventory text and per-host cert dirs under ``root``."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert('bench CA', 'bench CA', ca_key, ca_key, is_ca=True)
    lines = ['migration_network: 10.20.0.0/16',
             f'cert_dir: {root}/{{name}}', 'hosts:']
    for n in range(count):
        name, addr = f'cmp-{n:04d}', f'10.20.{n // 250}.{n % 250 + 1}'
        lines.append(f'  {name}: {{interface: ens4, address: {addr}}}')
        directory = root / name
        directory.mkdir()
        sans = [x509.DNSName(name),
                x509.IPAddress(ipaddress.ip_address(addr))]
        files = {'ca-cert.pem': _pem(ca)}
        for role, eku in (('server', [ExtendedKeyUsageOID.SERVER_AUTH]),
                          ('client', [ExtendedKeyUsageOID.CLIENT_AUTH])):
            key = ec.generate_private_key(ec.SECP256R1())
            files[f'{role}-cert.pem'] = _pem(_cert(name, 'bench CA', ca_key,
                                                   key, sans=sans, eku=eku))
            files[f'{role}-key.pem'] = _pem(key)
        for fname, data in files.items():
            (directory / fname).write_bytes(data)
            os.chmod(directory / fname, 0o640 if 'key' in fname else 0o644)
    return '\n'.join(lines) + '\n'


def run_osmigcfg(inventory_text, settings):
    """Our path; returns (seconds per stage, findings count)."""
    stages = {'inventory+hosts': 0.0, 'render': 0.0, 'validate': 0.0,
              'tls': 0.0}
    start = time.perf_counter()
    inventory = config.parse_inventory(inventory_text, 'fleet.yaml')
    found = len(config.check_hosts(inventory))
    config.render_config(settings, 'mosk', inventory=inventory)
    stages['inventory+hosts'] = time.perf_counter() - start
    ca_cache = {}
    for host in inventory.hosts:
        t0 = time.perf_counter()
        text = config.render_config(settings, 'nova-conf', host=host)
        t1 = time.perf_counter()
        found += len(config.validate_text(text, 'nova-conf', name=host.name))
        t2 = time.perf_counter()
        found += len(config.check_tls(inventory.cert_dir_of(host), host.fqdn,
                                      addresses=[host.peer_address],
                                      ca_cache=ca_cache))
        t3 = time.perf_counter()
        stages['render'] += t1 - t0
        stages['validate'] += t2 - t1
        stages['tls'] += t3 - t2
    return stages, found


def run_naive(inventory_text, settings, workdir):
    """Per host: a file, a fresh ConfigOpts, register, parse, read all."""
    inventory = config.parse_inventory(inventory_text, 'fleet.yaml')
    start = time.perf_counter()
    for host in inventory.hosts:
        path = workdir / f'{host.name}.conf'
        path.write_text(config.render_config(settings, 'nova-conf',
                                             host=host))
        conf = cfg.ConfigOpts()
        for group, opts in options.list_opts():
            conf.register_opts(opts,
                               group=None if group == 'DEFAULT' else group)
        conf(['--config-file', str(path)], default_config_files=[])
        for group, opts in options.GROUPS.items():
            node = conf if group == 'DEFAULT' else conf[group]
            for opt in opts:
                getattr(node, opt.name)
    return time.perf_counter() - start


def run_validator_once(path):
    exe = shutil.which('oslo-config-validator') or os.path.join(
        os.path.dirname(sys.executable), 'oslo-config-validator')
    if not os.path.exists(exe):
        return None
    start = time.perf_counter()
    subprocess.run([exe, '--namespace', 'osmigcfg.config', '--input-file',
                    str(path)], capture_output=True, check=False)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--hosts', type=int, default=1000)
    args = parser.parse_args(argv)
    settings = config.load_profile('secure')
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        (root / 'pki').mkdir()
        (root / 'naive').mkdir()
        t = time.perf_counter()
        inventory_text = make_fleet(root / 'pki', args.hosts)
        print(f'setup (not timed): {args.hosts} hosts, '
              f'{2 * args.hosts} certificates in '
              f'{time.perf_counter() - t:.1f} s')
        run_osmigcfg(inventory_text, settings)  # warm caches and templates
        stages, found = run_osmigcfg(inventory_text, settings)
        naive = run_naive(inventory_text, settings, root / 'naive')
        validator = run_validator_once(root / 'naive' / 'cmp-0000.conf')
    report(args.hosts, stages, found, naive, validator)


def report(hosts, stages, found, naive, validator):
    total = sum(stages.values())
    per_host = total / hosts * 1000
    print(f'osmigcfg: {total:.3f} s for {hosts} hosts = {per_host:.3f} '
          f'ms/host (target < 5 ms/host), {found} findings')
    for stage, seconds in stages.items():
        print(f'  {stage:16s} {seconds / hosts * 1000:7.3f} ms/host')
    naive_ms = naive / hosts * 1000
    print(f'baseline, naive per-host oslo.config load (values only): '
          f'{naive_ms:.3f} ms/host; ratio naive/osmigcfg = '
          f'{naive_ms / per_host:.2f}')
    if validator is not None:
        print(f'baseline, oslo-config-validator once on one file (names '
              f'only): {validator * 1000:.0f} ms; osmigcfg checks '
              f'{validator / (per_host / 1000):.0f} hosts fully in that '
              'time')


if __name__ == '__main__':
    main()
