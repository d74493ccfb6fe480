"""Sandbox identities: the ``user:project:role1,role2`` token format.

There is no Keystone in the sandbox; a token simply names a project-scoped
identity.  The parent builds tokens (:func:`make_token`), the Nova child
parses them (:func:`parse_token`) into the headers keystonemiddleware would
set.  Pure Python, used on both sides.
"""

from osmigcfg import roles as roles_mod


def make_token(user, project, roles=(), implied=True):
    """The sandbox token for ``user`` in ``project`` with ``roles``.

    Implied roles are added unless ``implied`` is False.  Raises ValueError
    for empty names or names containing ``:`` or ``,``.
    """
    roles = list(roles_mod.expand_roles(roles) if implied else roles)
    for part in (user, project, *roles):
        if not part or ':' in part or ',' in part:
            raise ValueError(f'invalid name in a sandbox token: {part!r}')
    return f'{user}:{project}:{",".join(roles)}'


def parse_token(token):
    """``user:project[:role,role]`` -> (user, project, [roles])."""
    parts = token.split(':')
    if len(parts) not in (2, 3) or not all(parts[:2]):
        raise ValueError('sandbox tokens look like user:project:role1,role2')
    roles = [r for r in (parts[2] if len(parts) == 3 else '').split(',') if r]
    return parts[0], parts[1], roles
