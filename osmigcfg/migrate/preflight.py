"""Policy preflight: may this caller do this, and if not, why not?

The caller's roles and project come from the token (keystoneauth access
info) or are given (``--roles``, ``--project-id``); the policy is the
effective policy (policy file or profile, policy.d, release) computed by
:mod:`osmigcfg.policy.effective` with oslo.policy's real Enforcer.  Nova
checks exactly one rule per call: the ``:host`` variant when a host is
given, the plain rule otherwise; we check the same one.

When Nova still answers 403, :meth:`Preflight.explain_forbidden` words it
the same way, and flags a *mismatch* when our preflight had said yes: the
policy we were given is not the one the cloud runs.
"""

from collections.abc import Iterable
import dataclasses
import logging
from typing import Any
from typing import TYPE_CHECKING

from osmigcfg import exceptions
from osmigcfg import findings
from osmigcfg.migrate import codes

if TYPE_CHECKING:
    from osmigcfg.policy.effective import EffectivePolicy

LOG = logging.getLogger(__name__)

_ROOT = 'os_compute_api:os-migrate-server:'
_SERVERS = 'os_compute_api:servers:'

#: operation -> (rule, rule with a host, what it does, in words)
OPERATIONS = {
    'cold': (_ROOT + 'migrate', _ROOT + 'migrate:host', 'cold-migrate'),
    'live': (_ROOT + 'migrate_live', _ROOT + 'migrate_live:host',
             'live-migrate'),
    'confirm': (_SERVERS + 'confirm_resize', None, 'confirm a migration'),
    'revert': (_SERVERS + 'revert_resize', None, 'revert a migration'),
    'abort': (_SERVERS + 'migrations:delete', None,
              'abort a live migration'),
    'force-complete': (_SERVERS + 'migrations:force_complete', None,
                       'force-complete a live migration'),
    'server-migrations': (_SERVERS + 'migrations:index', None,
                          "list a server's migrations"),
    'migrations': ('os_compute_api:os-migrations:index', None,
                   'list migration records'),
    'all-servers': ('os_compute_api:servers:detail:get_all_tenants', None,
                    "list other projects' servers"),
    'services': ('os_compute_api:os-services:update', None,
                 'enable or disable compute services'),
}


@dataclasses.dataclass(frozen=True)
class Caller:
    """Who is calling: roles (None when unknown), project and user."""

    roles: tuple[str, ...] | None
    project_id: str | None
    user_id: str | None = None

    def describe(self) -> str:
        if self.roles is None:
            return 'the caller (roles unknown)'
        roles = ','.join(self.roles) or 'no roles'
        return f'your role{"s" if len(self.roles) > 1 else ""} {roles}'


def caller_from_connection(conn: Any, *, roles: list[str] | None = None,
                           project_id: str | None = None,
                           user_id: str | None = None) -> Caller:
    """The caller of ``conn``: given values win, then the token's.

    Auth plugins that carry no access info (``admin_token``, ``none``)
    leave the roles unknown unless ``roles`` is given.
    """
    access = None
    try:
        access = conn.session.auth.get_access(conn.session)
    except Exception as e:  # noqa: BLE001 - many plugins have no access info
        LOG.debug('no access info from the auth plugin: %s', e)
    token_roles = tuple(access.role_names) if access is not None else None
    return Caller(
        roles=tuple(roles) if roles is not None else token_roles,
        project_id=project_id or (access.project_id if access else None),
        user_id=user_id or (access.user_id if access else None))


@dataclasses.dataclass(frozen=True)
class Verdict:
    """A preflight answer: allowed (True/False/None = unknown) and why."""

    operation: str
    rule: str
    allowed: bool | None
    explanation: str
    finding: findings.Finding | None = None


