"""The steps of a rehearsal on a running Nova sandbox (see ``rehearse``).

Servers: ``S`` (home project) takes every start, confirm/revert and the
abort / force-complete / evacuate probes; ``W`` (home project) holds a slow
live migration while the watching calls are asked; ``B`` (the other
project) gets one finished migration so that its own listing has records.
"""

import logging
import time

from osmigcfg import exceptions
from osmigcfg import roles as roles_mod
from osmigcfg.policy import personas as personas_mod
from osmigcfg.policy import rehearse_calls as calls
from osmigcfg.sandbox import servers

LOG = logging.getLogger(__name__)

ADMIN_ROLES = roles_mod.expand_roles(['admin'])
#: Seconds the watched live migration is held in progress at most.
HOLD_SECONDS = 120
TIMEOUT = 60


class Rehearsal:
    """One run: personas' callers, the servers, and the answers so far."""

    def __init__(self, sandbox, matrix, moves):
        self.nova = sandbox
        self.matrix = matrix
        self.moves = moves
        self.microversion = sandbox.negotiated_microversion()
        self.admin = calls.Caller(sandbox.admin, self.microversion)
        self.answers = {}  # (action, persona) -> (Answer, moved)
        self.created = []
        self.server = self.watched = self.other = None
        self.owner_a = self.owner_b = None
        self._callers = {}

    # -- helpers -------------------------------------------------------

    def caller(self, persona):
        if persona.name not in self._callers:
            conn = self.nova.connect(persona.user, persona.project,
                                     persona.roles, implied=False)
            self._callers[persona.name] = calls.Caller(conn,
                                                       self.microversion)
        return self._callers[persona.name]

    def record(self, key, persona, answer, moved=None):
        self.answers[(key, persona.name)] = (answer, moved)

    def host(self, server_id):
        return servers.host_of(self.nova.admin, server_id)

    def other_host(self, server_id):
        here = self.host(server_id)
        return next(h for h in self.nova.computes if h != here)

    def status(self, server_id):
        return self.nova.admin.compute.get_server(server_id).status

    def wait_status(self, server_id, status):
        servers.wait_for_status(self.nova.admin, server_id, status,
                                timeout=TIMEOUT)

    def wait_settled(self, server_id, status='ACTIVE', timeout=TIMEOUT):
        def settled():
            server = self.nova.admin.compute.get_server(server_id)
            return server.status == status and not server.task_state
        servers.wait_until(settled, f'server {server_id} to be {status}',
                           timeout=timeout)

    # -- setup and teardown ---------------------------------------------

    def owner(self, user, project):
        """An admin of ``project``: the migrations it starts belong there
        (Nova records the initiator's project on each migration)."""
        conn = self.nova.connect(user, project, ADMIN_ROLES, implied=False)
        return calls.Caller(conn, self.microversion)

    def boot(self, owner, name):
        server = self.nova.boot(owner.conn, name, wait=False)
        self.created.append(server.id)
        return server.id

    def setup(self):
        self.owner_a = self.owner(personas_mod.SERVER_OWNER,
                                  personas_mod.HOME_PROJECT)
        self.owner_b = self.owner('owner-b', personas_mod.OTHER_PROJECT)
        self.server = self.boot(self.owner_a, 'rehearse-s')
        self.watched = self.boot(self.owner_a, 'rehearse-w')
        self.other = self.boot(self.owner_b, 'rehearse-b')
        for server_id in self.created:
            self.wait_status(server_id, 'ACTIVE')
        self._expect_allowed(calls.live_migrate(self.owner_b, self.other),
                             'the admin live-migrating the other project\'s '
                             'server')
        self.wait_settled(self.other)
        if not self.moves:
            self.suspend_server()

    def suspend_server(self):
        self.nova.admin.compute.suspend_server(self.server)
        self.wait_status(self.server, 'SUSPENDED')

    def replace_server(self):
        """A fresh ``S`` when the old one is stuck (ERROR, VERIFY_RESIZE)."""
        LOG.warning('rehearsal server %s is %s; booting a fresh one',
                    self.server, self.status(self.server))
        self.server = self.boot(self.owner_a, 'rehearse-s2')
        self.wait_status(self.server, 'ACTIVE')
        if not self.moves:
            self.suspend_server()

    def teardown(self):
        admin = self.nova.admin
        for server_id in self.created:
            try:
                admin.compute.delete_server(server_id)
            except Exception as e:  # keep deleting the others
                LOG.warning('could not delete server %s: %s', server_id, e)
        left = set(self.created)
        servers.wait_until(
            lambda: not left.intersection(
                s.id for s in admin.compute.servers(all_projects=True)),
            'the rehearsal servers to be deleted', timeout=TIMEOUT)

    def _expect_allowed(self, answer, what):
        if not answer.allowed or answer.status >= 300:
            raise exceptions.SandboxError(
                f'rehearsal setup failed: {what}: {answer.detail}')

    # -- watching: list / show while a live migration is in progress -------

    def hold_live_migration(self):
        """Start a slow live migration of ``W``; return its migration id.

        The fake driver reads the duration when the compute starts the
        job, so it stays long until :meth:`release_live_migration`.
        """
        self.nova.set_migration_duration(live=HOLD_SECONDS)
        self._expect_allowed(calls.live_migrate(self.owner_a, self.watched),
                             'the home project\'s admin live-migrating the '
                             'watched server')

        def running():
            response = self.owner_a.call(
                'GET', f'/servers/{self.watched}/migrations')
            records = response.json().get('migrations') or []
            if records and records[0]['status'] == 'running':
                return records[0]['id']
            return None
        return servers.wait_until(running, 'the watched live migration to '
                                  'be running', timeout=TIMEOUT)

    def release_live_migration(self, migration_id):
        """Force-complete the held migration (again, until it lands)."""
        self.nova.set_migration_duration(live=0)
        for _attempt in range(TIMEOUT):
            calls.force_complete(self.owner_a, self.watched, migration_id)
            try:
                self.wait_settled(self.watched, timeout=2)
                return
            except exceptions.SandboxError:
                continue
        raise exceptions.SandboxError('the held live migration did not '
                                      'complete')

    def watch(self, persona, migration_id):
        who = self.caller(persona)
        home = persona.project
        self.record('list-server-migrations', persona,
                    calls.list_server_migrations(who, self.watched))
        self.record('list-server-migrations-host', persona,
                    calls.list_server_migrations(who, self.watched,
                                                 want_host=True))
        self.record('show-server-migration', persona,
                    calls.show_migration(who, self.watched, migration_id))
        self.record('list-migrations', persona,
                    calls.list_migrations(who, home))
        self.record('list-migrations-all-projects', persona,
                    calls.list_migrations(who))
        self.record('list-migrations-host', persona,
                    calls.list_migrations(who, home, want_host=True))

    def control(self, persona, migration_id):
        who = self.caller(persona)
        self.record('abort-migration', persona,
                    calls.abort_migration(who, self.server, migration_id))
        self.record('force-complete', persona,
                    calls.force_complete(who, self.server, migration_id))
        self.record('evacuate', persona, calls.evacuate(who, self.server))

    # -- starting migrations, and confirming / reverting them -------------

    def starts(self, persona):
        wanted = 'ACTIVE' if self.moves else 'SUSPENDED'
        if self.status(self.server) != wanted:
            self.replace_server()
        who = self.caller(persona)
        if self.moves:
            self.cold_then(persona, who, False, 'revert-resize',
                           calls.revert_resize)
            self.cold_then(persona, who, True, 'confirm-resize',
                           calls.confirm_resize)
            self.live(persona, who, False)
            self.live(persona, who, True)
            return
        host = self.other_host(self.server)
        self.record('cold-migrate', persona,
                    calls.cold_migrate(who, self.server))
        self.record('cold-migrate-host', persona,
                    calls.cold_migrate(who, self.server, host))
        self.record('live-migrate', persona,
                    calls.live_migrate(who, self.server))
        self.record('live-migrate-host', persona,
                    calls.live_migrate(who, self.server, host))
        self.record('confirm-resize', persona,
                    calls.confirm_resize(who, self.server))
        self.record('revert-resize', persona,
                    calls.revert_resize(who, self.server))

    def cold_then(self, persona, who, to_host, finish_key, finish):
        """Cold-migrate ``S``; then the persona confirms or reverts it."""
        key = 'cold-migrate-host' if to_host else 'cold-migrate'
        start = self.host(self.server)
        target = self.other_host(self.server) if to_host else None
        answer = calls.cold_migrate(who, self.server, target)
        if answer.status != 202:
            self.record(key, persona, answer)
            # Not resized: Nova answers the policy, then 409 for the state.
            self.record(finish_key, persona, finish(who, self.server))
            return
        try:
            self.wait_status(self.server, 'VERIFY_RESIZE')
            moved = f'{start} -> {self.host(self.server)}'
        except exceptions.SandboxError as e:
            self.record(key, persona, answer, f'did not move: {e}')
            self.record(finish_key, persona, finish(who, self.server))
            return
        self.record(key, persona, answer, moved)
        done = finish(who, self.server)
        if done.status not in (202, 204):
            calls.confirm_resize(self.admin, self.server)
        self.wait_settled(self.server)
        self.record(finish_key, persona, done,
                    f'now on {self.host(self.server)}'
                    if done.status in (202, 204) else None)

    def live(self, persona, who, to_host):
        key = 'live-migrate-host' if to_host else 'live-migrate'
        start = self.host(self.server)
        target = self.other_host(self.server) if to_host else None
        answer = calls.live_migrate(who, self.server, target)
        moved = None
        if answer.status == 202:
            moved = self._await_live(start, target)
        self.record(key, persona, answer, moved)

    def _await_live(self, start, target):
        def arrived():
            server = self.nova.admin.compute.get_server(self.server)
            return (server.status == 'ACTIVE' and not server.task_state
                    and server.compute_host != start
                    and server.compute_host)
        try:
            now = servers.wait_until(arrived, 'the live migration to land',
                                     timeout=TIMEOUT)
        except exceptions.SandboxError as e:
            return f'did not move: {e}'
        if target and now != target:
            return f'did not move: went to {now}, not {target}'
        return f'{start} -> {now}'


