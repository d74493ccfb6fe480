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
