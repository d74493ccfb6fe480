"""Whole local clouds that outlive the command: ``up``, ``status``, ``down``.

``up(DIR)`` starts :class:`~clouds.LocalClouds` under ``DIR`` (new or
empty), writes ``DIR/clouds.yaml`` (per cloud ``<cloud>``: a project
member, ``<cloud>-admin``) and ``DIR/sandbox.json`` naming every process
(pid, process group, start time), then leaves them running.  ``status``
reads that file back and looks at each process; ``down`` stops them, the
services first, the broker last, SIGKILL after a deadline.  A process is
ours only while its start time matches the recorded one, so a reused pid
is never signalled.
"""

import json
import os
import pathlib
import signal
import time

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg.sandbox import clouds
from osmigcfg.sandbox.clouds import proc
from osmigcfg.sandbox.clouds import provision
from osmigcfg.sandbox.clouds import rabbit

STATE_FILE = 'sandbox.json'
#: what ``--services`` may name; keystone, glance, neutron and cinder are
#: always there (cinder is the broker's reason to exist), ``nova`` brings
#: placement and Nova.
SERVICE_CHOICES = ('keystone', 'glance', 'neutron', 'cinder', 'nova')
CORE = SERVICE_CHOICES[:4]


def _start_time(pid):
    """The kernel's start time of ``pid`` (clock ticks); None if gone."""
    try:
        stat = pathlib.Path(f'/proc/{pid}/stat').read_text()
    except OSError:
        return None
    fields = stat.rsplit(')', 1)[1].split()
    return None if fields[0] in ('Z', 'X') else int(fields[19])


def check_services(services):
    """The services asked for, checked: (with_nova, services)."""
    services = tuple(services or SERVICE_CHOICES)
    unknown = sorted(set(services) - set(SERVICE_CHOICES))
    if unknown:
        raise exceptions.InputError(
            f'--services: unknown {", ".join(unknown)}',
            hint=f'choose from {", ".join(SERVICE_CHOICES)}')
    missing = [s for s in CORE if s not in services]
    if missing:
        raise exceptions.InputError(
            f'--services: the local clouds always run {", ".join(CORE)}; '
            f'{", ".join(missing)} cannot be left out',
            hint='only nova (with placement) is optional')
    return 'nova' in services, services


def up(directory, names=('src', 'dst'), computes=2, services=None,
       venv=None, progress=None):
    """Start the clouds under ``directory`` and leave them running.

    The services' virtualenv is provisioned on first use (``progress``
    gets a line per install step; see ``provision``).  Returns the
    state written to ``sandbox.json`` (no secrets in it).
    """
    directory = pathlib.Path(directory)
    with_nova, services = check_services(services)
    if (directory / STATE_FILE).exists():
        raise exceptions.InputError(
            f'{directory} already holds a sandbox',
            hint=f'`osmigcfg sandbox down {directory}` first, or use '
                 'another directory')
    rabbit.find_rabbitmq()  # the one thing we cannot install
    venv = venv or provision.ensure_venv(progress)
    sandbox = clouds.LocalClouds(names=names, venv=venv, workdir=directory,
                                 nova=with_nova, computes=computes,
                                 flavors=True)
    sandbox.start()
    procs = sandbox.detach()
    state = {
        'clouds': list(names),
        'services': list(services) + (['placement'] if with_nova else []),
        'computes': computes if with_nova else 0,
        'startup_seconds': sandbox.startup_seconds,
        'clouds_yaml': str(sandbox.clouds_yaml),
        'processes': [{'label': label, 'pid': proc.proc.pid,
                       'start_time': _start_time(proc.proc.pid),
                       'stop_order': order}
                      for label, proc, order in procs],
    }
    files.write_atomic(directory / STATE_FILE,
                       json.dumps(state, indent=2) + '\n')
    return state


def read_state(directory):
    """The state ``up`` wrote; InputError when there is none."""
    path = pathlib.Path(directory) / STATE_FILE
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise exceptions.InputError(
            f'no sandbox in {directory} ({STATE_FILE} is missing)',
            hint='start one with `osmigcfg sandbox up DIR`') from None
    except (OSError, ValueError) as e:
        raise exceptions.InputError(f'{path}: unreadable: {e}') from None


def _alive(record):
    start = _start_time(record['pid'])
    return start is not None and start == record['start_time']


def status(directory):
    """``[{label, pid, running, rss_mb}]`` of every recorded process."""
    rows = []
    for record in read_state(directory)['processes']:
        running = _alive(record)
        pids = proc.group_pids(record['pid']) if running else []
        rows.append({'label': record['label'], 'pid': record['pid'],
                     'running': running,
                     'rss_mb': round(proc.rss_kb(pids) / 1024)})
    return rows


def _signal(records, sig):
    for record in records:
        if _alive(record):
            try:
                os.killpg(record['pid'], sig)
            except ProcessLookupError:
                pass


def _wait_gone(records, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_alive(r) for r in records):
            return True
        time.sleep(0.2)
    return False


def down(directory, timeout=20):
    """Stop every recorded process; returns how many had to be killed."""
    state = read_state(directory)
    killed = 0
    for order in sorted({r['stop_order'] for r in state['processes']}):
        wave = [r for r in state['processes'] if r['stop_order'] == order]
        _signal(wave, signal.SIGTERM)
        if not _wait_gone(wave, timeout):
            killed += sum(1 for r in wave if _alive(r))
            _signal(wave, signal.SIGKILL)
            _wait_gone(wave, 5)
    (pathlib.Path(directory) / STATE_FILE).unlink()
    return killed
