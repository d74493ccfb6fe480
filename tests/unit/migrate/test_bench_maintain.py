"""Smoke test of bench/bench_maintain.py: its arguments and the figures it
computes (the benchmark itself is run by hand, never in CI)."""

import collections
import importlib.util
import pathlib

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[3] / 'bench' / \
    'bench_maintain.py'


@pytest.fixture(scope='module')
def bench():
    spec = importlib.util.spec_from_file_location('bench_maintain', BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_floor_sums_whole_slots_per_wave(bench):
    # 10 servers on 2 hosts with k=4: 8 at a time, so two slots; 3: one;
    # an empty wave costs nothing
    assert bench.floor([(10, 2), (3, 2), (0, 2)], 4, 2.5) == 7.5
    assert bench.floor([(8, 2)], 4, 3.0) == 3.0


def test_per_source_floor_waits_for_the_fullest_host(bench):
    # k is per source compute: 7 + 1 servers on two hosts take two slots
    # (the even split would say one); an empty wave costs nothing
    per_host = [collections.Counter({'h1': 7, 'h2': 1}),
                collections.Counter({'h3': 4}), collections.Counter()]
    assert bench.host_floor(per_host, 4, 2.0) == 6.0
    assert bench.floor([(8, 2), (4, 1)], 4, 2.0) == 4.0


def test_wave_timeline_splits_each_wave_into_its_steps(bench):
    found = [{'ts': t, 'kind': f'maintain.step.{st}', 'item': n}
             for t, st, n in [(0, 'started', 'w1:hold'), (1, 'done', 'w1:hold'),
                              (1, 'started', 'w1:drain')]]
    found += [{'ts': 2, 'kind': 'run.started', 'item': None},
              {'ts': 3, 'kind': 'item.started', 'item': 's'},
              {'ts': 6, 'kind': 'item.migrated', 'item': 's'},
              {'ts': 7, 'kind': 'run.finished', 'item': None}]
    found += [{'ts': t, 'kind': f'maintain.step.{st}', 'item': n}
              for t, st, n in [(8, 'done', 'w1:drain'),
                               (8, 'started', 'w1:h:exec'),
                               (9, 'done', 'w1:h:exec')]]
    row = bench.wave_timeline(found)['w1']
    assert (row['hold'], row['drain'], row['exec']) == (1, 7, 1)
    assert (row['setup'], row['posted'], row['migrated'],
            row['finished']) == (1, 2, 5, 6)


def test_moves_per_server_counts_only_the_servers_given(bench):
    before = collections.Counter({'a': 1})
    after = collections.Counter({'a': 2, 'b': 2, 'c': 5})
    assert bench.moves_per_server(before, after, ['a', 'b']) == 1.5


def test_request_kinds_hide_ids(bench):
    assert bench.request_kind('/v2.1/servers/' + 'f' * 36 +
                              '/action?x=1') == '/servers/*/action'
    assert bench.request_kind('/v2.1/os-services/12') == '/os-services/*'


def test_arguments(bench, capsys):
    args = bench.parse_args([])
    assert (args.computes, args.servers, args.small, args.hosts_at_once,
            args.k, args.hold) == (20, 100, 25, 2, 4, 2.0)
    assert bench.parse_args(['--servers', '1000']).small == 250
    with pytest.raises(SystemExit):
        bench.parse_args(['--servers', '10', '--small', '10'])
    with pytest.raises(SystemExit):
        bench.parse_args(['--computes', '2', '--hosts-at-once', '2'])
    assert '--small must be' in capsys.readouterr().err
