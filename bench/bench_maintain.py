"""Rolling-maintenance benchmark on the real-Nova sandbox: ``osmigcfg
maintain`` against Nova's own limits and what operators do today, measured
in the same run.

One Nova 34 sandbox with ``--computes`` fake computes
(``max_concurrent_live_migrations`` = k, every live migration held
``--hold`` seconds in the fake driver: ``NovaSandbox.
set_migration_duration``), every API request counted by a loopback proxy
in front of it.  In this order:

1. boot ``--small`` servers (Nova multi-create);
2. the naive host-by-host rolling drain on them, as Nova placed them:
   ``osmigcfg drain HOST --disable-service --enable-service`` for every
   host in turn, nothing keeping the hosts still to do out of the
   scheduler's reach (at most ``--naive-budget`` seconds);
3. ``osmigcfg maintain --all-computes --hosts-at-once H --exec true``
   (small scale);
4. boot servers up to ``--servers``, and the same ``maintain`` again
   (large scale);
5. the serial loop operators script, ``openstack server migrate
   --live-migration --wait SERVER`` (the real CLI), on ``--serial-subset``
   servers; its time per server is extrapolated to ``--servers``
   (labelled).

Printed: the makespan of each maintain against Nova's floor, the sum over
the waves of ceil(servers in the wave / (k x hosts in the wave)) x the
slot time (how long Nova held each of its k slots per host, read from the
sandbox's log for the same run); moves per server from Nova's migration
records (maintain, and the naive rolling drain); API requests per
migration at both scales; osmigcfg's own CPU seconds per migration (the
command's process, its start-up measured apart) and peak RSS.  Each
osmigcfg command runs from this checkout in a child process.

Run: ``python bench/bench_maintain.py [--computes 20] [--servers 100]
[--hosts-at-once 2] [--k 4] [--hold 2]`` (about 10 minutes at the
defaults on a busy 2-core machine; ``--servers 1000`` for the issue's
scale).  Benchmarks print figures; they are not tests.
"""

import argparse
import collections
import contextlib
import datetime
import json
import math
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'bench'))

from bench_drain import nova_slots  # noqa: E402
from osmigcfg import engine  # noqa: E402
from osmigcfg.sandbox.nova import sandbox as sandbox_nova  # noqa: E402
from osmigcfg.sandbox import servers  # noqa: E402
from tests.functional import faultproxy  # noqa: E402

BIN = pathlib.Path(sys.executable).parent
ADMIN = ('admin', 'admin', ['admin'])
#: osmigcfg from this checkout, whatever is installed in the venv
OSMIGCFG = [sys.executable, '-c', 'import sys; from osmigcfg.cli.app '
            'import main; sys.exit(main(sys.argv[1:]))']
