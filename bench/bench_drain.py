"""Drain benchmark on the real-Nova sandbox: osmigcfg against what operators
do today, measured in the same run.

One Nova 34 sandbox (three fake computes, ``max_concurrent_live_migrations``
= k, every live migration held ``--duration`` seconds in the fake driver)
gets N + serial + fire-and-forget servers on host1.  Then, in this order,
each through a counting loopback proxy in front of the API:

1. the serial loop operators run: ``openstack server migrate
   --live-migration --wait SERVER`` (the real CLI), one server after the
   other, on a subset; its time per server is extrapolated to N
   (labelled);
2. the fire-and-forget loop (``openstack server migrate --live-migration``
   without ``--wait`` for each server, then nothing: what
   ``nova host-evacuate-live`` does) on a subset, timed until Nova has
   finished every one of them; extrapolated to N by its submission rate;
3. ``osmigcfg drain host1`` on the N servers left.

Printed: makespan / lower bound, where the lower bound imposed by Nova's
limits is ceil(N / k) x duration (one source host, k migrations at a time,
each at least ``duration`` long); API requests per migration; the ratios
between the three; and whether each method's result was verified.  Nova
also spends time of its own inside each slot (pre- and post-migration
work, which grows when the machine is busy); it is read from the sandbox's
log and printed as a second bound, ceil(N / k) x the mean slot time, so
the part of the makespan that is Nova's and the part that is osmigcfg's
can be told apart.

Run: ``python bench/bench_drain.py [--servers 100] [--duration 2]
[--nova-limit 2]`` (about 10-15 minutes).  Benchmarks print figures;
they are not tests.
"""

import argparse
import datetime
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from osmigcfg.sandbox.nova import sandbox as sandbox_nova  # noqa: E402
from osmigcfg.sandbox import servers  # noqa: E402
from tests.functional import faultproxy  # noqa: E402

BIN = pathlib.Path(sys.executable).parent
ADMIN = ('admin', 'admin', ['admin'])


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--servers', type=int, default=100, help='N')
    parser.add_argument('--duration', type=float, default=2.0,
                        help='seconds each live migration takes (fake)')
    parser.add_argument('--nova-limit', type=int, default=2,
                        help='max_concurrent_live_migrations (k)')
    parser.add_argument('--per-host', type=int, default=None,
                        help='osmigcfg --per-host (default: its own)')
    parser.add_argument('--serial-subset', type=int, default=6)
    parser.add_argument('--ff-subset', type=int, default=20)
    return parser.parse_args()


def boot(nova, count, prefix):
    """Boot ``count`` small servers on host1, five at a time (many at once
    can deadlock nova's functional-test database fixtures)."""
    admin = nova.admin
    flavor = admin.compute.find_flavor('bench.micro') or \
        admin.compute.create_flavor(name='bench.micro', ram=16, vcpus=1,
                                    disk=0)
    made = []
    for first in range(0, count, 5):
        batch = [servers.boot(admin, f'{prefix}-{n:03d}', flavor=flavor.id,
                              host='host1', wait=False)
                 for n in range(first, min(count, first + 5))]
        made += [servers.wait_for_status(admin, s, 'ACTIVE', timeout=300)
                 for s in batch]
    return [s.id for s in made]


