"""What the services' configuration files say about migrations (RDY3xx).

nova.conf names the users Nova calls Neutron and Placement as (``[neutron]``,
``[placement]``), its service token (``[service_user]``) and how long it
waits for Neutron's events; neutron.conf ``[nova]`` names the user Neutron
sends those events as; cinder.conf and neutron.conf
``[keystone_authtoken]`` say which roles a service token must carry.  Files are split by oslo.config's own ini
parser (``config.readers``); values are read with oslo.config's types.  A
file not given leaves its user's name assumed (RDY305).
"""

import dataclasses

from oslo_config import types

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg.config import readers
from osmigcfg.findings import make_finding
from osmigcfg.readiness import codes  # noqa: F401 (registers RDY codes)
from osmigcfg.readiness import result as result_mod

#: identity -> (the file, its section, the user name assumed without it)
SERVICE_USERS = {
    'nova_neutron_user': ('nova.conf', 'neutron', 'nova'),
    'nova_placement_user': ('nova.conf', 'placement', 'nova'),
    'nova_service_user': ('nova.conf', 'service_user', 'nova'),
    'neutron_nova_user': ('neutron.conf', 'nova', 'neutron'),
}
DEFAULT_PROJECT = 'service'
#: keystonemiddleware's default [keystone_authtoken] service_token_roles
DEFAULT_TOKEN_ROLES = ('service',)
#: the kinds that call the service an auth section is for
_KINDS_OF_SECTION = {
    'neutron': result_mod.ALL_KINDS,
    'placement': result_mod.ALL_KINDS,
}
#: The kinds that delete a volume attachment Nova still uses.  Cinder 29
#: (cinder.volume.api:API.attachment_deletion_allowed) lets a delete
#: through without a service token only when Nova no longer names that
#: attachment for the volume.  Nova 34's cold migration
#: (ComputeManager._terminate_volume_connections) and evacuation
#: (_do_rebuild_instance.detach_block_devices) delete the old attachment
#: before saving the new one in the BDM; a live migration saves the
#: destination's attachment in pre_live_migration and deletes the source's
#: afterwards, so Cinder allows it (and Nova would only log a failure).
_NEEDS_SERVICE_TOKEN = frozenset({'cold', 'host_targeted', 'evacuate'})


@dataclasses.dataclass(frozen=True)
class ServiceUser:
    identity: str
    name: str | None         # None: auth without a user name (app creds)
    project: str
    where: str               # file:line of the user name, or 'assumed'


@dataclasses.dataclass(frozen=True)
class TokenRoles:
    """A service's keystonemiddleware rule for service tokens: with
    ``required``, a request whose service token holds none of ``roles`` is
    refused (401)."""

    roles: tuple
    required: bool
    file: str
    line: int | None     # of service_token_roles_required, if set


@dataclasses.dataclass(frozen=True)
class Deployment:
    users: dict              # identity -> ServiceUser
    send_service_token: bool
    vif_plugging_timeout: int
    vif_plugging_is_fatal: bool
    token_roles: dict        # 'cinder'/'neutron' -> TokenRoles, if given
    reasons: tuple           # RDY3xx Reason
    nova_conf: str | None = None


class _Ini:
    """One ini file: (section, key) -> (value, line)."""

    def __init__(self, path, text):
        self.path = path
        source = readers.read_nova_conf(text, path)
        self.values = {(e.section, e.key): (e.value, e.line)
                       for e in source.entries}

    def get(self, section, key, kind=None, default=None):
        value, line = self.values.get((section, key), (None, None))
        if value is None or kind is None:
            return default if value is None else value
        try:
            return kind(value)
        except ValueError as e:
            raise exceptions.ConfigFileError(
                self.path, line, f'[{section}] {key}: {e}') from None

    def where(self, section, key):
        line = self.values.get((section, key), (None, None))[1]
        return f'{self.path}:{line}' if line else self.path

    def has_auth(self, section):
        return bool(self.get(section, 'auth_type'))


def _reason(code, message, kinds, *, ini=None, section=None, key=None,
            severity=None, unknown=False):
    file = line = None
    if ini is not None:
        file = ini.path
        line = ini.values.get((section, key), (None, None))[1]
    subject = f'[{section}] {key}' if section and key else (
        f'[{section}]' if section else None)
    finding = make_finding(code, message, file=file, line=line,
                           subject=subject, severity=severity)
    return result_mod.Reason(finding, frozenset(kinds), unknown)


def _user(identity, ini):
    filename, section, assumed = SERVICE_USERS[identity]
    if ini is None or not ini.has_auth(section):
        return ServiceUser(identity, assumed, DEFAULT_PROJECT, 'assumed')
    name = ini.get(section, 'username')
    project = ini.get(section, 'project_name', default=DEFAULT_PROJECT)
    return ServiceUser(identity, name, project,
                       ini.where(section, 'username' if name else 'auth_type'))


