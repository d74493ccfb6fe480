"""Personas: the callers an audit asks about, as Keystone would issue them.

A persona is a project-scoped token: a user, a project and the roles the
token carries *after* Keystone expands implied roles (the default
``keystone-manage bootstrap`` chain admin -> manager -> member -> reader).
Every persona but one belongs to the home project, which owns the servers
being moved; the other-project member holds ``member`` in another project.
Custom roles named in ``role:X`` checks of the policy files become personas
of their own, so that an audit answers for them too.
"""

import dataclasses
from typing import TYPE_CHECKING

from osmigcfg import roles as roles_mod
from osmigcfg.policy import checkstr

if TYPE_CHECKING:
    from osmigcfg.policy.effective import EffectivePolicy

#: The project that owns the servers, and the one a foreign member is in.
HOME_PROJECT = 'project-a'
OTHER_PROJECT = 'project-b'
#: The user that owns the home project's servers (evacuate's target).
SERVER_OWNER = 'owner-a'

STANDARD_ROLES = frozenset({'admin', 'manager', 'member', 'reader',
                            'service'})

#: Personas that must never start or steer a migration.
UNTRUSTED_KINDS = frozenset({'reader', 'no-roles', 'foreign'})


@dataclasses.dataclass(frozen=True)
class Persona:
    """One caller: a name, its (expanded) roles, its project and user."""

    name: str
    kind: str  # admin|manager|member|reader|foreign|service|no-roles|custom
    roles: tuple
    project: str = HOME_PROJECT
    user: str = ''
    description: str = ''

    @property
    def untrusted(self):
        """A reader, a token without roles, or another project's member."""
        return self.kind in UNTRUSTED_KINDS

    @property
    def foreign(self):
        return self.project != HOME_PROJECT

    def to_dict(self):
        return {'name': self.name, 'kind': self.kind,
                'roles': list(self.roles), 'project': self.project,
                'user': self.user, 'description': self.description}


def _persona(name, kind, roles, project=HOME_PROJECT, description=''):
    user = 'user-' + name.replace(':', '-').replace('_', '-')
    return Persona(name, kind, roles_mod.expand_roles(roles), project, user,
                   description)


def standard_personas():
    """The personas every audit covers, most privileged first."""
    return [
        _persona('admin', 'admin', ['admin'], description='admin role '
                 '(implies manager, member, reader)'),
        _persona('manager', 'manager', ['manager'],
                 description='project manager (implies member, reader)'),
        _persona('member', 'member', ['member'],
                 description='project member (implies reader)'),
        _persona('reader', 'reader', ['reader'],
                 description='read-only project role'),
        _persona('other-project-member', 'foreign', ['member'],
                 OTHER_PROJECT, description='member of another project '
                 'acting on this project\'s server'),
        _persona('service', 'service', ['service'],
                 description='service role (service users)'),
        _persona('no-roles', 'no-roles', [],
                 description='a project-scoped token without roles'),
    ]


def custom_roles(sources):
    """Non-standard role names used by ``role:X`` checks in the files."""
    found = []
    for src in sources:
        for entry in src.entries.values():
            check, _problems = checkstr.parse_check(entry.check_str)
            for role in checkstr.role_names(check):
                name = role.lower()
                if ('%(' not in name and name not in STANDARD_ROLES
                        and name not in found):
                    found.append(name)
    return found


def personas_for(ep: 'EffectivePolicy') -> list[Persona]:
    """The standard personas plus one per custom role the files mention.

    :param ep: an EffectivePolicy (its sources are scanned for roles)
    :returns: list of Persona
    """
    found = standard_personas()
    for role in custom_roles(ep.sources):
        found.append(_persona(f'role:{role}', 'custom', [role],
                              description=f'custom role {role!r} named in '
                              f'the policy files'))
    return found
