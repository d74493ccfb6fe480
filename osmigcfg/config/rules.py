"""Cross-option rules (CFG2xx): settings that are fine alone, wrong together.

Each rule is a function of the checked settings returning findings; a rule
about a layer (libvirtd.conf, qemu.conf) runs only when some input
describes that layer, so validating a lone nova.conf never guesses what
libvirtd does.  Sources (Nova 34 code and docs, libvirt docs) are in the
config reference's code table.
"""

import logging

from osmigcfg.config import codes  # noqa: F401 (registers the CFG codes)
from osmigcfg.config import model
from osmigcfg.findings import make_finding

LOG = logging.getLogger(__name__)

NOVA, LIBVIRTD, QEMU = model.NOVA, model.LIBVIRTD, model.QEMU
POSTCOPY_MULTIFD_QEMU = (10, 1)
_FILES = {LIBVIRTD: 'libvirtd.conf', QEMU: 'qemu.conf'}
_GROUP = {name: group for group, name, _ in model.nova_fields()}


def _label(layer, key):
    if layer == NOVA:
        return f'[{_GROUP[key]}] {key}'
    return f'{_FILES[layer]} {key}'


def _finding(checked, code, message, *where, **kw):
    """A finding located at the first of ``where`` ((layer, key)) set."""
    for layer, key in where:
        entry = checked.where.get((layer, key))
        if entry is not None:
            origin = f' (from {entry.origin})' if entry.origin else ''
            return make_finding(code, message + origin, file=entry.file,
                                line=entry.line, subject=_label(layer, key),
                                **kw)
    layer, key = where[0]
    return make_finding(code, message,
                        subject=f'{_label(layer, key)} (default)', **kw)


def _native_and_tunnelled(c, lm, tls, ctx):
    if lm.live_migration_with_native_tls and lm.live_migration_tunnelled:
        yield _finding(c, 'CFG201', 'live_migration_with_native_tls and '
                       'live_migration_tunnelled are both true: '
                       'nova-compute refuses to start',
                       (NOVA, 'live_migration_tunnelled'),
                       (NOVA, 'live_migration_with_native_tls'))


def _plain_control(c, lm, tls, ctx):
    if lm.control_scheme != 'tcp':
        return
    extra = (' (native TLS protects the migration streams, not this '
             'connection)' if lm.live_migration_with_native_tls else '')
    yield _finding(c, 'CFG202', 'the libvirtd-to-libvirtd connection is '
                   f'qemu+tcp, unencrypted{extra}',
                   (NOVA, 'live_migration_scheme'),
                   (NOVA, 'live_migration_uri'))


def _plain_data(c, lm, tls, ctx):
    if lm.live_migration_with_native_tls:
        return
    scheme = lm.control_scheme
    if lm.live_migration_tunnelled and scheme in ('tls', 'ssh'):
        return  # tunnelled through an encrypted libvirtd connection
    if lm.live_migration_tunnelled:
        why = f'tunnelled through a plain {scheme} libvirtd connection'
    elif scheme == 'tls':
        why = ('libvirtd\'s connection uses TLS, but RAM and disks go over '
               'a separate QEMU stream in clear text (what kolla\'s '
               'libvirt_tls alone gives)')
    else:
        why = 'neither native TLS nor an encrypted tunnel is used'
    yield _finding(c, 'CFG204', f'migration data is unencrypted: {why}',
                   (NOVA, 'live_migration_with_native_tls'),
                   (NOVA, 'live_migration_scheme'))


def _uri_overrides(c, lm, tls, ctx):
    if not lm.live_migration_uri:
        return
    shadowed = [k for k in ('live_migration_scheme',
                            'live_migration_inbound_addr')
                if getattr(lm, k)]
    if shadowed:
        yield _finding(c, 'CFG205', f'live_migration_uri '
                       f'{lm.live_migration_uri!r} overrides '
                       f'{" and ".join(shadowed)}',
                       (NOVA, 'live_migration_uri'))


def _post_copy(c, lm, tls, ctx):
    if not lm.live_migration_permit_post_copy:
        return
    if lm.live_migration_permit_auto_converge:
        yield _finding(c, 'CFG206', 'post-copy is permitted, so '
                       'auto-converge is never used',
                       (NOVA, 'live_migration_permit_auto_converge'))
    qemu = ctx.get('qemu_version')
    if lm.live_migration_parallel_connections > 1 and (
            qemu is None or tuple(qemu) < POSTCOPY_MULTIFD_QEMU):
        yield _parallel_post_copy(c, lm, qemu)
    if lm.live_migration_with_native_tls:
        yield _finding(c, 'CFG227', 'post-copy with native TLS: block '
                       'migration (TLS-encrypted NBD) plus post-copy has '
                       'known libvirt problems',
                       (NOVA, 'live_migration_permit_post_copy'))


def _parallel_post_copy(c, lm, qemu):
    message = (f'live_migration_parallel_connections = '
               f'{lm.live_migration_parallel_connections} with post-copy '
               'needs QEMU >= 10.1 on every compute')
    where = (NOVA, 'live_migration_parallel_connections')
    if qemu is not None:
        return _finding(c, 'CFG207', message + f' (QEMU is '
                        f'{".".join(map(str, qemu))}: nova-compute refuses '
                        'to start)', where, severity='error')
    return _finding(c, 'CFG207', message, where)


