"""The Nova verbs the migrator uses, over one :class:`ComputeSession`.

Servers, migrations and instance actions come back as plain dicts (Nova's
JSON); :func:`server_view` reduces a server to the fields the migrator
reasons about.  Non-admins do not see ``OS-EXT-SRV-ATTR:host``; they get
``host_id``, the per-project hash of the host, which changes when the host
changes, so "did it move?" has an answer for every caller.
"""

from collections.abc import Callable
from collections.abc import Mapping
import datetime
import re
from typing import Any
import urllib.parse

from osmigcfg import exceptions
from osmigcfg.cloud import compute as cloud_compute

UUID_RE = re.compile(r'^[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}$', re.I)
MIGRATION_ACTIONS = ('migrate', 'live-migration', 'live_migration', 'resize')
PAGE = 500

#: a Nova object as JSON (a server view, a migration record, an action)
Record = dict[str, Any]


def server_view(body: Record) -> Record:
    """The fields of a Nova server the migrator uses."""
    return {
        'id': body['id'],
        'name': body.get('name'),
        'status': body.get('status'),
        'task_state': body.get('OS-EXT-STS:task_state'),
        'vm_state': body.get('OS-EXT-STS:vm_state'),
        'host': body.get('OS-EXT-SRV-ATTR:host'),
        'host_id': body.get('hostId'),
        'project_id': body.get('tenant_id'),
        'flavor': body.get('flavor') or {},
        'locked': body.get('locked'),
    }


