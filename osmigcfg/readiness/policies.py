"""Each service's policy, asked for every call a migration makes (RDY1xx).

For every call of the table the identity that makes it is given roles
(the caller's, or a service user's from the role assignments) and the
target service's real, offline oslo.policy Enforcer
(:func:`osmigcfg.policy.effective.load_effective_policy`) decides each of
its rules.  One finding per (service, rule, user) lists every call and
kind it breaks; its hint names the role that would let the call through.
Pure: effective policies and roles in, reasons out.
"""

import dataclasses

from osmigcfg import roles as roles_mod
from osmigcfg.findings import make_finding
from osmigcfg.policy import personas as personas_mod
from osmigcfg.readiness import codes  # noqa: F401 (registers RDY codes)
from osmigcfg.readiness import result as result_mod

#: The project that owns the servers being moved.
SERVER_PROJECT = 'server-project'
SERVER_OWNER = 'server-owner'
#: Roles tried, in order, to name the one a denied identity lacks.
CANDIDATE_ROLES = {'caller': ('manager', 'admin')}
SERVICE_CANDIDATE_ROLES = ('service', 'admin')
#: Rules Nova checks against an empty target (no project).
EXTERNAL_EVENTS = 'os_compute_api:os-server-external-events:create'
#: Nova's rule for an admin context: only such a context sees the servers
#: of other projects (Nova looks an event's server up with the caller's)
CONTEXT_IS_ADMIN = 'context_is_admin'
_EMPTY_TARGET = frozenset({EXTERNAL_EVENTS, CONTEXT_IS_ADMIN})


@dataclasses.dataclass(frozen=True)
class Who:
    """An identity with roles: the caller or a service user."""

    identity: str
    user: str
    project: str
    roles: tuple | None      # expanded; None: not known

    def describe(self):
        held = ', '.join(self.roles) if self.roles else 'no roles'
        if self.identity == 'caller':
            where = ("the server's project" if self.project == SERVER_PROJECT
                     else f'project {self.project!r}')
            return f'the caller ({held} on {where})'
        return f'{self.user!r} ({held} on project {self.project!r})'


def caller(roles=('admin',)):
    """The user who starts migrations: an admin acts on another project's
    servers; anyone else on their own project's."""
    expanded = roles_mod.expand_roles(roles)
    project = 'admin' if 'admin' in expanded else SERVER_PROJECT
    return Who('caller', 'caller', project, expanded)


def _decide(ep, rule, who):
    creds = ep.credentials(who.roles, who.project, user_id=who.user)
    target = {} if rule in _EMPTY_TARGET else {
        'project_id': SERVER_PROJECT, 'user_id': SERVER_OWNER,
        'tenant_id': SERVER_PROJECT}
    return ep.check(rule, creds=creds, target=target, explain=False)


def _fixing_role(ep, rule, who):
    for role in CANDIDATE_ROLES.get(who.identity, SERVICE_CANDIDATE_ROLES):
        if role in who.roles:
            continue
        more = dataclasses.replace(
            who, roles=roles_mod.expand_roles((*who.roles, role)))
        if _decide(ep, rule, more).allowed:
            return role
    return None


@dataclasses.dataclass
class _Group:
    """Calls denied (or undecided) for one service, rule and identity."""

    service: str
    rule: str
    who: Who
    decision: object
    kinds: set = dataclasses.field(default_factory=set)
    requests: list = dataclasses.field(default_factory=list)


def _hint(ep, group):
    who = group.who
    role = _fixing_role(ep, group.rule, who)
    if role is None:
        return (f'no standard role passes {group.rule}: widen it in '
                f'{group.service}\'s policy file')
    if who.identity == 'caller':
        return f'migrate as a user with the {role!r} role'
    return (f'openstack role add --user {who.user} --project {who.project} '
            f'{role}  (or widen {group.rule} in {group.service}\'s policy)')


def _finding(ep, group, events):
    d, who = group.decision, group.who
    origin = d.origin
    where = dict(file=origin.file, line=origin.line) if origin.file else {}
    subject = f'{group.service}:{group.rule} / {who.user}'
    text = (f'{group.service} rule {group.rule} = {d.check_str} '
            f'({_origin_text(origin, group.service)})')
    calls = '; '.join(dict.fromkeys(group.requests))
    if d.allowed is None:
        return make_finding(
            'RDY103', f'{text} for {who.describe()} depends on '
            f'{", ".join(d.unknowns) or "a check osmigcfg cannot run"}: '
            f'{calls}', subject=subject, **where), True
    if group.rule == EXTERNAL_EVENTS and not events.fatal:
        return make_finding(
            'RDY104', f'{text} denies {who.describe()}: {calls}; Nova waits '
            f'{events.timeout} s for each port event, then goes on',
            subject=subject, hint=_hint(ep, group), **where), False
    code = 'RDY102' if who.identity == 'caller' else 'RDY101'
    return make_finding(
        code, f'{text} denies {who.describe()}: {calls} fails',
        subject=subject, hint=_hint(ep, group), **where), False