PREFLIGHT = ['--roles', 'admin,member,reader', '--project-id', 'admin']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--computes', type=int, default=20)
    parser.add_argument('--servers', type=int, default=100,
                        help='servers at the large scale')
    parser.add_argument('--small', type=int, default=None,
                        help='servers at the small scale (default: '
                             '--servers / 4)')
    parser.add_argument('--hosts-at-once', type=int, default=2)
    parser.add_argument('--k', type=int, default=4,
                        help="Nova's max_concurrent_live_migrations")
    parser.add_argument('--hold', type=float, default=2.0,
                        help='seconds each live migration is held (fake)')
    parser.add_argument('--serial-subset', type=int, default=4)
    parser.add_argument('--per-host', type=int, default=None,
                        help="maintain's --per-host: migrations in flight "
                             'per source (default 4 x k: with slots of a '
                             "few seconds Nova's own time before a slot "
                             "is as long as the slot; 0: the command's "
                             'default, 2 x k)')
    parser.add_argument('--subset', type=int, default=None,
                        help="Nova's [filter_scheduler] host_subset_size "
                             '(default k x --hosts-at-once: a wave\'s '
                             'migrations spread over that many of the best '
                             'destinations; 1 is Nova\'s default)')
    parser.add_argument('--no-naive', dest='naive', action='store_false',
                        help='skip the naive rolling drain')
    parser.add_argument('--naive-budget', type=float, default=600.0,
                        help='seconds after which the naive rolling drain '
                             'drains no further host')
    parser.add_argument('--verbose', action='store_true',
                        help='print the requests by kind, a timeline per '
                             'wave and the destinations per source')
    parser.add_argument('--keep', metavar='DIR',
                        help='keep the journals and outputs in DIR')
    args = parser.parse_args(argv)
    if args.per_host is None:
        args.per_host = 4 * args.k
    if args.small is None:
        args.small = max(1, args.servers // 4)
    if not 0 < args.small < args.servers:
        parser.error('--small must be between 1 and --servers - 1')
    if args.computes < args.hosts_at_once + 1:
        parser.error('--computes must exceed --hosts-at-once')
    return args


def floor(waves, k, slot):
    """Nova's floor for ``waves`` [(servers, hosts)]: each wave's hosts
    run k live migrations each at a time, each holding a slot ``slot`` s."""
    return sum(math.ceil(n / (k * h)) for n, h in waves if n) * slot


def host_floor(per_host, k, slot):
    """Nova's floor counting each source on its own: k is a limit per
    source compute, so a wave lasts as long as its fullest host needs
    (``per_host``: per wave, the servers to move per host)."""
    return sum(max((math.ceil(n / k) for n in hosts.values()), default=0)
               for hosts in per_host) * slot


def moves_per_server(before, after, ids):
    """Mean live migrations per server of ``ids`` between two counts."""
    return sum(after[s] - before[s] for s in ids) / max(1, len(ids))


def live_moves(admin):
    """Completed live migrations per server, from Nova's records."""
    return collections.Counter(
        m.server_id for m in admin.compute.migrations(
            migration_type='live-migration') if m.status == 'completed')


def cli_env(nova, proxy, state_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(nova.token_env(*ADMIN), OS_ENDPOINT=proxy.endpoint,
               OSMIGCFG_STATE_DIR=str(state_dir), PYTHONWARNINGS='ignore',
               PYTHONPATH=str(ROOT))
    return env


def measured(argv, env, out_path, timeout=7200):
    """Run ``argv``; (exit status, wall s, CPU s, peak RSS MiB, stdout).

    The child's own rusage (``wait4``), so the sandbox's CPU is not in it.
    """
    with open(out_path, 'w+', encoding='utf-8') as out:
        began = time.monotonic()
        proc = subprocess.Popen(argv, env=env, stdout=out,
                                stderr=subprocess.STDOUT, cwd=str(ROOT))
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        took = time.monotonic() - began
        out.seek(0)
        text = out.read()
    if proc.returncode not in (0, 1):
        raise SystemExit(f'{argv[3:6]} failed ({proc.returncode}): '
                         f'{text[-3000:]}')
    return (proc.returncode, took, usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024, text)


def events(text):
    found = []
    for line in text.splitlines():
        if line.startswith('{'):
            try:
                found.append(json.loads(line))
            except ValueError:
                pass
    return found


def wave_timeline(found):
    """Per wave: seconds in hold, drain, exec, up and enable (summed over
    the wave's hosts), and the gap before the wave (from the events)."""
    began, rows = {}, collections.OrderedDict()
    last_end = None
    for e in found:
        if not e['kind'].startswith('maintain.step.'):
            continue
        name, state = e['item'], e['kind'].rsplit('.', 1)[1]
        if name == 'release' or state not in ('started', 'done'):
            continue
        wave, kind = name.split(':')[0], name.split(':')[-1]
        row = rows.setdefault(wave, collections.Counter())
        if state == 'started':
            began.setdefault(name, e['ts'])
            if kind == 'hold' and last_end is not None:
                row['gap'] += e['ts'] - last_end
        elif name in began:
            row[kind] += e['ts'] - began.pop(name)
            last_end = e['ts']
    drain = None
    for e in found:  # inside each drain: when the moves started and ended
        if e['kind'] == 'maintain.step.started' and \
                e['item'].endswith(':drain'):
            drain = (rows[e['item'].split(':')[0]], e['ts'])
        elif drain and e['kind'] in ('run.started', 'item.started',
                                     'item.migrated', 'run.finished'):
            row, since = drain
            key = {'run.started': 'setup', 'item.started': 'posted',
                   'item.migrated': 'migrated',
                   'run.finished': 'finished'}[e['kind']]
            if key == 'setup' and key in row:
                continue  # a second attempt
            row[key] = e['ts'] - since
        elif e['kind'] == 'maintain.step.done' and \
                e['item'].endswith(':drain'):
            drain = None
    return rows


def dest_spread(admin, since):
    """Per source host of the run: how many live migrations went to each
    destination (Nova's records created after ``since``)."""
    spread = collections.defaultdict(collections.Counter)
    for m in admin.compute.migrations(migration_type='live-migration'):
        created = datetime.datetime.fromisoformat(
            m.created_at).replace(tzinfo=datetime.timezone.utc).timestamp()
        if created >= since - 1:
            spread[m.source_compute][m.dest_compute] += 1
    return spread


def request_kind(path):
    """``/v2.1/servers/<id>/action?x=1`` -> ``/servers/*/action``."""
    parts = path.split('?')[0].split('/')[2:]
    return '/' + '/'.join('*' if len(p) >= 32 or p.isdigit() else p
                          for p in parts)


def maintain(nova, proxy, env, args, tmp, label):
    """One ``osmigcfg maintain --all-computes`` run, measured."""
    admin = nova.admin
    journal = tmp / f'{label}.journal'
    argv = OSMIGCFG + ['maintain', '--all-computes', '--hosts-at-once',
                       str(args.hosts_at_once), '--exec', 'true', '--yes',
                       '--nova-limit', str(args.k), '--journal',
                       str(journal), '--json-events', '--up-timeout', '120']
    if args.per_host:
        argv += ['--per-host', str(args.per_host)]
    argv += PREFLIGHT
    ids = [s.id for s in admin.compute.servers(all_projects=True)]
    moves_before = live_moves(admin)
    requests_before, wall = len(proxy.log), time.time()
    status, took, cpu, rss, text = measured(argv, env, tmp / f'{label}.out')
    requests = len(proxy.log) - requests_before
    kinds = collections.Counter(
        f'{m} {request_kind(path)}' for m, path, _ in
        proxy.log[requests_before:])
    window = (wall, time.time())
    found = events(text)
    stamps = [e['ts'] for e in found if e['kind'] in ('maintain.plan',
                                                      'maintain.finished')]
    finished = [e for e in found if e['kind'] == 'maintain.finished']
    book = engine.Journal.open(str(journal), kind='maintain')
    try:
        waves = [(len(w['movers']), len(w['hosts']))
                 for w in book.plan['waves']]
        where = book.plan.get('servers') or {}
        per_host = [collections.Counter(
            (where.get(sid) or {}).get('host') for sid in w['movers'])
            for w in book.plan['waves']]
        twice = sum(len(w['twice']) for w in book.plan['waves'])
    finally:
        book.close()
    moves_after = live_moves(admin)
    migrations = sum(moves_after[s] - moves_before[s] for s in ids)
    return {'label': label, 'servers': len(ids), 'status': status,
            'state': finished[-1]['state'] if finished else '?',
            'seconds': took, 'makespan': stamps[-1] - stamps[0],
            'cpu': cpu, 'rss': rss, 'requests': requests,
            'migrations': migrations, 'window': window, 'waves': waves,
            'moves': moves_per_server(moves_before, moves_after, ids),
            'slot': nova_slots(nova.log_path, *window)[1],
            'kinds': kinds, 'twice': twice, 'per_host': per_host,
            'timeline': wave_timeline(found),
            'spread': dest_spread(admin, wall)}


def naive_rolling(nova, proxy, env, args, tmp):
    """``osmigcfg drain HOST`` for every host in turn (the host disabled
    while drained, enabled after; later hosts stay open to the
    scheduler), until ``--naive-budget`` seconds have passed."""
    admin = nova.admin
    ids = [s.id for s in admin.compute.servers(all_projects=True)]
    before, began = live_moves(admin), time.monotonic()
    done = []
    for host in sorted(nova.computes):
        if time.monotonic() - began > args.naive_budget:
            break
        argv = OSMIGCFG + ['drain', host, '--yes', '--disable-service',
                           '--enable-service', '--nova-limit', str(args.k),
                           '--journal', str(tmp / f'naive-{host}.journal')]
        measured(argv + PREFLIGHT, env, tmp / f'naive-{host}.out')
        done.append(host)
    after = live_moves(admin)
    return {'seconds': time.monotonic() - began, 'servers': len(ids),
            'hosts': len(done),
            'moves': moves_per_server(before, after, ids)}


def serial_loop(nova, proxy, env, args, tmp):
    """The real CLI, ``--wait``, one server after the other."""
    ids = [s.id for s in nova.admin.compute.servers(all_projects=True)]
    ids = ids[:args.serial_subset]
    before, began = len(proxy.log), time.monotonic()
    for sid in ids:
        measured([str(BIN / 'openstack'), 'server', 'migrate',
                  '--live-migration', '--wait', sid], env,
                 tmp / 'serial.out')
    took = time.monotonic() - began
    return {'seconds': took, 'per_server': took / len(ids),
            'requests': (len(proxy.log) - before) / len(ids)}


def startup_cpu(env, tmp):
    """CPU seconds and RSS of the osmigcfg command doing nothing
    (interpreter, imports, the CLI)."""
    _, _, cpu, rss, _ = measured(OSMIGCFG + ['maintain', '--help'], env,
                                 tmp / 'help.out')
    return cpu, rss


def print_header(args, start):
    print(f'Rolling maintenance of {args.computes} computes, '
          f'--hosts-at-once {args.hosts_at_once}, Nova max_concurrent_live_'
          f'migrations k={args.k}, each live migration held {args.hold:g} s '
          f'(fake driver), scheduler host_subset_size '
          f'{args.subset or args.k * args.hosts_at_once}, --per-host '
          f'{args.per_host or "default"}')
    print(f'osmigcfg start-up alone (`maintain --help`): {start[0]:.2f} s '
          f'CPU, {start[1]:.0f} MiB RSS (taken off its CPU below)',
          flush=True)


def print_naive(naive):
    partial = '' if naive['hosts'] == naive['of'] else \
        f' (stopped by --naive-budget after {naive["hosts"]} hosts)'
    print(f'naive host-by-host rolling drain (`osmigcfg drain HOST '
          f'--disable-service --enable-service` per host, {naive["servers"]}'
          f' servers): {naive["moves"]:.2f} moves per server, '
          f'{naive["seconds"]:.0f} s{partial}', flush=True)


def print_maintain(args, r, start):
    slot = r['slot'] or args.hold
    bound = floor(r['waves'], args.k, slot)
    by_host = host_floor(r['per_host'], args.k, slot)
    own = max(0.0, r['cpu'] - start[0])
    print(f'maintain, {r["servers"]} servers: {r["state"]}, '
          f'{r["migrations"]} live migrations; makespan {r["makespan"]:.1f} s'
          f' (whole command {r["seconds"]:.1f} s) vs Nova\'s floor '
          f'{bound:.1f} s = {r["makespan"] / bound:.2f}x (slot '
          f'{slot:.2f} s measured; per-source floor {by_host:.1f} s = '
          f'{r["makespan"] / by_host:.2f}x); moves per server {r["moves"]:.2f} (the '
          f'plan foresaw {r["twice"]} moving twice: '
          f'{1 + r["twice"] / max(1, r["servers"]):.2f}); '
          f'{r["requests"] / max(1, r["migrations"]):.2f} API requests per '
          f'migration; {own / max(1, r["migrations"]):.3f} CPU s per '
          f'migration; peak RSS {r["rss"]:.0f} MiB', flush=True)
    if args.verbose:
        print_timeline(args, r, slot)
        print('  requests: ' + ', '.join(
            f'{n} {kind}' for kind, n in r['kinds'].most_common()),
            flush=True)


def print_timeline(args, r, slot):
    """Seconds per wave and step, against the wave's floor."""
    print('  wave: servers/hosts floor | hold drain exec up enable gap | '
          'destinations (max per destination)')
    waves = dict(enumerate(r['waves'], 1))
    for wave, row in r['timeline'].items():
        n, h = waves[int(wave[1:])]
        bound = floor([(n, h)], args.k, slot)
        print(f'  {wave}: {n}/{h} {bound:.1f} | ' + ' '.join(
            f'{row[k]:.1f}' for k in ('hold', 'drain', 'exec', 'up',
                                      'enable', 'gap'))
            + ' | in the drain: engine up {setup:.1f}, last start '
              '{posted:.1f}, last moved {migrated:.1f}, run ended '
              '{finished:.1f}'.format_map(row))
    for source, dests in sorted(r['spread'].items()):
        print(f'  {source} -> {len(dests)} destinations, max '
              f'{max(dests.values())} of {sum(dests.values())}')


def print_summary(args, boot, runs, serial):
    print('booting (multi-create, 50 per request): '
          + ', '.join(f'{n} servers in {s:.0f} s' for n, s in boot))
    small, large = runs
    per = [r['requests'] / max(1, r['migrations']) for r in runs]
    print(f'API requests per migration: {per[0]:.2f} at {small["servers"]}'
          f' servers, {per[1]:.2f} at {large["servers"]} (growth '
          f'{per[1] / per[0]:.2f}x; target flat, <= 5)')
    print('makespan: first to last maintain event (waves, the command, '
          'services); floor: sum over waves of ceil(servers in wave / (k x '
          'hosts in wave)) x slot, the mean time Nova held a '
          'live-migration slot in the same run (its log)')
    serial_n = serial['per_server'] * large['servers']
    print(f'serial `openstack server migrate --live-migration --wait` loop: '
          f'{serial["per_server"]:.1f} s per server measured on '
          f'{args.serial_subset}; EXTRAPOLATED to {large["servers"]}: '
          f'{serial_n:.0f} s ({serial_n / large["makespan"]:.1f}x maintain, '
          f'which also restores every host), {serial["requests"]:.1f} '
          f'requests per migration', flush=True)


def main():
    args = parse_args()
    conf = {'DEFAULT.max_concurrent_live_migrations': args.k,
            'DEFAULT.cpu_allocation_ratio': 64.0,
            'quota.driver': 'nova.quota.NoopQuotaDriver',
            'filter_scheduler.host_subset_size':
                args.subset or args.k * args.hosts_at_once}
    computes = [f'c{n:02d}' for n in range(1, args.computes + 1)]
    with (contextlib.nullcontext(args.keep) if args.keep else
          tempfile.TemporaryDirectory(prefix='bench-maintain-')) as tmp, \
            sandbox_nova.NovaSandbox(computes=computes, conf=conf,
                                     workdir=tmp, start_timeout=900) as nova:
        tmp = pathlib.Path(tmp)
        admin = nova.admin
        flavor = admin.compute.create_flavor(name='bench.micro', ram=16,
                                             vcpus=1, disk=0)
        nova.set_migration_duration(live=args.hold)
        boot, runs = [], []
        with faultproxy.FaultProxy(nova.port, lambda m, p: 'pass') as proxy:
            env = cli_env(nova, proxy, tmp)
            start = startup_cpu(env, tmp)
            print_header(args, start)
            have = 0
            for label, count in (('small', args.small),
                                 ('large', args.servers)):
                began = time.monotonic()
                servers.boot_multi(admin, f'bench-{label}', count - have,
                                   flavor=flavor.id, timeout=3600,
                                   project_query={'all_projects': True})
                boot.append((count - have, time.monotonic() - began))
                have = count
                if label == 'small' and args.naive:
                    # on the layout Nova booted, before maintain moved any
                    naive = naive_rolling(nova, proxy, env, args, tmp)
                    naive['of'] = args.computes
                    print_naive(naive)
                runs.append(maintain(nova, proxy, env, args, tmp, label))
                print_maintain(args, runs[-1], start)
            serial = serial_loop(nova, proxy, env, args, tmp)
        print_summary(args, boot, runs, serial)


if __name__ == '__main__':
    main()
