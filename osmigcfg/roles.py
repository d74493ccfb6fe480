"""Keystone's default role implications, shared by the policy personas and
the sandbox's tokens.  Pure Python: the Nova sandbox child imports it too.
"""

#: What ``keystone-manage bootstrap`` makes each default role imply.
IMPLIED_ROLES = {
    'admin': ('manager',),
    'manager': ('member',),
    'member': ('reader',),
}


def expand_roles(roles):
    """``roles`` plus every role they imply, in a stable order.

    >>> expand_roles(['admin'])
    ('admin', 'manager', 'member', 'reader')
    """
    seen, todo = [], list(roles)
    while todo:
        role = todo.pop(0)
        if role not in seen:
            seen.append(role)
            todo.extend(IMPLIED_ROLES.get(role, ()))
    return tuple(seen)
