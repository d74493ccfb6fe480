"""The fuzz suite's summary line: cases run, time, problems found."""

from tests.fuzz import harness


def pytest_terminal_summary(terminalreporter):
    stats = harness.STATS
    if not stats['cases']:
        return
    slowest, argv = stats['slowest']
    terminalreporter.write_line(
        f'osmigcfg fuzz: {stats["cases"]} CLI cases in '
        f'{stats["seconds"]:.1f} s, {len(stats["problems"])} with problems; '
        f'slowest {slowest:.2f} s ({argv})')
    kinds = {}
    for argv, problems in stats['problems']:
        for problem in problems:
            words = [a for a in argv if not a.startswith('-')
                     and '/' not in a][:2]
            key = (' '.join(words), problem.split(':')[0])
            kinds.setdefault(key, [0, problem, argv])[0] += 1
    for (command, kind), (count, example, argv) in sorted(kinds.items()):
        terminalreporter.write_line(
            f'  {count:4d} x {command}: {example[:150]} -- e.g. '
            f'{" ".join(argv)[:200]}')