def cli_env(nova, proxy, state_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(nova.token_env(*ADMIN), OS_ENDPOINT=proxy.endpoint,
               OSMIGCFG_STATE_DIR=str(state_dir), PYTHONWARNINGS='ignore')
    return env


def run(argv, env, timeout=3600):
    proc = subprocess.run(argv, env=env, capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode not in (0, 1):
        raise SystemExit(f'{argv[0]} failed: {proc.stderr[-2000:]}')
    return proc


def settled(admin, server_ids):
    """True once none of the servers is on host1 or has a running record."""
    for sid in server_ids:
        server = admin.compute.get_server(sid)
        if server.compute_host == 'host1' or server.task_state:
            return False
    return all(m.status in ('completed', 'error', 'failed', 'cancelled')
               for m in admin.compute.migrations(migration_type='live-migration')
               if m.server_id in server_ids)


def count(proxy):
    return len(proxy.log)


def serial_loop(nova, proxy, env, ids):
    """The real CLI, ``--wait``, one server after the other."""
    before, began = count(proxy), time.monotonic()
    for sid in ids:
        run([str(BIN / 'openstack'), 'server', 'migrate', '--live-migration',
             '--wait', sid], env)
    took = time.monotonic() - began
    return {'seconds': took, 'per_server': took / len(ids),
            'requests': (count(proxy) - before) / len(ids)}


def fire_and_forget(nova, proxy, env, ids):
    """The real CLI without --wait for each server; nothing checks."""
    before, began = count(proxy), time.monotonic()
    for sid in ids:
        run([str(BIN / 'openstack'), 'server', 'migrate', '--live-migration',
             sid], env)
    submitted = time.monotonic() - began
    requests = (count(proxy) - before) / len(ids)
    servers.wait_until(lambda: settled(nova.admin, set(ids)),
                       'fire-and-forget migrations to end', timeout=3600)
    took = time.monotonic() - began
    return {'seconds': took, 'submit_per_server': submitted / len(ids),
            'tail': took - submitted, 'requests': requests}


def osmigcfg_drain(proxy, env, args, state_dir):
    """``osmigcfg drain host1`` on what is left there."""
    journal = state_dir / 'bench.journal'
    argv = [str(BIN / 'osmigcfg'), 'drain', 'host1', '--yes', '--journal',
            str(journal), '--nova-limit', str(args.nova_limit),
            '--json-events', '--roles', 'admin,member,reader',
            '--project-id', 'admin']
    if args.per_host:
        argv += ['--per-host', str(args.per_host)]
    before, began, wall = count(proxy), time.monotonic(), time.time()
    proc = run(argv, env)
    took = time.monotonic() - began
    events = [json.loads(line) for line in proc.stdout.splitlines()
              if line.startswith('{')]
    starts = [e['ts'] for e in events if e['kind'] == 'run.started']
    ends = [e['ts'] for e in events if e['kind'] == 'run.finished']
    done = [e for e in events if e['kind'] == 'item.migrated']
    return {'seconds': took, 'makespan': ends[-1] - starts[0],
            'window': (wall, time.time()),
            'migrated': len(done),
            'failed': sum(e['kind'] == 'item.failed' for e in events),
            'requests': (count(proxy) - before) / max(1, len(done))}


def nova_slots(log_path, since, until):
    """(migrations, mean seconds each held a Nova slot) between two times, from the sandbox's Nova log: a slot is taken at
    pre_live_migration (inside max_concurrent_live_migrations) and given
    back when the migration 'finished successfully'."""
    starts, ends = [], []
    line_re = re.compile(r'(\S+ \S+) INFO \[nova.compute.manager\] (.*)')
    with open(log_path, encoding='utf-8', errors='replace') as f:
        for line in f:
            match = line_re.match(line)
            if not match:
                continue
            ts = datetime.datetime.strptime(
                match.group(1), '%Y-%m-%d %H:%M:%S,%f').timestamp()
            if not since <= ts <= until:
                continue
            text = match.group(2)
            took = re.search(r'Took ([\d.]+) seconds for pre_live_migration',
                             text)
            if took:
                starts.append(ts - float(took.group(1)))
            elif 'finished successfully' in text:
                ends.append(ts)
    if not starts or len(starts) != len(ends):
        return len(ends), None
    busy = sum(ends) - sum(starts)
    return len(ends), busy / len(ends)


def report(args, serial, ff, ours):
    n, k, d = args.servers, args.nova_limit, args.duration
    bound = math.ceil(n / k) * d
    serial_n = serial['per_server'] * n
    ff_n = ff['submit_per_server'] * n + ff['tail']
    print(f'\nDrain of N={n} servers off host1, Nova max_concurrent_live_'
          f'migrations k={k}, {d:g} s per live migration (fake driver)')
    print(f'lower bound imposed by Nova: ceil(N/k) x {d:g} s = {bound:.1f} s')
    print(f'{"method":44} {"makespan s":>11} {"/ bound":>8} {"req/mig":>8}')
    rows = [
        ('osmigcfg drain (engine makespan)', ours['makespan'],
         ours['requests']),
        ('osmigcfg drain (whole command, with startup)', ours['seconds'],
         ours['requests']),
        (f'serial openstack --wait loop (x{n}/{args.serial_subset}, '
         'extrapolated)', serial_n, serial['requests']),
        (f'fire-and-forget loop (x{n}/{args.ff_subset}, extrapolated)',
         ff_n, ff['requests']),
    ]
    for name, seconds, requests in rows:
        print(f'{name:44} {seconds:11.1f} {seconds / bound:8.2f} '
              f'{requests:8.1f}')
    if ours.get('slot'):
        nova_bound = math.ceil(n / k) * ours['slot']
        print(f'Nova itself held each slot {ours["slot"]:.2f} s on average '
              f'({ours["slot"] - d:.2f} s of its own work beyond the '
              f'{d:g} s migration): with that, Nova\'s limits allow no less '
              f'than {nova_bound:.1f} s; osmigcfg took '
              f'{ours["makespan"] / nova_bound:.2f} x that')
    print(f'osmigcfg: {ours["migrated"]} migrated and verified, '
          f'{ours["failed"]} failed')
    print(f'speed-up over the serial --wait loop: '
          f'{serial_n / ours["makespan"]:.1f}x; over fire-and-forget: '
          f'{ff_n / ours["makespan"]:.2f}x (which verifies nothing and '
          f'holds no window)')
    print(f'measured: serial {serial["seconds"]:.1f} s for '
          f'{args.serial_subset}, fire-and-forget {ff["seconds"]:.1f} s for '
          f'{args.ff_subset} (submitting {ff["submit_per_server"]:.1f} s per '
          f'server, then {ff["tail"]:.1f} s until Nova was done)')


def main():
    args = parse_args()
    conf = {'DEFAULT.max_concurrent_live_migrations': args.nova_limit,
            'DEFAULT.cpu_allocation_ratio': 64.0, 'quota.instances': -1,
            'quota.cores': -1, 'quota.ram': -1}
    with tempfile.TemporaryDirectory(prefix='bench-drain-') as tmp, \
            sandbox_nova.NovaSandbox(computes=('host1', 'host2', 'host3'),
                                     conf=conf, workdir=tmp) as nova:
        tmp = pathlib.Path(tmp)
        serial_ids = boot(nova, args.serial_subset, 'serial')
        ff_ids = boot(nova, args.ff_subset, 'ff')
        boot(nova, args.servers, 'drain')
        nova.set_migration_duration(live=args.duration)
        with faultproxy.FaultProxy(nova.port, lambda m, p: 'pass') as proxy:
            env = cli_env(nova, proxy, tmp)
            serial = serial_loop(nova, proxy, env, serial_ids)
            ff = fire_and_forget(nova, proxy, env, ff_ids)
            ours = osmigcfg_drain(proxy, env, args, tmp)
        ours['slot'] = nova_slots(nova.log_path, *ours['window'])[1]
        report(args, serial, ff, ours)


if __name__ == '__main__':
    main()
