"""Finding codes of the live-migration and TLS settings subsystem.

``CFG1xx`` option values, ``CFG2xx`` cross-option rules, ``CFG3xx`` host
inventory, ``CFG4xx`` TLS certificates.  Each has one line of meaning and a
fix hint; the config reference (doc/source/user/config-reference.md) lists
them in a table (a test keeps the two in step).
"""

from osmigcfg.findings import CodeInfo
from osmigcfg.findings import register_codes

E, W, I = 'error', 'warning', 'info'

CODES = (
    # -- CFG1xx: option values -------------------------------------------
    CodeInfo('CFG101', E, 'unknown live-migration option (Nova ignores it)',
             'fix the spelling or remove the line'),
    CodeInfo('CFG102', E, 'option in the wrong section (Nova ignores it '
             'there)', 'move the line to the section named in the message'),
    CodeInfo('CFG103', W, 'deprecated option is set',
             'use the replacement named in the message'),
    CodeInfo('CFG104', W, 'option removed from Nova (no effect)',
             'remove the line; use the replacement named in the message'),
    CodeInfo('CFG105', W, 'option set more than once (nova.conf: the last '
             'one wins; libvirtd.conf/qemu.conf: the first)',
             'keep one line'),
    CodeInfo('CFG110', E, 'value has the wrong type',
             'write a value of the type named in the message'),
    CodeInfo('CFG111', E, 'value out of range',
             'use a value within the limits named in the message'),
    CodeInfo('CFG112', E, 'value is not one of the allowed choices',
             'use one of the choices named in the message'),
    CodeInfo('CFG113', W, 'deprecated value',
             'use a value that is not deprecated (see the message)'),
    CodeInfo('CFG114', W, 'value is accepted but has no sensible meaning',
             'use a positive value'),
    # -- CFG2xx: cross-option rules ----------------------------------------
    CodeInfo('CFG201', E, 'native TLS and tunnelled migration together: '
             'nova-compute refuses to start',
             'drop live_migration_tunnelled, keep '
             'live_migration_with_native_tls'),
    CodeInfo('CFG202', W, 'libvirtd control connection is plain TCP',
             'set [libvirt] live_migration_scheme = tls and enable '
             'libvirtd\'s TLS listener'),
    CodeInfo('CFG203', W, 'libvirtd accepts unauthenticated TCP '
             'connections', 'set listen_tcp = 0 (use TLS) or auth_tcp = '
             '"sasl"'),
    CodeInfo('CFG204', W, 'migration data (RAM, disks) is sent unencrypted',
             'set [libvirt] live_migration_with_native_tls = true'),
    CodeInfo('CFG205', W, 'live_migration_uri overrides the scheme and the '
             'inbound address', 'remove live_migration_uri; use '
             'live_migration_scheme and live_migration_inbound_addr'),
    CodeInfo('CFG206', I, 'post-copy takes precedence: auto-converge is '
             'never used', 'disable one of the two'),
    CodeInfo('CFG207', W, 'parallel connections with post-copy need QEMU '
             '>= 10.1', 'upgrade QEMU on every compute, or set '
             'live_migration_parallel_connections = 1'),
    CodeInfo('CFG208', W, 'completion timeout does not exceed downtime '
             'delay x steps', 'raise live_migration_completion_timeout '
             'above the product'),
    CodeInfo('CFG209', W, 'force_complete without post-copy pauses the '
             'guest', 'permit post-copy, or use timeout_action = abort'),
    CodeInfo('CFG210', I, 'timeout action never fires (completion timeout '
             'is 0)', 'set a completion timeout, or drop the action'),
    CodeInfo('CFG211', E, 'inbound address set in a config shared by all '
             'computes', 'set it per host (host vars / per-node '
             'override), or let the tool derive it from the interface'),
    CodeInfo('CFG212', E, 'MOSK requires a live-migration interface',
             'set spec.features.nova.live_migration_interface (the NIC '
             'name, the same on every host; vhost0 with Tungsten Fabric)'),
    CodeInfo('CFG220', E, 'TLS scheme but libvirtd does not listen on TLS',
             'set listen_tls = 1 in libvirtd.conf'),
    CodeInfo('CFG221', W, 'libvirtd still listens on plain TCP while '
             'migrations use TLS', 'set listen_tcp = 0 in libvirtd.conf'),
    CodeInfo('CFG222', E, 'QEMU does not verify the peer certificate',
             'set default_tls_x509_verify = 1 (and drop '
             'migrate_tls_x509_verify = 0) in qemu.conf'),
    CodeInfo('CFG223', I, 'certificate verification relies on libvirt\'s '
             'fallback default', 'set default_tls_x509_verify = 1 in '
             'qemu.conf'),
    CodeInfo('CFG224', I, 'QEMU still accepts migrations without TLS',
             'set migrate_tls_force = 1 in qemu.conf once every compute '
             'has native TLS'),
    CodeInfo('CFG225', E, 'QEMU requires TLS but Nova does not use native '
             'TLS: every live migration fails',
             'set live_migration_with_native_tls = true, or '
             'migrate_tls_force = 0'),
    CodeInfo('CFG226', E, 'migration port range is empty',
             'make migration_port_min <= migration_port_max'),
    CodeInfo('CFG227', I, 'post-copy with TLS-encrypted block migration '
             'has known libvirt problems', 'test post-copy with block '
             'migration first (see edpm-ansible#626)'),
    # -- CFG3xx: hosts -----------------------------------------------------
    CodeInfo('CFG301', W, 'migration interface names differ across hosts',
             'name the migration NIC the same everywhere, or set per-host '
             'overrides'),
    CodeInfo('CFG302', E, 'two hosts share a migration address',
             'give every host its own address'),
    CodeInfo('CFG303', E, 'two hosts share an inbound address',
             'give every host its own live_migration_inbound_addr'),
    CodeInfo('CFG304', E, 'address outside the migration network',
             'use an address in migration_network, or fix the CIDR'),
    CodeInfo('CFG305', W, 'inbound address is not the migration '
             'interface\'s address', 'set live_migration_inbound_addr to '
             'the migration NIC\'s address'),
    CodeInfo('CFG306', E, 'host listed more than once',
             'keep one entry per host'),
    CodeInfo('CFG307', E, 'host lacks a migration interface or address',
             'add interface and address to the host entry'),
    CodeInfo('CFG308', E, 'host name is not an RFC 1123 host name',
             'use letters, digits and hyphens in dot-separated labels of '
             '1-63 characters, no hyphen at a label\'s start or end'),
    CodeInfo('CFG309', E, 'interface name is not a Linux interface name',
             'write the NIC name as `ip link` shows it: 1-15 printable '
             'characters, no whitespace, "/", ":" or "%"'),
    CodeInfo('CFG310', E, 'address or network is not a plain IP address '
             'or CIDR', 'write an IPv4 or IPv6 address without a %zone, '
             'or a CIDR such as 10.20.0.0/24; inbound_addr may also be a '
             'host name'),
    CodeInfo('CFG311', E, 'certificate directory is not a usable path',
             'write the directory without control characters'),
    # -- CFG4xx: TLS certificates ------------------------------------------
    CodeInfo('CFG401', E, 'certificate or key file missing',
             'install the file (QEMU expects fixed names in its cert dir)'),
    CodeInfo('CFG402', E, 'certificate or key does not parse',
             'provide a PEM file'),
    CodeInfo('CFG403', E, 'certificate not issued by the CA',
             'reissue it from the CA in ca-cert.pem'),
    CodeInfo('CFG404', E, 'certificate expired or not yet valid',
             'reissue the certificate'),
    CodeInfo('CFG405', W, 'certificate expires soon',
             'renew the certificate'),
    CodeInfo('CFG406', E, 'private key does not match the certificate',
             'install the key the certificate was issued for'),
    CodeInfo('CFG407', E, 'certificate SAN does not cover the host name or '
             'inbound address', 'reissue with the name and address as '
             'subjectAltName'),
    CodeInfo('CFG408', E, 'key usage does not fit (server/client auth)',
             'reissue with extendedKeyUsage serverAuth (server) or '
             'clientAuth (client)'),
    CodeInfo('CFG409', E, 'private key readable or writable by everyone',
             'chmod 0640 and chown root:qemu'),
    CodeInfo('CFG410', E, 'CA certificate is not a CA',
             'use the CA certificate (basicConstraints CA:TRUE)'),
    CodeInfo('CFG411', W, 'weak key or signature hash',
             'reissue with RSA >= 2048 or EC, signed with SHA-256 or better'),
    CodeInfo('CFG412', W, 'QEMU may not be able to read the private key',
             'chmod 0640 and chown root:qemu (QEMU runs unprivileged)'),
)

register_codes(*CODES)
