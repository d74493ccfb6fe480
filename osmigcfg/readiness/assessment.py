"""Will each kind of migration work in this cloud?  One answer, every reason.

:func:`assess` joins what the other modules find: each service's policy
for the identities a migration uses (``policies``), the service users'
roles (``service_roles``, from a file or keystone), the configuration
(``deployment`` plus ``config validate``, host and certificate checks) and,
given a connection, the cloud's facts (``online`` reads, ``facts``
judges).  Offline inputs only are read from files; only ``online`` does
network I/O, and only when a connection is given::

    inputs = readiness.Inputs(nova_conf='nova.conf',
                              role_assignments='roles.yaml')
    result = readiness.assess(inputs)              # files only
    result = readiness.assess(inputs, conn=conn)   # and the cloud's facts
    result.verdict('live')                         # 'ready' / 'blocked' / ...
"""

import dataclasses
import pathlib

from osmigcfg import config
from osmigcfg.policy import catalog as catalog_mod
from osmigcfg.policy import effective
from osmigcfg.readiness import assignments as assignments_mod
from osmigcfg.readiness import calls as calls_mod
from osmigcfg.readiness import deployment as deployment_mod
from osmigcfg.readiness import facts as facts_mod
from osmigcfg.readiness import online
from osmigcfg.readiness import policies as policies_mod
from osmigcfg.readiness import result as result_mod
from osmigcfg.readiness import service_roles
from osmigcfg.findings import make_finding

#: config findings that stop nova-compute itself: every kind is blocked
_WHOLE_COMPUTE = frozenset({'CFG201'})


@dataclasses.dataclass(frozen=True)
class Inputs:
    """What to assess; every file is optional.

    A policy path may be a policy file or a policy.d directory.
    """

    nova_conf: str | None = None
    neutron_conf: str | None = None
    cinder_conf: str | None = None
    nova_policy: str | None = None
    neutron_policy: str | None = None
    cinder_policy: str | None = None
    placement_policy: str | None = None
    role_assignments: str | None = None
    inventory: str | None = None
    check_certs: bool = False
    tls_layout: str = 'qemu'
    release: int | None = None
    enforce_new_defaults: bool = True
    caller_roles: tuple = ('admin',)
    timeout: float = online.DEFAULT_TIMEOUT

    def policy_path(self, service):
        return getattr(self, f'{service}_policy')


def load_policies(inputs, release, skip=()):
    """service -> EffectivePolicy over each service's catalog and files
    (the services in ``skip`` left out)."""
    out = {}
    for service in catalog_mod.SERVICES:
        if service in skip:
            continue
        path = inputs.policy_path(service)
        is_dir = path is not None and pathlib.Path(path).is_dir()
        out[service] = effective.load_effective_policy(
            None if is_dir else path, policy_dirs=[path] if is_dir else (),
            release=release, enforce_new_defaults=inputs.enforce_new_defaults,
            service=service)
    return out


def _table(release):
    """The call table of ``release``, else the newest one before it (the
    oldest table for releases before every table)."""
    known = calls_mod.known_releases()
    return calls_mod.load_calls(max([r for r in known if r <= release]
                                    or known[:1]))


def config_reasons(inputs, *, qemu_version=None):
    """Reasons from ``config validate`` of the nova.conf (sharpened by the
    computes' oldest QEMU), ``check-hosts`` and ``check-tls``."""
    report = config.validate_config([inputs.nova_conf],
                                    qemu_version=qemu_version) \
        if inputs.nova_conf else []
    findings = list(report)
    if inputs.inventory:
        inventory = config.load_inventory(inputs.inventory, strict=False)
        findings += list(config.check_hosts(inventory))
        if inputs.check_certs:
            findings += list(config.check_tls_inventory(
                inventory, layout=inputs.tls_layout))
    return [result_mod.Reason(
        f, result_mod.ALL_KINDS if f.code in _WHOLE_COMPUTE
        else result_mod.LIVE_KINDS) for f in findings]


def _assignments(inputs, deployment, conn, table):
    if inputs.role_assignments:
        return assignments_mod.load_assignments(inputs.role_assignments), []
    if conn is None:
        return None, []
    users = [u.name for u in deployment.users.values()]
    found, problems = online.read_assignments(conn, users,
                                              timeout=inputs.timeout)
    if found is not None:
        return found, []
    why = '; '.join(f'{p.what}: {p.why}' for p in problems) or 'no answer'
    kinds = frozenset().union(*(c.kinds for c in table.calls
                                if c.identity.name != 'caller'))
    return None, [result_mod.Reason(make_finding(
        'RDY204', f'cannot read role assignments from keystone ({why})',
        subject='keystone'), kinds, unknown=True)]


def assess(inputs, *, conn=None, policies=None):
    """Decide, for every kind of migration, whether it would work.

    Args:
        inputs: :class:`Inputs` (files; all optional).
        conn: an admin's ``openstack.connection.Connection`` to read the
            cloud's facts and, without a role-assignments file, the
            service users' roles from keystone; None: files only.
        policies: service -> EffectivePolicy already loaded (the
            migrator's preflight passes its Nova policy); they replace
            what ``inputs`` names for those services.
    Returns:
        :class:`~osmigcfg.readiness.result.ReadinessResult`.
    Raises:
        InputError subclasses: a file cannot be read or is malformed.
    """
    release = catalog_mod.check_release(inputs.release)
    table = _table(release)
    deployment = deployment_mod.read_deployment(
        inputs.nova_conf, inputs.neutron_conf, cinder_conf=inputs.cinder_conf)
    given = dict(policies or {})
    policies = {**load_policies(inputs, release, skip=given), **given}
    assignments, reasons = _assignments(inputs, deployment, conn, table)
    reasons += list(deployment.reasons)
    whos, more = service_roles.identities(
        table, deployment, assignments, caller_roles=inputs.caller_roles)
    reasons += more
    events = policies_mod.Events(deployment.vif_plugging_timeout,
                                 deployment.vif_plugging_is_fatal)
    reasons += policies_mod.policy_reasons(table, policies, whos,
                                           events=events)
    reasons += policies_mod.event_lookup_reasons(
        table, policies['nova'], whos, events=events)
    reasons += policies_mod.persona_reasons(table, policies['nova'])
    reasons += service_roles.service_token_reasons(table, deployment,
                                                   assignments)
    facts = online.gather_facts(conn, timeout=inputs.timeout) \
        if conn is not None else None
    if facts is not None:
        reasons += facts_mod.fact_reasons(facts, table)
    reasons += config_reasons(
        inputs, qemu_version=facts_mod.lowest_qemu(facts) if facts else None)
    return result_mod.build_result(table, reasons, _meta(
        inputs, release, table, assignments, conn))


def _meta(inputs, release, table, assignments, conn):
    files = [(label, getattr(inputs, attr)) for label, attr in (
        ('nova.conf', 'nova_conf'), ('neutron.conf', 'neutron_conf'),
        ('cinder.conf', 'cinder_conf'), ('Nova policy', 'nova_policy'),
        ('Neutron policy', 'neutron_policy'),
        ('Cinder policy', 'cinder_policy'),
        ('Placement policy', 'placement_policy'),
        ('Inventory', 'inventory'))]
    return (('Nova release', release),
            ('Call table', f'Nova {table.nova_version}'),
            ('Caller roles', ', '.join(inputs.caller_roles)),
            ('Role assignments', assignments.source if assignments
             else 'not known'),
            ('Cloud', (conn.config.name or 'given') if conn is not None
             else 'offline (files only)'),
            *[(label, value or 'not given') for label, value in files])
