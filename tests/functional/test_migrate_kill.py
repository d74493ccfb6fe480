"""The migrator killed with SIGKILL at 20 random points of a 30-server
drain, then resumed: the cloud and the journal must end consistent.

Each round starts the real ``osmigcfg`` (``drain`` until a journal exists,
then ``resume``) and kills it after a random delay; a last ``resume`` runs
to the end.  Set OSMIGCFG_KILL_SEED to replay a failing sequence.
"""

import os
import random
import subprocess
import threading
import time

import pytest

from osmigcfg import engine
from osmigcfg.migrate import outcomes as outcomes_mod
from osmigcfg.sandbox import servers
from tests.functional import migrate_support as ms
from tests.harness import processes

pytestmark = pytest.mark.nova

SERVERS = 30
KILLS = 20
SHUTOFF = 5  # the first five are stopped: cold migration + confirm
PLAN_DEADLINE = 120  # seconds from the process start to its first event


@pytest.fixture
def nova(nova_sandbox):
    yield nova_sandbox
    ms.delete_everything(nova_sandbox.admin)


def _command(journal):
    if os.path.exists(journal):
        return ['resume', journal, '--json-events']
    return ['drain', 'host1', '--yes', '--journal', journal, '--per-host',
            '1', '--json-events']


def _kill_after(nova, argv, delay, state_dir):
    """Start osmigcfg; SIGKILL it ``delay`` seconds into its run.

    The clock starts at the run's first event (``run.plan``), not at the
    process start: how long Python takes to start and plan depends on the
    machine's load, and a kill counted from the start landed before any run
    on a busy CI machine.  None if killed, else the exit status.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(nova.token_env(*ms.ADMIN), OSMIGCFG_STATE_DIR=str(state_dir))
    proc = subprocess.Popen([ms.OSMIGCFG, *argv, *ms.identity_args(ms.ADMIN)],
                            env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    planned = threading.Event()

    def read_events():
        for line in proc.stdout:  # drained to the end: the pipe never fills
            if '"run.plan"' in line:
                planned.set()

    reader = threading.Thread(target=read_events, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + PLAN_DEADLINE
        while not planned.wait(0.05):
            if proc.poll() is not None:
                return proc.returncode  # ended (or failed) before planning
            assert time.monotonic() < deadline, 'no run.plan event in time'
        proc.wait(delay)
        return proc.returncode  # finished before the kill
    except subprocess.TimeoutExpired:
        processes.sigkill(proc)
        return None
    finally:
        processes.sigkill(proc)
        reader.join(10)


def test_sigkill_at_20_random_points_then_resume_keeps_every_invariant(
        nova, tmp_path):
    admin = nova.admin
    seed = int(os.environ.get('OSMIGCFG_KILL_SEED') or time.time())
    rng = random.Random(seed)
    began = time.monotonic()
    made = ms.boot_many(admin, [f'k-{i:02d}' for i in range(SERVERS)],
                        host='host1', flavor=ms.micro_flavor(admin),
                        spread=nova)
    for server in made[:SHUTOFF]:
        admin.compute.stop_server(server)
    for server in made[:SHUTOFF]:
        servers.wait_for_status(admin, server, 'SHUTOFF')
    print(f'booted {SERVERS} in {time.monotonic() - began:.0f} s')
    # One move at a time, 4 s each: 25 live moves need at least 100 s, more
    # than 20 rounds can run (at most 3.5 s after each plan), so every kill
    # lands before the drain ends, whatever the seed.
    nova.set_migration_duration(live=4.0, cold=0.5)
    journal = str(tmp_path / 'drain.journal')
    kills = rounds = 0
    while kills < KILLS and rounds < 3 * KILLS:
        rounds += 1
        if _kill_after(nova, _command(journal), rng.uniform(0.0, 3.5),
                       tmp_path) is None:
            kills += 1
        elif os.path.exists(journal):
            break  # the drain ended before this round's kill
    nova.set_migration_duration(live=0.5, cold=0.5)  # the rest, quickly
    final = ms.osmigcfg_process(nova, ms.ADMIN, *_command(journal),
                                *ms.identity_args(ms.ADMIN),
                                state_dir=tmp_path, timeout=600)
    assert final.returncode in (0, 1), (seed, final.stderr)
    assert kills == KILLS, (seed, kills, rounds)
    kinds = [e['kind'] for e in engine.read_events(journal + '.events.jsonl')]
    print(f'seed {seed}: {kills} kills, {kinds.count("run.started")} runs, '
          f'{kinds.count("item.reconciled")} servers reconciled after a kill')
    assert kinds.count('item.reconciled') >= 1, seed  # kills hit mid-move
    _check_invariants(admin, made, journal, seed)


def _check_invariants(admin, made, journal, seed):
    found = {o.id: o for o in outcomes_mod.outcomes(
        engine.Journal.open(journal))}
    assert len(found) == SERVERS, seed
    for n, server in enumerate(made):
        outcome = found[server.id]
        now = admin.compute.get_server(server.id)
        wanted = 'SHUTOFF' if n < SHUTOFF else 'ACTIVE'
        assert now.status == wanted, (seed, server.name, now.status, outcome)
        actions = ms.migration_actions(admin, server)
        if outcome.outcome == 'migrated':
            assert now.compute_host != 'host1', (seed, server.name)
            assert len(actions) == 1, (seed, server.name, actions)
        else:
            assert outcome.outcome == 'failed' and outcome.reason, (
                seed, server.name, outcome)
    assert len(list(admin.compute.servers(all_projects=True))) == SERVERS
