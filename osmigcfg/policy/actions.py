"""The migration actions of the compute API, and the policy checks behind each.

Read from nova 34's API code (``nova/api/openstack/compute/``):

* ``migrate_server.py``: ``migrate`` checks ``migrate:host`` when a host is
  given (microversion >= 2.56) and ``migrate`` otherwise; ``os-migrateLive``
  checks ``migrate_live:host`` when a host is given and ``migrate_live``
  otherwise -- never both.  Target ``{'project_id': instance.project_id}``.
* ``servers.py``: ``confirmResize`` / ``revertResize`` check
  ``servers:confirm_resize`` / ``servers:revert_resize``, same target.
* ``server_migrations.py``: list checks ``servers:migrations:index`` and,
  non-fatally, ``index:host`` (host fields are blanked when it fails);
  show, delete (abort) and force_complete check their own rule.  Same target.
* ``migrations.py`` (``GET /os-migrations``): ``os-migrations:index`` with
  the caller's own context as target; ``index:all_projects`` unless the
  query names the caller's own project; ``index:host`` non-fatally.
* ``evacuate.py``: ``os-evacuate`` with target
  ``{'user_id': instance.user_id, 'project_id': instance.project_id}``.

Every server action first loads the server with a project filter unless the
context is admin: another project's server is *not found* (404) before any
policy is checked.

Before Nova 32 the ``:host`` / ``:all_projects`` rules did not exist; the
rule they were split from governed both variants.  :func:`rules_for` maps
an action onto the rules a given release really checks.
"""

import dataclasses

from osmigcfg.policy import catalog as catalog_mod

_P = 'os_compute_api:'


@dataclasses.dataclass(frozen=True)
class Action:
    """One thing a caller may try to do with a migration."""

    key: str
    title: str
    rules: tuple          # Nova 34 rule names, all of which must pass
    api: str              # METHOD path (body), for reports
    target: str = 'server'  # server | server-user | caller
    group: str = 'start'  # start | finish | watch | control | list
    host_targeted: bool = False
    discloses: bool = False  # shows host names or other projects' data
    mutating: bool = True

    @property
    def on_server(self):
        return self.target != 'caller'

    def to_dict(self):
        return {'key': self.key, 'title': self.title,
                'rules': list(self.rules), 'api': self.api,
                'host_targeted': self.host_targeted,
                'discloses': self.discloses, 'mutating': self.mutating}


def _a(key, title, rules, api, **kwargs):
    return Action(key, title, tuple(_P + r for r in rules), api, **kwargs)


ACTIONS = (
    _a('cold-migrate', 'cold migrate', ['os-migrate-server:migrate'],
       'POST /servers/{id}/action {"migrate": null}'),
    _a('cold-migrate-host', 'cold migrate to a host',
       ['os-migrate-server:migrate:host'],
       'POST /servers/{id}/action {"migrate": {"host": H}}',
       host_targeted=True),
    _a('live-migrate', 'live migrate', ['os-migrate-server:migrate_live'],
       'POST /servers/{id}/action {"os-migrateLive": {"host": null}}'),
    _a('live-migrate-host', 'live migrate to a host',
       ['os-migrate-server:migrate_live:host'],
       'POST /servers/{id}/action {"os-migrateLive": {"host": H}}',
       host_targeted=True),
    _a('confirm-resize', 'confirm a cold migration',
       ['servers:confirm_resize'],
       'POST /servers/{id}/action {"confirmResize": null}', group='finish'),
    _a('revert-resize', 'revert a cold migration',
       ['servers:revert_resize'],
       'POST /servers/{id}/action {"revertResize": null}', group='finish'),
    _a('list-server-migrations', "list a server's migrations",
       ['servers:migrations:index'], 'GET /servers/{id}/migrations',
       group='watch', mutating=False),
    _a('list-server-migrations-host',
       "list a server's migrations with host names",
       ['servers:migrations:index', 'servers:migrations:index:host'],
       'GET /servers/{id}/migrations', group='watch', mutating=False,
       discloses=True),
    _a('show-server-migration', 'show one migration (with hosts)',
       ['servers:migrations:show'], 'GET /servers/{id}/migrations/{mid}',
       group='watch', mutating=False, discloses=True),
    _a('abort-migration', 'abort a live migration',
       ['servers:migrations:delete'],
       'DELETE /servers/{id}/migrations/{mid}', group='control'),
    _a('force-complete', 'force-complete a live migration',
       ['servers:migrations:force_complete'],
       'POST /servers/{id}/migrations/{mid}/action {"force_complete": null}',
       group='control'),
    _a('list-migrations', "list the own project's migrations",
       ['os-migrations:index'], 'GET /os-migrations?project_id={own}',
       target='caller', group='list', mutating=False),
    _a('list-migrations-all-projects', "list every project's migrations",
       ['os-migrations:index', 'os-migrations:index:all_projects'],
       'GET /os-migrations', target='caller', group='list',
       mutating=False, discloses=True),
    _a('list-migrations-host', 'list migrations with host names',
       ['os-migrations:index', 'os-migrations:index:host'],
       'GET /os-migrations?project_id={own}', target='caller', group='list',
       mutating=False, discloses=True),
    _a('evacuate', 'evacuate from a failed host', ['os-evacuate'],
       'POST /servers/{id}/action {"evacuate": {}}', target='server-user',
       host_targeted=True),
)

BY_KEY = {a.key: a for a in ACTIONS}
#: Actions that start a migration, by kind.
COLD_STARTS = ('cold-migrate', 'cold-migrate-host')
LIVE_STARTS = ('live-migrate', 'live-migrate-host')


def action(key):
    """The Action called ``key`` (KeyError if none)."""
    return BY_KEY[key]


def predecessor(rule):
    """The rule a Nova >= 32 rule was split from (its DeprecatedRule)."""
    info = catalog_mod.load_catalog(catalog_mod.DEFAULT_RELEASE).get(rule)
    if info is None or info.deprecated_rule is None:
        return None
    old = info.deprecated_rule.name
    return old if old != rule else None


def rules_for(act, catalog):
    """The rules ``catalog``'s release checks for ``act``, in order.

    A rule the release does not have is replaced by the rule it was split
    from (``migrate_live:host`` -> ``migrate_live`` before Nova 32).
    """
    found = []
    for rule in act.rules:
        name = rule
        while name is not None and name not in catalog:
            name = predecessor(name)
        if name is not None and name not in found:
            found.append(name)
    return tuple(found)
