"""Per-host actions of a maintenance: services, the command, waiting up."""

import shlex
import subprocess
import time

from osmigcfg import exceptions

#: reasons set on the compute services (and recognised on resume)
MAINTAIN_REASON = 'osmigcfg maintain: under maintenance'
HOLD_REASON = 'osmigcfg maintain: held (maintained in a later wave)'
#: the output kept in the journal per maintenance command
OUTPUT_LIMIT = 4000
#: seconds a maintenance command may run when no limit is given: every
#: wait has a deadline, and a patch-and-reboot rarely takes an hour
COMMAND_TIMEOUT = 3600.0


def service_of(compute, host):
    """The nova-compute service record of ``host``."""
    services = compute.compute_services(host)
    if not services:
        raise exceptions.NotFoundError('compute service', host)
    return services[0]


def set_disabled(compute, preflight, host, disabled, reason=None,
                 service=None):
    """Disable (with ``reason``) or enable ``host``'s compute service.

    :param service: its service record when the caller keeps them current
        (saves a read).
    """
    preflight.require('services')
    service = service or service_of(compute, host)
    if service['status'] == ('disabled' if disabled else 'enabled') and \
            (not disabled or service.get('disabled_reason') == reason):
        return False
    try:
        compute.set_service_disabled(service, disabled, reason)
    except exceptions.CloudRequestError as e:
        if e.status == 403:
            raise preflight.explain_forbidden('services', e.reason) from None
        raise
    return True


def run_command(template, host, timeout=None):
    """Run the maintenance command for ``host``: ``(status, output)``.

    ``{host}`` in the template is replaced by the host name (quoted); the
    command runs through the shell, stdout and stderr together; a command
    that outlives ``timeout`` (None: :data:`COMMAND_TIMEOUT`) is killed and
    counts as failed.
    """
    if timeout is None:
        timeout = COMMAND_TIMEOUT
    command = template.replace('{host}', shlex.quote(host))
    try:
        done = subprocess.run(command, shell=True, text=True,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as e:
        out = e.stdout or ''
        if isinstance(out, bytes):
            out = out.decode(errors='replace')
        return -1, (out + f'\n[killed after {timeout} s]')[-OUTPUT_LIMIT:]
    return done.returncode, (done.stdout or '')[-OUTPUT_LIMIT:]


def wait_up(compute, host, timeout, interval=2.0, clock=time.monotonic,
            sleep=time.sleep):
    """Wait until ``host``'s compute service reports up (or raise).

    :raises MigrationTimeout: after ``timeout`` seconds.
    """
    deadline = clock() + timeout
    while True:
        service = service_of(compute, host)
        if service['state'] == 'up':
            return service
        if clock() >= deadline:
            raise exceptions.MigrationTimeout(
                f'the compute service on {host} is still '
                f'{service["state"]} after {timeout:g} s',
                hint='bring it up, then run `resume` (or raise --up-timeout)')
        sleep(interval)