class _Clock:
    def __init__(self):
        self.last = time.monotonic()

    def lap(self, what):
        now = time.monotonic()
        LOG.info('rehearsal %s: %.1f s', what, now - self.last)
        self.last = now


def _expressible(persona):
    return all(part and ':' not in part and ',' not in part
               for part in (persona.user, persona.project, *persona.roles))


def run(sandbox, matrix, moves=True):
    """Ask Nova every cell of ``matrix``.

    :returns: dict (action key, persona name) -> (Answer, moved or None)
    """
    rehearsal = Rehearsal(sandbox, matrix, moves)
    personas = [p for p in matrix.personas if _expressible(p)]
    clock = _Clock()
    try:
        rehearsal.setup()
        clock.lap('setup')
        migration_id = rehearsal.hold_live_migration()
        try:
            for persona in personas:
                rehearsal.watch(persona, migration_id)
        finally:
            rehearsal.release_live_migration(migration_id)
        clock.lap('watching')
        for persona in personas:
            rehearsal.control(persona, migration_id)
        clock.lap('abort/force-complete/evacuate')
        for persona in personas:
            rehearsal.starts(persona)
        clock.lap('migrations' if moves else 'migration probes')
    finally:
        rehearsal.teardown()
        clock.lap('teardown')
    unusable = calls.Answer('unobserved', None, 'the persona cannot be '
                            'expressed as a sandbox token')
    for persona in matrix.personas:
        if persona not in personas:
            for act in matrix.actions:
                rehearsal.record(act.key, persona, unusable)
    return rehearsal.answers