def _nova_reasons(nova):
    out = []
    for section, kinds in _KINDS_OF_SECTION.items():
        if not nova.has_auth(section):
            out.append(_reason(
                'RDY301', f'nova.conf [{section}] has no auth_type: Nova '
                f'cannot call {section.capitalize()} as its service user',
                kinds, ini=nova, section=section))
    if not nova.has_auth('cinder'):
        out.append(_reason('RDY306', 'nova.conf [cinder] has no auth_type',
                           (), ini=nova, section='cinder'))
    send = nova.get('service_user', 'send_service_user_token',
                    types.Boolean(), default=False)
    if not send:
        out.append(_reason(
            'RDY302', 'nova.conf [service_user] send_service_user_token is '
            'not true: Cinder refuses (409) to delete a volume attachment '
            'Nova still uses unless the request carries Nova\'s service '
            'token (OSSA-2023-003); a cold migration or evacuation of a '
            'server with volumes deletes the source attachment before Nova '
            'switches to the new one, so it fails and leaves the server in '
            'ERROR (a live migration switches first and is not affected)',
            _NEEDS_SERVICE_TOKEN, ini=nova, section='service_user',
            key='send_service_user_token'))
    elif not nova.has_auth('service_user'):
        out.append(_reason(
            'RDY303', 'nova.conf sends a service token but [service_user] '
            'has no auth_type: every call that carries it fails',
            result_mod.ALL_KINDS, ini=nova, section='service_user'))
    return out


def _neutron_reasons(neutron, events_fatal):
    if neutron.has_auth('nova'):
        return []
    kinds = result_mod.ALL_KINDS if events_fatal else ()
    severity = None if events_fatal else 'warning'
    return [_reason('RDY304', 'neutron.conf [nova] has no auth_type: '
                    'Neutron cannot tell Nova a port is plugged'
                    + ('' if events_fatal else ' (Nova does not fail on a '
                       'missing event; each move waits for nothing)'),
                    kinds, ini=neutron, section='nova', severity=severity)]


def _token_roles(ini):
    section, key = 'keystone_authtoken', 'service_token_roles_required'
    required = ini.get(section, key, types.Boolean(), default=False)
    roles = ini.get(section, 'service_token_roles',
                    types.List(), default=list(DEFAULT_TOKEN_ROLES))
    line = ini.values.get((section, key), (None, None))[1]
    return TokenRoles(tuple(roles), bool(required), ini.path, line)


def _cinder_reasons(cinder, token):
    if token.required:
        return []
    return [_reason(
        'RDY307', 'cinder.conf [keystone_authtoken] '
        'service_token_roles_required is not true: any valid token '
        'passes as a service token', (), ini=cinder,
        section='keystone_authtoken', key='service_token_roles_required')]


def _missing(name, identities):
    users = ', '.join(f'{SERVICE_USERS[i][1]}: {SERVICE_USERS[i][2]!r}'
                      for i in identities)
    return _reason('RDY305', f'{name} not given: user names assumed '
                   f'({users}); its settings are not checked', ())


def read_deployment(nova_conf=None, neutron_conf=None, *, cinder_conf=None):
    """Read the services' configuration files (each optional).

    Args:
        nova_conf, neutron_conf, cinder_conf: paths or None.
    Returns:
        a :class:`Deployment` with its RDY3xx reasons.
    Raises:
        FileReadError, ConfigFileError: a file cannot be read or parsed,
        or a value is not of its option's type.
    """
    nova, neutron, cinder = (
        _Ini(str(p), files.read_text(p)) if p else None
        for p in (nova_conf, neutron_conf, cinder_conf))
    reasons = []
    timeout, fatal = 300, True
    if nova is None:
        reasons.append(_missing('nova.conf', [
            'nova_neutron_user', 'nova_placement_user',
            'nova_service_user']))
        send = True
    else:
        reasons += _nova_reasons(nova)
        send = nova.get('service_user', 'send_service_user_token',
                        types.Boolean(), default=False)
        timeout = nova.get('DEFAULT', 'vif_plugging_timeout',
                           types.Integer(min=0), default=300)
        fatal = nova.get('DEFAULT', 'vif_plugging_is_fatal',
                         types.Boolean(), default=True)
    events_fatal = bool(timeout) and fatal
    token_roles = {}
    if neutron is None:
        reasons.append(_missing('neutron.conf', ['neutron_nova_user']))
    else:
        reasons += _neutron_reasons(neutron, events_fatal)
        token_roles['neutron'] = _token_roles(neutron)
    if cinder is not None:
        token_roles['cinder'] = _token_roles(cinder)
        reasons += _cinder_reasons(cinder, token_roles['cinder'])
    users = {}
    for identity, (filename, _s, _a) in SERVICE_USERS.items():
        ini = nova if filename == 'nova.conf' else neutron
        users[identity] = _user(identity, ini)
    return Deployment(users=users, send_service_token=bool(send),
                      vif_plugging_timeout=timeout,
                      vif_plugging_is_fatal=fatal,
                      token_roles=token_roles,
                      reasons=tuple(reasons),
                      nova_conf=str(nova_conf) if nova_conf else None)