class Compute:
    """Nova calls for one connection (microversion negotiated once).

    :param conn: an openstacksdk connection, or a ready ComputeSession.
    """

    def __init__(self, conn: Any,
                 sleep: Callable[[float], object] | None = None) -> None:
        if isinstance(conn, cloud_compute.ComputeSession):
            self.session = conn
        else:
            kwargs = {'sleep': sleep} if sleep else {}
            self.session = cloud_compute.ComputeSession(conn, **kwargs)

    # -- servers -----------------------------------------------------
    def server(self, ref: str, all_projects: bool = False) -> Record:
        """A server by UUID or exact name (NotFoundError if none)."""
        if UUID_RE.match(ref):
            try:
                return server_view(self.session.get(
                    f'/servers/{ref}', f'show server {ref}')['server'])
            except exceptions.CloudRequestError as e:
                if e.status != 404:
                    raise
        params = {'name': f'^{re.escape(ref)}$'}
        if all_projects:
            params['all_tenants'] = '1'
        found = self.servers(params)
        if not found:
            raise exceptions.NotFoundError('server', ref)
        if len(found) > 1:
            raise exceptions.InputError(
                f'{len(found)} servers are named {ref!r}',
                hint='give the server UUID')
        return found[0]

    def servers(self, params: Mapping[str, Any]) -> list[Record]:
        """Servers matching Nova's list ``params`` (all pages)."""
        params = dict(params, limit=PAGE)
        result: list[Record] = []
        while True:
            page = self.session.get('/servers/detail', 'list servers',
                                    params=params)['servers']
            result.extend(server_view(s) for s in page)
            if len(page) < PAGE:
                return result
            params['marker'] = page[-1]['id']

    def changed_servers(self, since: datetime.datetime,
                        all_projects: bool = False
                        ) -> tuple[list[Record], Any]:
        """``(servers changed since `since`, the server's clock)``.

        ``since`` is a datetime on the cloud's clock; deleted servers come
        back with status DELETED.
        """
        params = {'all_tenants': '1'} if all_projects else {}
        found, date = self._changed_since(
            '/servers/detail', 'servers', since, params, marker='id')
        return [server_view(s) for s in found], date

    def _changed_since(self, url: str, key: str, since: datetime.datetime,
                       params: dict[str, Any], marker: str
                       ) -> tuple[list[Record], Any]:
        """Every page of ``url``'s ``key`` list changed since ``since``
        (``changes-since``), and the server's clock at the first page."""
        params = dict(params, limit=PAGE, **{'changes-since':
                                             since.isoformat()})
        found: list[Record] = []
        date = None
        while True:
            response = self.session.get(url, f'list changed {key}',
                                        params=params, full=True)
            page = response.body[key]
            date = date or response.date
            found.extend(page)
            if len(page) < PAGE:
                return found, date
            params['marker'] = page[-1][marker]

    def server_or_gone(self, server_id: str) -> Record | None:
        """The server, or None when it no longer exists."""
        try:
            return server_view(self.session.get(
                f'/servers/{server_id}', f'show server {server_id}')['server'])
        except exceptions.CloudRequestError as e:
            if e.status == 404:
                return None
            raise

    # -- actions -----------------------------------------------------
    def _action(self, server_id: str, body: Record, what: str) -> Any:
        return self.session.write('POST', f'/servers/{server_id}/action',
                                  what, body)

    def migrate(self, server_id: str, host: str | None = None) -> Any:
        """Start a cold migration (to ``host`` when given)."""
        if host:
            self.session.require('cold migration to a chosen host')
        body = {'migrate': {'host': host} if host else None}
        return self._action(server_id, body, f'cold migrate {server_id}')

    def live_migrate(self, server_id: str, host: str | None = None,
                     block_migration: str | bool = 'auto') -> Any:
        """Start a live migration (scheduler-checked ``host`` when given)."""
        self.session.require('live migration with block_migration=auto')
        if host:
            self.session.require(
                'live migration to a host checked by the scheduler')
        body = {'os-migrateLive': {'host': host or None,
                                   'block_migration': block_migration}}
        return self._action(server_id, body, f'live migrate {server_id}')

    def confirm(self, server_id: str) -> Any:
        """Confirm a cold migration (server in VERIFY_RESIZE)."""
        return self._action(server_id, {'confirmResize': None},
                            f'confirm migration of {server_id}')

    def revert(self, server_id: str) -> Any:
        """Revert a cold migration (server back to its source host)."""
        return self._action(server_id, {'revertResize': None},
                            f'revert migration of {server_id}')

    def abort(self, server_id: str, migration_id: str | int,
              status: str | None = None) -> Any:
        """Abort a live migration (queued/preparing ones need 2.65)."""
        self.session.require('abort of a running live migration')
        if status in ('queued', 'preparing'):
            self.session.require(
                'abort of a queued or preparing live migration')
        return self.session.write(
            'DELETE', f'/servers/{server_id}/migrations/{migration_id}',
            f'abort migration {migration_id} of {server_id}')

    def force_complete(self, server_id: str,
                       migration_id: str | int) -> Any:
        """Ask Nova to finish a running live migration now."""
        self.session.require('force-complete of a live migration')
        return self.session.write(
            'POST', f'/servers/{server_id}/migrations/{migration_id}/action',
            f'force-complete migration {migration_id} of {server_id}',
            {'force_complete': None})

    # -- migrations and instance actions -----------------------------
    def live_migrations(self, server_id: str) -> list[Record]:
        """The server's in-progress live migrations (with byte counters)."""
        self.session.require("listing a server's in-progress migrations")
        return self.session.get(f'/servers/{server_id}/migrations',
                                f'list migrations of {server_id}')['migrations']

    def migrations(self, server_id: str | None = None,
                   host: str | None = None) -> list[Record]:
        """Migration records (``/os-migrations``), newest first."""
        params: dict[str, Any] = {}
        if server_id:
            params['instance_uuid'] = server_id
        if host:
            params['host'] = host
        found = self.session.get('/os-migrations', 'list migrations',
                                 params=params)['migrations']
        return sorted(found, key=lambda m: m.get('id') or 0, reverse=True)

    def changed_migrations(self, since: datetime.datetime
                           ) -> tuple[list[Record], Any]:
        """``(migration records changed since `since`, the server's clock)``
        (``GET /os-migrations?changes-since=``, 2.59; admins by default).

        ``since`` is a datetime on the cloud's clock; Nova compares it with
        each record's ``updated_at``, which every status change sets.
        """
        self.session.require('listing migrations changed since a time')
        return self._changed_since('/os-migrations', 'migrations', since,
                                   {}, marker='uuid')

    def newest_migration_id(self) -> int:
        """The id of the newest migration record in the cloud (0 if none)."""
        found = self.session.get('/os-migrations', 'list migrations',
                                 params={'limit': 1})['migrations']
        return found[0]['id'] if found else 0

    def actions(self, server_id: str) -> list[Record]:
        """The server's migration instance actions, newest first."""
        found = self.session.get(
            f'/servers/{server_id}/os-instance-actions',
            f'list actions of {server_id}')['instanceActions']
        found = [a for a in found if a.get('action') in MIGRATION_ACTIONS]
        return sorted(found, key=lambda a: a.get('start_time') or '',
                      reverse=True)

    def action(self, server_id: str, request_id: str) -> Record:
        """One instance action with its events."""
        quoted = urllib.parse.quote(request_id)
        return self.session.get(
            f'/servers/{server_id}/os-instance-actions/{quoted}',
            f'show action {request_id} of {server_id}')['instanceAction']

    # -- compute services --------------------------------------------
    def compute_services(self, host: str | None = None) -> list[Record]:
        """nova-compute services (all, or the one on ``host``)."""
        params = {'binary': 'nova-compute'}
        if host:
            params['host'] = host
        return self.session.get('/os-services', 'list compute services',
                                params=params)['services']

    def set_service_disabled(self, service: Record, disabled: bool,
                             reason: str | None = None) -> Any:
        """Disable (with a reason) or enable a compute service."""
        body = {'status': 'disabled' if disabled else 'enabled'}
        if disabled and reason:
            body['disabled_reason'] = reason
        return self.session.write(
            'PUT', f'/os-services/{service["id"]}',
            f'{"disable" if disabled else "enable"} compute service on '
            f'{service.get("host")}', body)

    def flavors(self) -> dict[str, Record]:
        """Every flavor, by id (for the capacity check)."""
        found = self.session.get('/flavors/detail', 'list flavors',
                                 params={'is_public': 'None'})['flavors']
        return {f['id']: f for f in found}
