"""``readiness``: will each kind of migration work, and if not, why.

``osmigcfg readiness --nova-conf nova.conf --role-assignments roles.yaml``
(files only) or ``osmigcfg --os-cloud admin readiness ...`` (and the
cloud's facts; keystone's role assignments unless a file is given).  It
parses its arguments, calls :func:`osmigcfg.readiness.assess` and lists
one row per kind of migration; the exit status is 1 when a finding
reaches ``--fail-on`` (by default: when a kind is blocked).
"""

from cliff import lister

from osmigcfg import files
from osmigcfg import readiness
from osmigcfg.cli import base
from osmigcfg.policy import catalog
from osmigcfg.readiness import online

FAIL_LEVELS = ('error', 'warning', 'info')
COLUMNS = ('Kind', 'Verdict', 'Reasons')


def _add_file_arguments(parser):
    group = parser.add_argument_group('configuration (all optional)')
    for name, what in (('nova-conf', "Nova's nova.conf (the controller's: "
                        'auth sections, [service_user], live migration)'),
                       ('neutron-conf', "Neutron's neutron.conf ([nova])"),
                       ('cinder-conf', "Cinder's cinder.conf "
                        '([keystone_authtoken] service token roles)')):
        group.add_argument(f'--{name}', metavar='<file>', help=what)
    group.add_argument('--inventory', metavar='<file>',
                       help='compute host inventory (as `config check-hosts`)')
    group.add_argument('--check-certs', action='store_true',
                       help="also check each inventory host's migration TLS "
                            'certificates (as `config check-tls`)')
    group.add_argument('--tls-layout', choices=('qemu', 'libvirt'),
                       default='qemu', help='certificate layout (default: '
                                            'qemu)')
    group = parser.add_argument_group('policies (default: each service\'s '
                                      'own defaults)')
    for service in catalog.SERVICES:
        group.add_argument(f'--{service}-policy', metavar='<file|dir>',
                           help=f"{service.capitalize()}'s policy file or "
                                'policy.d directory')
    base.add_release_argument(group)
    group.add_argument(
        '--no-enforce-new-defaults', dest='enforce_new_defaults',
        action='store_false', default=True,
        help='evaluate every policy as with enforce_new_defaults=false')


def _add_identity_arguments(parser):
    group = parser.add_argument_group('identities')
    group.add_argument(
        '--role-assignments', metavar='<file>',
        help='YAML: "user: [roles]" on the service project, or the output '
             'of `openstack role assignment list --effective --names -f '
             'yaml` (default with --os-cloud: ask keystone)')
    group.add_argument(
        '--caller-role', metavar='<role>', action='append',
        dest='caller_roles', help='a role of the user who starts migrations '
        '(repeatable; default: admin)')


class AssessReadiness(base.ExitStatusMixin, base.OfflineMixin,
                      lister.Lister):
    """Will each kind of migration work in this cloud? (ready / blocked)"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_file_arguments(parser)
        _add_identity_arguments(parser)
        parser.add_argument(
            '--timeout', metavar='<seconds>', type=float,
            default=online.DEFAULT_TIMEOUT,
            help='seconds each cloud request may take (with --os-cloud; '
                 f'default {online.DEFAULT_TIMEOUT:g})')
        parser.add_argument(
            '--fail-on', default='error', choices=FAIL_LEVELS,
            help='lowest finding severity that makes the exit status 1 '
                 '(default: error, i.e. a kind is blocked)')
        parser.add_argument('--html', metavar='<file>',
                            help='also write a self-contained HTML report')
        return parser

    def _inputs(self, args):
        return readiness.Inputs(
            nova_conf=args.nova_conf, neutron_conf=args.neutron_conf,
            cinder_conf=args.cinder_conf, nova_policy=args.nova_policy,
            neutron_policy=args.neutron_policy,
            cinder_policy=args.cinder_policy,
            placement_policy=args.placement_policy,
            role_assignments=args.role_assignments,
            inventory=args.inventory, check_certs=args.check_certs,
            tls_layout=args.tls_layout, release=args.release,
            enforce_new_defaults=args.enforce_new_defaults,
            caller_roles=tuple(args.caller_roles or ('admin',)),
            timeout=args.timeout)

    def take_action(self, parsed_args):
        cloud = getattr(self.app.options, 'cloud', None)
        conn = online.connect(cloud, timeout=parsed_args.timeout) \
            if cloud else None
        result = readiness.assess(self._inputs(parsed_args), conn=conn)
        if parsed_args.html:
            files.write_atomic(parsed_args.html, readiness.render_html(result))
        self.exit_status = 1 if result.report.fails(parsed_args.fail_on) \
            else 0
        structured = parsed_args.formatter in ('json', 'yaml')
        return COLUMNS, [(k.kind, k.verdict, _reasons(k, structured))
                         for k in result.kinds]


def _reasons(kind, structured):
    if structured:
        return [r.finding.to_dict() for r in kind.reasons]
    return '\n'.join(
        f'{r.finding.code} {r.finding.severity}: {r.finding.message}'
        + (f'\n  fix: {r.finding.hint}' if r.finding.hint else '')
        for r in kind.reasons) or '-'