def _origin_text(origin, service):
    if origin.kind == 'default':
        return f'{service.capitalize()} default'
    return origin.describe()


@dataclasses.dataclass(frozen=True)
class Events:
    """How Nova waits for Neutron's network-vif-plugged events."""

    timeout: int = 300
    fatal: bool = True

    @property
    def awaited(self):
        return self.timeout > 0


def policy_reasons(table, policies, whos, *, events=Events()):
    """Reasons (RDY101-104) from every rule every call of ``table`` needs.

    Args:
        table: the :class:`~osmigcfg.readiness.calls.CallTable`.
        policies: service -> EffectivePolicy.
        whos: identity -> :class:`Who` (roles None: not known; the calls of
            that identity are skipped, the roles reasons say why).
        events: Nova's vif-plugging settings (the external-events call is
            skipped when Nova does not wait for events).
    """
    groups = {}
    for call in table.calls:
        who = whos.get(call.identity.name)
        if who is None or who.roles is None:
            continue
        if EXTERNAL_EVENTS in call.rules and not events.awaited:
            continue
        ep = policies[call.service]
        for rule in call.rules:
            key = (call.service, rule, who.identity)
            group = groups.get(key)
            if group is None:
                decision = _decide(ep, rule, who)
                if decision.allowed:
                    groups[key] = None
                    continue
                group = groups[key] = _Group(call.service, rule, who,
                                             decision)
            if group is not None:
                group.kinds |= call.kinds
                group.requests.append(call.request)
    reasons = []
    for group in filter(None, groups.values()):
        finding, unknown = _finding(policies[group.service], group, events)
        reasons.append(result_mod.Reason(finding, frozenset(group.kinds),
                                         unknown))
    return reasons


def persona_reasons(table, nova):
    """RDY105, one per kind: the standard personas Nova lets start it.

    Args:
        table: the call table (the caller's Nova rules of each kind).
        nova: Nova's EffectivePolicy.
    """
    reasons = []
    for kind in table.kinds:
        rules = [r for c in table.for_kind(kind) if c.service == 'nova'
                 and c.identity.name == 'caller' for r in c.rules]
        allowed = []
        for persona in personas_mod.standard_personas():
            creds = nova.credentials(persona.roles, persona.project,
                                     user_id=persona.user)
            target = {'project_id': personas_mod.HOME_PROJECT,
                      'user_id': personas_mod.SERVER_OWNER}
            if all(nova.check(r, creds=creds, target=target,
                              explain=False).allowed for r in rules):
                allowed.append(persona.name)
        reasons.append(result_mod.Reason(make_finding(
            'RDY105', f'{kind}: {", ".join(allowed) or "nobody"} may start '
            f'it ({", ".join(dict.fromkeys(rules))})',
            subject=f'{kind} / personas'), frozenset({kind})))
    return reasons


def event_lookup_reasons(table, nova, whos, *, events=Events()):
    """RDY106 when Nova's policy lets Neutron's user send events but does
    not make it an admin: Nova then looks each event's server up in
    Neutron's own project and answers 404 for it (the event is lost).

    Args:
        table: the call table (its external-events calls).
        nova: Nova's EffectivePolicy.
        whos: identity -> :class:`Who` (unknown roles: skipped).
        events: Nova's vif-plugging settings (not awaited: nothing to say).
    """
    if not events.awaited:
        return []
    calls = [c for c in table.calls if EXTERNAL_EVENTS in c.rules]
    reasons = []
    for identity in dict.fromkeys(c.identity.name for c in calls):
        who = whos.get(identity)
        if who is None or who.roles is None or not _decide(
                nova, EXTERNAL_EVENTS, who).allowed:
            continue  # unknown, or denied the rule itself (RDY101/104)
        decision = _decide(nova, CONTEXT_IS_ADMIN, who)
        if decision.allowed is not False:
            continue
        kinds = frozenset().union(*(c.kinds for c in calls
                                    if c.identity.name == identity))
        group = _Group('nova', CONTEXT_IS_ADMIN, who, decision)
        origin = decision.origin
        where = dict(file=origin.file, line=origin.line) \
            if origin.file else {}
        after = ('then fail' if events.fatal
                 else 'then go on without them')
        reasons.append(result_mod.Reason(make_finding(
            'RDY106', f'nova rule {CONTEXT_IS_ADMIN} = {decision.check_str} '
            f'({_origin_text(origin, "nova")}) does not hold for '
            f'{who.describe()}: Nova looks the servers of its '
            f'network-vif-plugged events up in project {who.project!r} '
            'only and answers 404 for each (POST /os-server-external-'
            f'events); moves wait {events.timeout} s for the event, {after}',
            subject=f'nova:{CONTEXT_IS_ADMIN} / {who.user}',
            severity=None if events.fatal else 'warning',
            hint=_hint(nova, group), **where), kinds))
    return reasons