class Preflight:
    """Checks operations against an effective policy for one caller.

    :param policy: an EffectivePolicy (``None``: no preflight, Nova decides).
    :param caller: a :class:`Caller`.
    :param authoritative: whether the policy is known to be the cloud's;
        if not (Nova defaults assumed), a denial is a warning, not a refusal.
    """

    def __init__(self, policy: 'EffectivePolicy | None', caller: Caller,
                 authoritative: bool = True) -> None:
        self.policy = policy
        self.caller = caller
        self.authoritative = authoritative
        self._cache: dict[tuple[str, bool, str | None], Verdict] = {}

    @property
    def is_admin(self) -> bool:
        """Whether the policy makes the caller an admin (context_is_admin)."""
        verdict = self.check('all-servers')
        return bool(verdict.allowed)

    def check(self, operation: str, host: str | None = None,
              project_id: str | None = None) -> Verdict:
        """The :class:`Verdict` for ``operation`` (with ``host`` or not)."""
        key = (operation, bool(host), project_id)
        if key not in self._cache:
            self._cache[key] = self._check(operation, host, project_id)
        return self._cache[key]

    def _check(self, operation, host, project_id):
        plain, with_host, words = OPERATIONS[operation]
        rule = with_host if (host and with_host) else plain
        if self.policy is None or self.caller.roles is None:
            return Verdict(operation, rule, None, 'not checked: ' + (
                'no policy given' if self.policy is None
                else 'roles unknown'), findings.make_finding(
                    codes.ROLES_UNKNOWN, f'cannot predict whether Nova lets '
                    f'the caller {words}', subject=rule))
        decision = self._decide(rule, project_id)
        if decision.allowed is None:  # an http: check decides: Nova will
            from osmigcfg.policy import codes as policy_codes  # slow import
            return Verdict(operation, rule, None, decision.explain(),
                           findings.make_finding(
                               policy_codes.CHECK_CALLS_OUT,
                               f'cannot predict whether Nova lets the caller '
                               f'{words}: {decision.explain()}',
                               subject=rule, severity='warning'))
        if decision.allowed:
            return Verdict(operation, rule, True, decision.explain())
        return self._denied(operation, rule, decision, host, project_id)

    def _decide(self, rule, project_id):
        project = project_id or self.caller.project_id or 'unknown-project'
        return self.policy.check(
            rule, roles=list(self.caller.roles),
            project_id=self.caller.project_id or 'unknown-project',
            user_id=self.caller.user_id,
            target={'project_id': project})

    def _denied(self, operation, rule, decision, host, project_id):
        plain, with_host, words = OPERATIONS[operation]
        who = self.caller.describe()
        if host and with_host:
            base = self._decide(plain, project_id)
            if base.allowed:
                message = (f'{who} can {words} without a host, but choosing '
                           f'a host needs {decision.check_str} ({rule})')
                return Verdict(operation, rule, False, message,
                               findings.make_finding(codes.HOST_DENIED,
                                                     message, subject=rule))
        message = (f'{who} cannot {words}: {rule} is {decision.check_str} '
                   f'({decision.origin.describe()})')
        return Verdict(operation, rule, False, message, findings.make_finding(
            codes.POLICY_DENIED, message, subject=rule))

    def require(self, operation: str, host: str | None = None,
                project_id: str | None = None) -> Verdict:
        """Raise PolicyDeniedError unless the policy allows ``operation``.

        Unknown roles pass (Nova decides), and so does a denial under
        assumed Nova defaults; :meth:`check` reports both.
        """
        verdict = self.check(operation, host, project_id)
        if verdict.allowed is False and not self.authoritative:
            LOG.warning('preflight (Nova defaults assumed, not refusing): %s',
                        verdict.explanation)
        elif verdict.allowed is False:
            raise exceptions.PolicyDeniedError(
                verdict.explanation, rule=verdict.rule,
                hint=verdict.finding.hint if verdict.finding else None)
        return verdict

    def explain_forbidden(self, operation: str, nova_reason: str,
                          host: str | None = None,
                          project_id: str | None = None
                          ) -> exceptions.PolicyDeniedError:
        """The error for a 403 from Nova, worded from the policy."""
        verdict = self.check(operation, host, project_id)
        if verdict.allowed is False:
            return exceptions.PolicyDeniedError(
                f'Nova refused: {verdict.explanation}', rule=verdict.rule)
        if verdict.allowed is True:
            info = findings.CODES[codes.POLICY_MISMATCH]
            return exceptions.PolicyDeniedError(
                f'Nova refused ({nova_reason}) although the preflight allowed '
                f'it ({verdict.explanation}): {codes.POLICY_MISMATCH} '
                f'{info.meaning}', rule=verdict.rule, hint=info.hint)
        return exceptions.PolicyDeniedError(
            f'Nova refused: {nova_reason} (rule {verdict.rule})',
            rule=verdict.rule,
            hint='pass --roles/--project-id and the cloud\'s policy to see why')


#: Nova's maximum compute microversion per release (read from the wheels
#: 29.4.0 ... 34.0.0); releases sharing a maximum cannot be told apart,
#: the newer one is assumed.
MAX_MICROVERSION_RELEASE = (
    ((2, 104), 34), ((2, 103), 33), ((2, 100), 32), ((2, 96), 30))


def release_for_cloud(max_version):
    """The Nova release a cloud's maximum microversion points at (or None)."""
    for version, release in MAX_MICROVERSION_RELEASE:
        if tuple(max_version) >= version:
            return release
    return None


def load_policy(policy_file: str | None = None, *,
                profile: str | None = None,
                policy_dirs: Iterable[str] = (),
                release: int | str | None = None,
                enforce_new_defaults: bool = True,
                max_version: str | None = None
                ) -> tuple['EffectivePolicy', bool]:
    """The effective policy for the preflight.

    With no policy file, profile or policy.d given, Nova's defaults of the
    release are used, but only as advice: the cloud may run another policy,
    so such a preflight warns and never refuses (``authoritative`` False).

    :param release: the Nova release; default: guessed from the cloud's
        ``max_version`` (a microversion tuple), else 34.
    :returns: ``(EffectivePolicy, authoritative)``.
    """
    from osmigcfg.policy import effective  # oslo.policy is slow to import

    if release is None and max_version is not None:
        release = release_for_cloud(max_version)
    given = bool(policy_file or profile or policy_dirs)
    policy = effective.load_effective_policy(
        policy_file=policy_file, policy_dirs=tuple(policy_dirs),
        release=release, enforce_new_defaults=enforce_new_defaults,
        profile=profile)
    return policy, given
