#!/usr/bin/env python3
"""Offline policy engine vs oslopolicy-checker: every Nova 34 rule x 7 personas.

The policy is the rendered mosk-24.3 profile.  oslopolicy-checker reads only
the file it is given, so it gets the full merged file (every default plus
the overrides, what oslopolicy-policy-generator would print) and one token
file per persona.  Measured in the same run:

* osmigcfg: load the effective policy (catalog cache cleared) and decide
  every (rule, persona) cell, in-process;
* oslopolicy-checker as operators run it: one CLI process per persona;
* oslopolicy-checker's own function (``oslo_policy.shell.tool``) in-process,
  which removes process start-up from the baseline.

Prints wall times, the ratios and how many cells the two engines agree on
(the checker enforces no scope and takes is_admin from a flag).

    python bench/bench_policy_engine.py [--repeat 3]
"""

import argparse
import contextlib
import io
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import yaml
from oslo_policy import shell as oslo_shell

from osmigcfg.policy import catalog
from osmigcfg.policy import effective
from osmigcfg.policy import render

PROJECT, OTHER, SERVICE = 'p-own', 'p-other', 'p-service'
PERSONAS = [  # name, roles, project
    ('admin', ['admin', 'manager', 'member', 'reader'], PROJECT),
    ('manager', ['manager', 'member', 'reader'], PROJECT),
    ('member', ['member', 'reader'], PROJECT),
    ('reader', ['reader'], PROJECT),
    ('other-project member', ['member', 'reader'], OTHER),
    ('service', ['service'], SERVICE),
    ('no roles', [], PROJECT),
]


def osmigcfg_matrix(policy_path):
    catalog.load_catalog.cache_clear()
    ep = effective.load_effective_policy(policy_path)
    target = {'project_id': PROJECT, 'user_id': 'owner'}
    cells = {}
    for name, roles, project in PERSONAS:
        creds = ep.credentials(roles, project, user_id=f'u-{name}')
        for rule, ok in ep.decide_all(creds, target,
                                      ep.catalog.rules).items():
            cells[(name, rule)] = ok
    return ep, cells


def write_checker_inputs(tmp, ep):
    full = {name: str(rule.check) for name, rule in ep.rules.items()}
    full_path = tmp / 'full-policy.yaml'
    full_path.write_text(yaml.safe_dump(full))
    target = tmp / 'target.json'
    target.write_text(json.dumps({'project_id': PROJECT,
                                  'user_id': 'owner'}))
    tokens = {}
    for name, roles, project in PERSONAS:
        token = {'token': {'roles': [{'name': r} for r in roles],
                           'user': {'id': f'u-{name}'},
                           'project': {'id': project}}}
        path = tmp / f'token-{name.replace(" ", "-")}.json'
        path.write_text(json.dumps(token))
        tokens[name] = (path, 'admin' in roles)
    return full_path, target, tokens


def parse_checker(out):
    result = {}
    for line in out.splitlines():
        verdict, _, rule = line.partition(': ')
        if verdict in ('passed', 'failed'):
            result[rule.strip()] = verdict == 'passed'
    return result


def checker_cli(full_path, target, tokens):
    exe = shutil.which('oslopolicy-checker') or str(
        pathlib.Path(sys.executable).parent / 'oslopolicy-checker')
    cells = {}
    for name, (token, is_admin) in tokens.items():
        argv = [exe, '--policy', str(full_path), '--access', str(token),
                '--target', str(target)] + (['--is_admin'] if is_admin else [])
        out = subprocess.run(argv, capture_output=True, text=True,
                             check=True).stdout
        for rule, ok in parse_checker(out).items():
            cells[(name, rule)] = ok
    return cells


def checker_inprocess(full_path, target, tokens):
    cells = {}
    for name, (token, is_admin) in tokens.items():
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            oslo_shell.tool(str(full_path), str(token), None, is_admin,
                            str(target))
        for rule, ok in parse_checker(buf.getvalue()).items():
            cells[(name, rule)] = ok
    return cells


def timed(fn, *args, repeat=3):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = pathlib.Path(tmpdir)
        policy_path = tmp / 'policy.yaml'
        policy_path.write_text(render.render_policy('mosk-24.3', 34))
        ours, (ep, our_cells) = timed(osmigcfg_matrix, policy_path,
                                      repeat=args.repeat)
        inputs = write_checker_inputs(tmp, ep)
        cli, cli_cells = timed(checker_cli, *inputs, repeat=args.repeat)
        inproc, _ = timed(checker_inprocess, *inputs, repeat=args.repeat)
    compared = [k for k in cli_cells if k in our_cells]
    agree = sum(cli_cells[k] == our_cells[k] for k in compared)
    n_rules = len(ep.catalog.rules)
    print(f'cells: {n_rules} Nova {ep.release} rules x {len(PERSONAS)} '
          f'personas = {len(our_cells)}')
    print(f'osmigcfg offline engine (load + matrix): {ours * 1000:8.1f} ms')
    print(f'oslopolicy-checker CLI, 1 run/persona:   {cli * 1000:8.1f} ms'
          f'   ratio {cli / ours:6.1f}x')
    print(f'oslopolicy-checker tool() in-process:    {inproc * 1000:8.1f} ms'
          f'   ratio {inproc / ours:6.1f}x')
    differ = len(compared) - agree
    print(f'agreement on the {len(compared)} cells both compute: {agree}'
          + (f' ({differ} differ: the checker ignores scope_types and takes '
             f'is_admin from a flag)' if differ else ''))
    print(f'target: >= 20x faster than the checker CLI: '
          f'{"met" if cli / ours >= 20 else "NOT met"}')


if __name__ == '__main__':
    os.environ.setdefault('PYTHONWARNINGS', 'ignore')
    main()
