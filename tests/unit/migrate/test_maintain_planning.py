"""Rolling maintenance planning: waves, per-wave capacity, server groups.

Pure planning over plain data (the cloud side is covered by
tests/functional/test_maintain.py on the real Nova sandbox).
"""

import pytest

from osmigcfg.migrate.maintain import predict
from osmigcfg.migrate.maintain import waves

SMALL = {'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1}


def room(vcpu=8, mem=4096, disk=100):
    return {'VCPU': vcpu, 'MEMORY_MB': mem, 'DISK_GB': disk}


def servers_on(host, count, prefix=None, needs=SMALL, group=None):
    prefix = prefix or host
    return [predict.Server(f'{prefix}-{n}', f'{prefix}-{n}', host,
                           dict(needs), group=group) for n in range(count)]


def test_waves_given_order_and_size():
    assert waves.make_waves(['a', 'b', 'c', 'd', 'e'], 2, order='given') \
        == [['a', 'b'], ['c', 'd'], ['e']]


def test_waves_emptiest_first_ties_keep_order():
    load = {'a': 5, 'b': 0, 'c': 5, 'd': 1}
    assert waves.make_waves(['a', 'b', 'c', 'd'], 2, load) == \
        [['b', 'd'], ['a', 'c']]


def test_waves_reject_zero():
    with pytest.raises(ValueError):
        waves.make_waves(['a'], 0)


def test_every_server_moves_once_when_empty_hosts_go_first():
    hosts = [f'h{n}' for n in range(1, 7)]
    servers = servers_on('h1', 3) + servers_on('h2', 3) + \
        servers_on('h3', 2) + servers_on('h4', 2)
    plan = waves.make_waves(hosts, 2, {'h1': 3, 'h2': 3, 'h3': 2, 'h4': 2})
    assert plan[0] == ['h5', 'h6']
    free = {h: room() for h in hosts}
    preds, short = predict.simulate(plan, servers, free, hosts)
    assert short is None
    assert [len(p.movers) for p in preds] == [0, 4, 6]
    assert not any(p.twice for p in preds)
    moved = [sid for p in preds for sid in p.movers]
    assert sorted(moved) == sorted(s.id for s in servers)  # each once
    for p in preds:  # never onto a host still to be maintained
        later = {h for w in plan[p.number:] for h in w}
        assert not set(p.placed.values()) & later


def test_no_room_outside_opens_the_last_wave_and_says_who_moves_twice():
    hosts = ['h1', 'h2', 'h3']
    servers = servers_on('h1', 2)
    plan = waves.make_waves(hosts, 1, order='given')
    preds, short = predict.simulate(plan, servers, {h: room()
                                                    for h in hosts}, hosts)
    assert short is None
    assert preds[0].opened == ['h3']  # the last wave first
    assert sorted(preds[0].twice) == ['h1-0', 'h1-1']
    assert sorted(preds[2].movers) == ['h1-0', 'h1-1']  # moved again


def test_third_wave_short_names_wave_and_resource():
    hosts = ['h1', 'h2', 'h3', 'h4']
    outside = ['spare']
    big = {'VCPU': 1, 'MEMORY_MB': 2048, 'DISK_GB': 1}
    servers = servers_on('h3', 3, needs=big)
    plan = [['h1'], ['h2'], ['h3'], ['h4']]
    free = {h: room(mem=1024) for h in hosts}  # no 2 GB anywhere in scope
    free['spare'] = room(mem=4096)  # two of the three fit outside
    preds, short = predict.simulate(plan, servers, free, hosts + outside)
    assert short is not None
    assert (short.wave, short.resource, short.unplaced) == (3, 'MEMORY_MB',
                                                           1)
    assert short.need == 2048 and short.best == 1024
    assert [len(p.movers) for p in preds] == [0, 0, 2]


def test_vcpu_shortage_is_named():
    servers = servers_on('h1', 1, needs={'VCPU': 9, 'MEMORY_MB': 1,
                                         'DISK_GB': 0})
    preds, short = predict.simulate([['h1']], servers,
                                    {'h1': room(), 'h2': room()},
                                    ['h1', 'h2'])
    assert (short.wave, short.resource) == (1, 'VCPU')


def test_hard_anti_affinity_members_on_distinct_hosts():
    hosts = ['h1', 'h2', 'h3', 'h4', 'h5']
    members = servers_on('h1', 2, prefix='g', group='G') + \
        [predict.Server('g-x', 'g-x', 'h4', dict(SMALL), group='G')]
    plan = [['h1'], ['h2', 'h3', 'h4', 'h5']]
    free = {h: room() for h in hosts}
    free['out1'] = room()
    free['out2'] = room()
    preds, short = predict.simulate(plan, members, free,
                                    hosts + ['out1', 'out2'])
    assert short is None
    placed = preds[0].placed
    assert len(set(placed.values())) == 2


def test_hard_anti_affinity_with_too_few_hosts_is_a_group_shortage():
    members = servers_on('h1', 2, prefix='g', group='G')
    preds, short = predict.simulate([['h1']], members,
                                    {'h1': room(), 'h2': room()},
                                    ['h1', 'h2'])
    assert short is not None and short.group == 'G'


def test_unmovable_servers_stay_and_unlimited_when_capacity_unknown():
    servers = servers_on('h1', 3)
    servers[0].movable = False
    preds, short = predict.simulate([['h1'], ['h2']], servers, {},
                                    ['h1', 'h2'])
    assert short is None
    assert len(preds[0].movers) == 2 and preds[0].opened == ['h2']
