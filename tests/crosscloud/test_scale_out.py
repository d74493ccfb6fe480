"""Scale-out: ``copy --workers`` on two ``osmigcfg worker`` processes,
over the local clouds' RabbitMQ (the src cloud's vhost), on loopback.

The conductor (the ``copy`` process) is SIGKILLed mid-run and started
again: its journal (TaskFlow's, kept by the conductor) resumes the run
on the same workers, and no image ends up copied twice.
"""

import os
import pathlib
import signal
import subprocess
import time

import pytest

from osmigcfg import engine
from osmigcfg.crosscloud import state as state_mod
from tests.crosscloud import migration_support as ms

pytestmark = pytest.mark.clouds
IMAGES = 6


@pytest.fixture
def workers(local_clouds):
    """Two worker processes on one topic; their pids."""
    url = local_clouds.clouds['src'].spec.transport_url.replace(
        'rabbit://', 'amqp://', 1)
    topic = f'copy-{os.getpid()}-{time.monotonic_ns()}'
    env = ms.cli_env(local_clouds, OSMIGCFG_TRANSPORT_URL=url)
    procs = [subprocess.Popen(
        [str(ms.OSMIGCFG), 'worker', '--topic', topic, '--threads', '1'],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2)]
    yield topic, url, [p.pid for p in procs]
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_for_first_copy(state, proc, timeout=120):
    """The copy run's events file, once one step finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        latest = state.latest('copy')
        events = pathlib.Path(f'{latest}.events.jsonl') if latest else None
        if events and events.exists() and any(
                e['kind'] == 'atom.success'
                for e in engine.read_events(events)):
            return events
        time.sleep(0.05)
    raise AssertionError('the copy never finished a step')


def test_two_workers_copy_and_a_killed_conductor_resumes(local_clouds,
                                                        workers, tmp_path):
    topic, url, pids = workers
    name, src, dst = ms.new_project(local_clouds, 'wbe')
    src_conn = local_clouds.connect(src)
    images = [src_conn.image.create_image(
        name=f'w-image{i}', data=os.urandom(32 * ms.MiB + i),
        disk_format='raw', container_format='bare', wait=True)
        for i in range(IMAGES)]
    directory = tmp_path / 'docs'
    ms.export(src_conn, directory, src)
    status, _, err = ms.run_osmigcfg(local_clouds, 'import', str(directory),
                                     '--dst-cloud', dst, '--yes')
    assert (status, err) == (0, '')
    argv = [str(ms.OSMIGCFG), 'copy', str(directory), '--dst-cloud', dst,
            '--workers', topic, '-f', 'json']
    env = ms.cli_env(local_clouds, OSMIGCFG_TRANSPORT_URL=url)
    first = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    events = _wait_for_first_copy(state_mod.StateDir(directory), first)
    first.send_signal(signal.SIGKILL)
    first.wait()
    finished = [e for e in engine.read_events(events)
                if e['kind'] == 'atom.success']
    assert 0 < len(finished) < IMAGES  # killed mid-run
    done = subprocess.run(argv, env=env, capture_output=True, text=True,
                          timeout=300)
    assert (done.returncode, done.stderr) == (0, ''), done.stderr
    rows = ms.json_rows(done.stdout)
    assert {r['Outcome'] for r in rows} <= {'copied', 'already copied'}
    [journal_path] = state_mod.StateDir(directory).journals('copy')
    journal = engine.Journal.open(journal_path)
    ran_on = {a.details.get('pid') for a in journal.atoms().values()
              if a.details.get('pid')}
    journal.close()
    assert ran_on == set(pids)  # both workers did copies, nobody else
    dst_conn = local_clouds.connect(dst)
    for image in images:
        [copy] = list(dst_conn.image.images(name=image.name))
        assert ms.image_sha256(dst_conn, copy.id) == ms.image_sha256(
            src_conn, image.id)
