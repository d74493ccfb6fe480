"""Server helpers for sandbox users: boot, wait, where is it, its migrations.

Plain openstacksdk calls with short poll intervals (the sandbox answers in
milliseconds; openstacksdk's default 2-second interval would dominate every
test).  Failures raise :class:`~osmigcfg.exceptions.SandboxError` carrying the
server's fault, and timeouts say what was awaited.
"""

import time

from openstack import exceptions as sdk_exceptions

from osmigcfg import exceptions

#: nova's GlanceFixture image ``fakeimage123456`` and flavor ``m1.tiny``.
DEFAULT_IMAGE = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
DEFAULT_FLAVOR = '1'
POLL_SECONDS = 0.1


def boot(conn, name, *, flavor=DEFAULT_FLAVOR, image=DEFAULT_IMAGE,
         networks='none', host=None, wait=True, timeout=60):
    """Create a server; when ``wait``, return it ACTIVE (or raise).

    ``host`` forces a compute host (``nova:HOST`` zone; admin only by
    default policy).
    """
    flavor = str(flavor)
    flavor_id = flavor if flavor.isdigit() else conn.compute.find_flavor(
        flavor, ignore_missing=False).id
    extra = {'availability_zone': f'nova:{host}'} if host else {}
    server = conn.compute.create_server(
        name=name, flavor_id=flavor_id, image_id=image, networks=networks,
        **extra)
    if wait:
        server = wait_for_status(conn, server, 'ACTIVE', timeout=timeout)
    return server


def boot_multi(conn, name, count, *, flavor=DEFAULT_FLAVOR,
               image=DEFAULT_IMAGE, host=None, timeout=600, batch=50,
               project_query=None):
    """Boot ``count`` servers with Nova's multi-create; returns them ACTIVE.

    ``min_count`` = ``max_count`` = ``batch`` per request.

    One request per batch instead of one per server: Nova builds them in
    one scheduling pass and names them ``NAME-1``, ``NAME-2``... (per
    batch: ``NAME-b<k>-<n>``).  Mind the project's quota (the sandbox has
    no Keystone; start it with ``quota.driver`` set to Nova's
    ``nova.quota.NoopQuotaDriver`` for large clusters).
    """
    flavor = str(flavor)
    flavor_id = flavor if flavor.isdigit() else conn.compute.find_flavor(
        flavor, ignore_missing=False).id
    extra = {'availability_zone': f'nova:{host}'} if host else {}
    for first in range(0, count, batch):
        size = min(batch, count - first)
        label = name if count <= batch else f'{name}-b{first // batch}'
        conn.compute.create_server(
            name=label, flavor_id=flavor_id, image_id=image, networks='none',
            min_count=size, max_count=size, **extra)
    query = dict(project_query or {})

    def all_active():
        found = [s for s in conn.compute.servers(**query)
                 if s.name == name or s.name.startswith(f'{name}-')]
        errors = [s for s in found if s.status == 'ERROR']
        if errors:
            raise exceptions.SandboxError(
                f'{len(errors)} server(s) of {name} went to ERROR: '
                f'{errors[0].fault}')
        active = [s for s in found if s.status == 'ACTIVE']
        return active if len(active) >= count else None
    deadline = time.monotonic() + timeout
    while True:  # a list of many servers is not cheap: poll every second
        active = all_active()
        if active:
            return active
        if time.monotonic() > deadline:
            raise exceptions.SandboxError(
                f'timed out after {timeout} s waiting for {count} servers '
                f'{name}-* to be ACTIVE')
        time.sleep(1.0)


def wait_for_status(conn, server, status, timeout=60):
    """Poll until the server has ``status``; ERROR raises at once."""
    server_id = getattr(server, 'id', server)
    deadline = time.monotonic() + timeout
    while True:
        current = conn.compute.get_server(server_id)
        if current.status == status:
            return current
        if current.status == 'ERROR' and status != 'ERROR':
            raise exceptions.SandboxError(
                f'server {server_id} went to ERROR while waiting for '
                f'{status}: {current.fault}')
        if time.monotonic() > deadline:
            raise exceptions.SandboxError(
                f'server {server_id} still {current.status} '
                f'(task {current.task_state}) after {timeout} s; '
                f'expected {status}')
        time.sleep(POLL_SECONDS)


def wait_until(predicate, what, timeout=60):
    """Poll ``predicate()`` until it returns a true value, and return it."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise exceptions.SandboxError(f'timed out after {timeout} s '
                                          f'waiting for {what}')
        time.sleep(POLL_SECONDS)


def host_of(admin, server):
    """The compute host of a server (needs an admin connection)."""
    return admin.compute.get_server(getattr(server, 'id', server)).compute_host


def migrations_of(admin, server, migration_type=None):
    """The server's migration records, newest first as Nova lists them."""
    query = {'server_id': getattr(server, 'id', server)}
    if migration_type:
        query['migration_type'] = migration_type
    return list(admin.compute.migrations(**query))


def wait_for_migration(admin, server, statuses, migration_type=None,
                       ignore=(), timeout=60):
    """Wait until the server's newest migration has one of ``statuses``.

    ``ignore``: migrations (records or ids) that existed before the
    operation, so an older record cannot satisfy the wait.
    """
    old = {getattr(m, 'id', m) for m in ignore}

    def newest_done():
        records = [m for m in migrations_of(admin, server, migration_type)
                   if m.id not in old]
        if records and records[0].status in statuses:
            return records[0]
        return None
    return wait_until(newest_done, f'a migration of {server} in {statuses}',
                      timeout=timeout)


def delete_all(conn, all_projects=False, timeout=60):
    """Delete the servers of ``conn``'s project (every project's with
    ``all_projects``, admin) and wait until they are gone."""
    query = {'all_projects': True} if all_projects else {}
    ids = [s.id for s in conn.compute.servers(**query)]
    for server_id in ids:
        try:
            conn.compute.delete_server(server_id)
        except sdk_exceptions.NotFoundException:
            pass
    wait_until(lambda: not list(conn.compute.servers(**query)),
               'servers to be deleted', timeout=timeout)
    return ids