def _timeouts(c, lm, tls, ctx):
    timeout = lm.live_migration_completion_timeout
    product = lm.live_migration_downtime_delay * \
        lm.live_migration_downtime_steps
    if timeout and timeout <= product:
        yield _finding(c, 'CFG208', f'live_migration_completion_timeout = '
                       f'{timeout} does not exceed downtime_delay x '
                       f'downtime_steps = {product}: migrations stop before '
                       'the downtime steps are done',
                       (NOVA, 'live_migration_completion_timeout'))
    if lm.live_migration_timeout_action != 'force_complete':
        return
    if not timeout:
        yield _finding(c, 'CFG210', 'timeout_action = force_complete never '
                       'fires: live_migration_completion_timeout is 0',
                       (NOVA, 'live_migration_timeout_action'))
    elif not lm.live_migration_permit_post_copy:
        yield _finding(c, 'CFG209', 'timeout_action = force_complete without '
                       'post-copy pauses the guest until the copy completes',
                       (NOVA, 'live_migration_timeout_action'))


def _shared_inbound(c, lm, tls, ctx):
    entry = c.where.get((NOVA, 'live_migration_inbound_addr'))
    if entry is not None and entry.file in c.shared_files \
            and not entry.implied:
        yield _finding(c, 'CFG211', f'live_migration_inbound_addr = '
                       f'{lm.live_migration_inbound_addr} would be the same '
                       'on every compute host',
                       (NOVA, 'live_migration_inbound_addr'))


def _mosk_interface(c, lm, tls, ctx):
    if 'migration_interface' in c.facts:
        return
    for path, form in c.forms.items():
        if form == 'mosk':
            yield make_finding(
                'CFG212', 'spec.features.nova.live_migration_interface is '
                'missing; the OpenStackDeployment schema requires it',
                file=path, subject='spec.features.nova')


NOVA_RULES = (_native_and_tunnelled, _plain_control, _plain_data,
              _uri_overrides, _post_copy, _timeouts, _shared_inbound,
              _mosk_interface)


def _unauthenticated_tcp(c, lm, tls, ctx):
    if tls.listen_tcp and tls.auth_tcp == 'none':
        yield _finding(c, 'CFG203', 'libvirtd listens on TCP with auth_tcp '
                       '= "none": anyone on that network controls every '
                       'guest', (LIBVIRTD, 'auth_tcp'),
                       (LIBVIRTD, 'listen_tcp'))


def _tls_listener(c, lm, tls, ctx):
    if NOVA not in ctx['layers'] or lm.control_scheme != 'tls':
        return
    if not tls.listen_tls:
        yield _finding(c, 'CFG220', 'live migration connects with '
                       'qemu+tls but libvirtd does not listen on TLS',
                       (LIBVIRTD, 'listen_tls'))
    if tls.listen_tcp:
        yield _finding(c, 'CFG221', 'migrations use TLS but libvirtd also '
                       'listens on plain TCP', (LIBVIRTD, 'listen_tcp'))


def _qemu_verify(c, lm, tls, ctx):
    native = lm.live_migration_with_native_tls
    if NOVA in ctx['layers'] and native:
        if not tls.migration_verify:
            yield _finding(c, 'CFG222', 'QEMU accepts any peer certificate '
                           'when migrating: the TLS stream can be '
                           'intercepted', (QEMU, 'migrate_tls_x509_verify'),
                           (QEMU, 'default_tls_x509_verify'))
        elif (tls.migrate_tls_x509_verify is None
              and tls.default_tls_x509_verify is None):
            yield _finding(c, 'CFG223', 'qemu.conf sets neither '
                           'default_tls_x509_verify nor '
                           'migrate_tls_x509_verify',
                           (QEMU, 'default_tls_x509_verify'))
        if not tls.migrate_tls_force:
            yield _finding(c, 'CFG224', 'migrate_tls_force is off: QEMU '
                           'also accepts migrations without TLS',
                           (QEMU, 'migrate_tls_force'))
    if NOVA in ctx['layers'] and tls.migrate_tls_force and not native:
        yield _finding(c, 'CFG225', 'qemu.conf migrate_tls_force = 1 but '
                       'live_migration_with_native_tls is off: QEMU refuses '
                       'every live migration', (QEMU, 'migrate_tls_force'),
                       (NOVA, 'live_migration_with_native_tls'))


def _port_range(c, lm, tls, ctx):
    if tls.migration_port_min > tls.migration_port_max:
        yield _finding(c, 'CFG226', f'migration_port_min '
                       f'{tls.migration_port_min} > migration_port_max '
                       f'{tls.migration_port_max}',
                       (QEMU, 'migration_port_min'))


LAYER_RULES = {
    LIBVIRTD: (_unauthenticated_tcp, _tls_listener),
    QEMU: (_qemu_verify, _port_range),
}


def check_rules(checked, qemu_version=None):
    """Run every cross-option rule that the described layers allow.

    Args:
        checked: a :class:`osmigcfg.config.values.Checked`.
        qemu_version: ``(major, minor)`` of QEMU on the computes, if known
            (makes CFG207 an error below 10.1).
    Returns:
        a list of findings.
    """
    ctx = {'layers': checked.layers, 'qemu_version': qemu_version}
    rules = list(NOVA_RULES) if NOVA in checked.layers else []
    for layer, layer_rules in LAYER_RULES.items():
        if layer in checked.layers:
            rules.extend(layer_rules)
    lm, tls = checked.settings.live_migration, checked.settings.tls
    findings = []
    for rule in rules:
        findings.extend(rule(checked, lm, tls, ctx))
    LOG.debug('%d rules, %d findings', len(rules), len(findings))
    return findings
