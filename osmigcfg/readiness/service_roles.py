"""The service users' roles, joined with who makes each call (RDY2xx).

The configuration names the users (``deployment``), the role assignments
say what they hold (``assignments``, from a file or keystone); this module
gives each identity of the call table its roles, or says why they are not
known, and checks Nova's service token against the roles Cinder and Neutron
require of service tokens.  Pure.
"""

from osmigcfg.findings import make_finding
from osmigcfg.readiness import codes  # noqa: F401 (registers RDY codes)
from osmigcfg.readiness import policies as policies_mod
from osmigcfg.readiness import result as result_mod


def _kinds_of(table, identities, service=None):
    return frozenset().union(*(
        c.kinds for c in table.calls if c.identity.name in identities
        and (service is None or c.service == service)))


def _who(user, assignments):
    roles = assignments.roles_of(user.name, user.project) \
        if assignments is not None and user.name else None
    return policies_mod.Who(user.identity, user.name or '?', user.project,
                            roles)


def _subject(user):
    return f'{user.identity} {user.name or "?"}'


def identities(table, deployment, assignments, *, caller_roles=('admin',)):
    """(identity -> Who, RDY201/202 reasons) for every identity of ``table``.

    Args:
        table: the call table.
        deployment: the :class:`~osmigcfg.readiness.deployment.Deployment`.
        assignments: :class:`~osmigcfg.readiness.assignments.Assignments`
            or None (not given: every service user's roles are unknown).
        caller_roles: the roles of the user who starts migrations.
    """
    whos = {'caller': policies_mod.caller(caller_roles)}
    reasons = []
    for name in table.identities:
        if name == 'caller':
            continue
        user = deployment.users[name]
        who = _who(user, assignments)
        kinds = _kinds_of(table, {name})
        if not who.roles and assignments is not None and user.name:
            reasons.append(result_mod.Reason(make_finding(
                'RDY202', f'{user.name!r} ({name}, {user.where}) has no role '
                f'on project {user.project!r} in {assignments.source}',
                subject=_subject(user),
                hint=f'openstack role add --user {user.name} --project '
                     f'{user.project} service'), kinds))
            who = policies_mod.Who(who.identity, who.user, who.project, ())
        elif who.roles is None:
            why = ('its auth section names no username'
                   if assignments is not None else 'no role assignments '
                   'were given')
            reasons.append(result_mod.Reason(make_finding(
                'RDY201', f'roles of {user.name or "?"!r} ({name}) are not '
                f'known: {why}; its calls are not checked',
                subject=_subject(user)), kinds, unknown=True))
        whos[name] = who
    return whos, reasons


#: service -> (finding code, what its refusal breaks)
_TOKEN_CHECKS = {
    'cinder': ('RDY203', 'Cinder rejects the requests that carry its token'),
    'neutron': ('RDY205', 'Neutron rejects (401) every request that carries '
                'its token, so nova-api answers 500 '
                'NeutronAdminCredentialConfigurationInvalid to the move (and '
                'to listing servers)'),
}


def service_token_reasons(table, deployment, assignments):
    """RDY203 (Cinder) and RDY205 (Neutron) when the service requires roles
    of service tokens that Nova's service user lacks."""
    if not deployment.send_service_token:
        return []
    out = []
    for service, token in sorted(deployment.token_roles.items()):
        if token.required:
            out += _token_reasons(table, deployment, assignments, service,
                                  token)
    return out


def _token_reasons(table, deployment, assignments, service, token):
    code, effect = _TOKEN_CHECKS[service]
    name = service.capitalize()
    user = deployment.users['nova_service_user']
    who = _who(user, assignments)
    wanted = token.roles
    senders = {n for n, i in table.identities.items() if i.service_token}
    kinds = _kinds_of(table, senders, service=service)
    if who.roles is None:
        return [result_mod.Reason(make_finding(
            'RDY201', f'roles of Nova\'s service user {user.name!r} are not '
            f'known: {name} requires one of {", ".join(wanted)} of its '
            'service tokens', subject=_subject(user)), kinds, unknown=True)]
    if set(who.roles) & set(wanted):
        return []
    setting = f'{service}.conf [keystone_authtoken] ' \
        'service_token_roles_required'
    return [result_mod.Reason(make_finding(
        code, f'Nova\'s [service_user] {who.describe()} holds none of '
        f'{name}\'s service_token_roles ({", ".join(wanted)}) and '
        f'{setting} is true: {effect}',
        file=token.file, line=token.line,
        subject=_subject(user),
        hint=f'openstack role add --user {user.name} --project '
             f'{user.project} {wanted[0]}'
             + (f' (or, weaker, set {setting} = false)'
                if service == 'neutron' else '')), kinds)]
