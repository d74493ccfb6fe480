"""SIGKILL the real ``osmigcfg`` at 10 random points of an import and a
copy, then resume: nothing duplicated, nothing lost, no finished copy
redone (asserted from the journals' events and the destination listing).

Each round starts the command the project needs next (``import`` until
an import run finished, then ``copy``) and kills it after a random delay;
a last ``import`` and ``copy`` run to the end.  Set OSMIGCFG_KILL_SEED to
replay a sequence.
"""

import collections
import os
import random
import signal
import subprocess
import time

import pytest

from osmigcfg import engine
from osmigcfg.crosscloud import runs
from osmigcfg.crosscloud import state as state_mod
from tests.crosscloud import migration_support as ms

pytestmark = pytest.mark.clouds
KILLS = 10
IMAGES = 4


def _next_command(directory, dst):
    latest = state_mod.StateDir(directory).latest('import')
    done = False
    if latest:
        journal = engine.Journal.open(latest)
        done = runs.finished(journal)
        journal.close()
    verb = 'copy' if done else 'import'
    return [verb, str(directory), '--dst-cloud', dst] + (
        ['--yes'] if verb == 'import' else [])


def _kill_after(local_clouds, argv, delay):
    proc = subprocess.Popen([str(ms.OSMIGCFG), *argv],
                            env=ms.cli_env(local_clouds),
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        proc.wait(delay)
        return proc.returncode
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return None


def _events(directory, kind):
    found = []
    for path in state_mod.StateDir(directory).journals(kind):
        found += engine.read_events(path + '.events.jsonl')
    return found


@pytest.fixture
def project(local_clouds, tmp_path):
    name, src, dst = ms.new_project_with_types(local_clouds, 'kill')
    src_conn = local_clouds.connect(src)
    images, volume = ms.build_project(src_conn, 'k', 'gold', images=IMAGES)
    directory = tmp_path / 'docs'
    ms.export(src_conn, directory, src)
    ms.map_volume_type(directory, 'k-vol', 'silver')
    return name, src, dst, directory, images, volume


def test_sigkill_import_and_copy_10_times_then_resume(local_clouds,
                                                      project):
    name, src, dst, directory, images, volume = project
    seed = int(os.environ.get('OSMIGCFG_KILL_SEED') or time.time())
    rng = random.Random(seed)
    kills, verbs = 0, []
    while kills < KILLS and len(verbs) < 2 * KILLS:
        argv = _next_command(directory, dst)
        if argv[0] == 'import' and verbs.count('import') >= KILLS // 2:
            # half the kills at most go to the import: on a loaded machine
            # every import round could be killed and the copy never hit
            status, out, err = ms.run_osmigcfg(local_clouds, *argv)
            assert (status, err) == (0, ''), (seed, argv, out, err)
            continue
        verbs.append(argv[0])
        # an import takes a few seconds, a copy longer: kill both mid-way
        delay = rng.uniform(1.0, 3.5) if argv[0] == 'import' else \
            rng.uniform(1.5, 6.0)
        if _kill_after(local_clouds, argv, delay) is None:
            kills += 1
        elif argv[0] == 'copy':
            break  # the copy ended before this round's kill
    for verb in ('import', 'copy'):
        status, out, err = ms.run_osmigcfg(
            local_clouds, verb, str(directory), '--dst-cloud', dst,
            *(['--yes'] if verb == 'import' else []), '-f', 'json')
        assert (status, err) == (0, ''), (seed, verb, out, err)
    print(f'seed {seed}: {kills} kills, rounds {verbs}')
    assert kills == KILLS, (seed, kills, verbs)
    assert verbs.count('import') >= 2 and 'copy' in verbs, (seed, verbs)
    state = state_mod.StateDir(directory)
    # killed runs were resumed, not restarted: one run per verb, plus the
    # final one when the loop had already finished that verb
    assert len(state.journals('import')) <= 2, (seed, state.journals())
    assert len(state.journals('copy')) <= 2, (seed, state.journals())
    _check_destination(local_clouds, src, dst, images, volume, seed)
    _check_nothing_redone(directory, seed)


def _check_destination(local_clouds, src, dst, images, volume, seed):
    src_conn, dst_conn = local_clouds.connect(src), local_clouds.connect(dst)
    found = ms.inventory(dst_conn)
    source = ms.inventory(src_conn)
    for kind in ('networks', 'subnets', 'routers', 'security_groups',
                 'rules', 'ports', 'floating_ips', 'images', 'volumes',
                 'snapshots'):
        assert found[kind] == source[kind], (seed, kind, found[kind])
    for image in images:
        [copy] = list(dst_conn.image.images(name=image.name))
        assert ms.image_sha256(dst_conn, copy.id) == ms.image_sha256(
            src_conn, image.id), (seed, image.name)
    [copied] = list(dst_conn.block_storage.volumes())
    assert ms.file_sha256(ms.volume_path(local_clouds, 'dst', copied.id)) \
        == ms.file_sha256(ms.volume_path(local_clouds, 'src', volume.id))
    temps = [i.name for c in (src_conn, dst_conn) for i in c.image.images()
             if i.name.startswith('osmigcfg-xfer')] + [
        v.name for v in src_conn.block_storage.volumes()
        if v.name.startswith('osmigcfg-xfer')]
    assert temps == [], seed


def _check_nothing_redone(directory, seed):
    created = collections.Counter(
        e['item'] for e in _events(directory, 'import')
        if e['kind'] == 'item.created')
    assert created and max(created.values()) == 1, (seed, created)
    verified = [e for e in _events(directory, 'copy')
                if e['kind'].endswith('transfer.verified')]
    streamed = collections.Counter(e['item'] for e in verified
                                   if not e.get('reused'))
    # every item verified; streamed to the end at most once (a kill after
    # glance took the last byte leaves it to be verified, not re-sent)
    assert len({e['item'] for e in verified}) == IMAGES + 1, (seed, verified)
    assert max(streamed.values()) == 1, (seed, streamed)
    volumes = collections.Counter(
        e['item'] for e in _events(directory, 'copy')
        if e['kind'] == 'create.created')
    assert list(volumes.values()) == [1], (seed, volumes)
