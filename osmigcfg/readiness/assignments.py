"""The service users' role assignments, from a file or from keystone.

A file is YAML in one of two shapes::

    # user -> roles on the service project
    nova: [service, admin]
    neutron: [service]

    # what `openstack role assignment list --effective --names -f yaml`
    # prints (rows with a Group, a Domain or a System scope are skipped)
    - {Role: service, User: nova@Default, Project: service@Default, ...}

Roles are expanded with Keystone's default implied roles (admin implies
manager, member, reader), as keystone does when it issues a token.
"""

import dataclasses

import yaml

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg import roles as roles_mod

#: The project the plain mapping shape assigns its roles on.
ANY_PROJECT = None


@dataclasses.dataclass(frozen=True)
class Assignments:
    """user name -> {project name (None: any) -> roles}, and the source."""

    by_user: dict
    source: str

    def knows(self, user):
        return user in self.by_user

    def roles_of(self, user, project):
        """The roles (implied ones included) ``user`` holds on ``project``.

        Returns None when ``user`` is not listed at all.
        """
        projects = self.by_user.get(user)
        if projects is None:
            return None
        found = list(projects.get(ANY_PROJECT, ()))
        found += projects.get(project, ()) if project else ()
        return roles_mod.expand_roles(found)


def _bare(name):
    """``nova@Default`` -> ``nova`` (the domain is not compared)."""
    return str(name or '').rsplit('@', 1)[0]


def _from_rows(rows, where):
    by_user = {}
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict) or 'Role' not in row:
            raise exceptions.DataFileError(
                where, f'row {number}: not a role assignment (want Role, '
                'User, Project)', hint='use `openstack role assignment list '
                '--effective --names -f yaml`')
        if not row.get('User') or not row.get('Project'):
            continue  # a group, domain or system assignment
        projects = by_user.setdefault(_bare(row['User']), {})
        projects.setdefault(_bare(row['Project']), []).append(
            _bare(row['Role']))
    return by_user


def _from_mapping(data, where):
    by_user = {}
    for user, roles in data.items():
        if isinstance(roles, str):
            roles = [r.strip() for r in roles.split(',') if r.strip()]
        if not isinstance(roles, list) or not all(
                isinstance(r, str) for r in roles):
            raise exceptions.DataFileError(
                where, f'{user}: want a list of role names',
                hint='write "user: [role, role]"')
        by_user[str(user)] = {ANY_PROJECT: list(roles)}
    return by_user


def parse_assignments(text, where='<role assignments>'):
    """Assignments from YAML text in either shape (DataFileError if not)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, 'problem_mark', None)
        line = f':{mark.line + 1}' if mark else ''
        raise exceptions.DataFileError(
            f'{where}{line}', 'not YAML',
            hint='write "user: [role, ...]" or paste `openstack role '
            'assignment list --names -f yaml`') from None
    if isinstance(data, list):
        return Assignments(_from_rows(data, where), where)
    if isinstance(data, dict):
        return Assignments(_from_mapping(data, where), where)
    raise exceptions.DataFileError(
        where, 'want a mapping user -> roles or a list of role assignments')


def load_assignments(path):
    """Read a role-assignments file (FileReadError / DataFileError)."""
    return parse_assignments(files.read_text(path), str(path))


def from_keystone_rows(rows, *, users, source):
    """Assignments from keystone's ``role_assignments?include_names`` rows.

    Args:
        rows: the JSON ``role_assignments`` entries.
        users: the user names asked about (listed even without a role).
        source: what they were read from, for messages.
    """
    by_user = {user: {} for user in users}
    for row in rows:
        user = (row.get('user') or {}).get('name')
        project = ((row.get('scope') or {}).get('project') or {}).get('name')
        role = (row.get('role') or {}).get('name')
        if user and project and role:
            by_user.setdefault(user, {}).setdefault(project, []).append(role)
    return Assignments(by_user, source)
