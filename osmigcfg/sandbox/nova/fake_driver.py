"""The sandbox's virt driver: nova's MediumFakeDriver plus injectable faults.

Child-process only (imports nova).  Every compute service in the sandbox
runs one :class:`SandboxDriver`; the faults live in one process-wide
:data:`FAULTS` object that the control API (``control.py``) changes at run
time:

* ``live_seconds`` / ``cold_seconds``: how long each live / cold migration
  takes on the "hypervisor" (cold: in ``migrate_disk_and_power_off`` on the
  source; live: inside ``live_migration``, abortable and force-completable
  through Nova's API as with libvirt).
* ``fail_live``: server ids whose next live migration(s) fail.  The failure
  is reported the way the libvirt driver reports a failed migration job:
  the driver calls Nova's ``recover_method`` (rollback), so the server stays
  ACTIVE on its source host and the migration record ends ``failed``.

Nova loads compute drivers only from the ``nova.virt`` namespace, so
:func:`register` aliases this module as :data:`DRIVER_MODULE` there.
"""

import logging
import sys
import threading

from nova.virt import fake

LOG = logging.getLogger(__name__)

#: The name Nova's ``compute_driver`` option uses for :class:`SandboxDriver`.
DRIVER_MODULE = 'nova.virt.osmigcfg_sandbox'
COMPUTE_DRIVER = 'osmigcfg_sandbox.SandboxDriver'


class Faults:
    """Process-wide fault settings shared by every compute's driver."""

    def __init__(self):
        self._lock = threading.Lock()
        self.live_seconds = 0.0
        self.cold_seconds = 0.0
        self._fail_live = {}  # server id -> remaining failures (None: always)

    def set_durations(self, live=None, cold=None):
        with self._lock:
            if live is not None:
                self.live_seconds = max(0.0, float(live))
            if cold is not None:
                self.cold_seconds = max(0.0, float(cold))

    def fail_live_migration(self, server_id, times=None):
        with self._lock:
            self._fail_live[server_id] = times

    def take_live_failure(self, server_id):
        """True when this live migration of ``server_id`` must fail."""
        with self._lock:
            if server_id not in self._fail_live:
                return False
            left = self._fail_live[server_id]
            if left is not None:
                if left <= 1:
                    del self._fail_live[server_id]
                else:
                    self._fail_live[server_id] = left - 1
            return True

    def clear(self):
        with self._lock:
            self.live_seconds = self.cold_seconds = 0.0
            self._fail_live.clear()

    def as_dict(self):
        with self._lock:
            return {'live_seconds': self.live_seconds,
                    'cold_seconds': self.cold_seconds,
                    'fail_live': dict(self._fail_live)}


FAULTS = Faults()


class SandboxDriver(fake.MediumFakeDriver):
    """MediumFakeDriver whose migrations take time and can fail on demand."""

    def __init__(self, virtapi, read_only=False):
        super().__init__(virtapi, read_only=read_only)
        # server id -> (event, outcome list) for in-flight live migrations
        self._live_jobs = {}
        self._jobs_lock = threading.Lock()

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        if FAULTS.cold_seconds:
            threading.Event().wait(FAULTS.cold_seconds)
        return super().migrate_disk_and_power_off(
            context, instance, dest, flavor, network_info,
            block_device_info=block_device_info, timeout=timeout,
            retry_interval=retry_interval)

    def live_migration(self, context, instance, dest, post_method,
                       recover_method, block_migration=False,
                       migrate_data=None):
        outcome = self._run_live_job(instance.uuid, FAULTS.live_seconds)
        if outcome == 'abort':
            LOG.info('live migration of %s to %s cancelled', instance.uuid,
                     dest)
            recover_method(context, instance, dest, migrate_data,
                           migration_status='cancelled')
        elif FAULTS.take_live_failure(instance.uuid):
            LOG.warning('live migration of %s to %s fails (injected fault)',
                        instance.uuid, dest)
            recover_method(context, instance, dest, migrate_data)
        else:
            post_method(context, instance, dest, block_migration,
                        migrate_data)

    def _run_live_job(self, server_id, seconds):
        """Wait ``seconds`` unless aborted or force-completed first."""
        event, outcome = threading.Event(), []
        with self._jobs_lock:
            self._live_jobs[server_id] = (event, outcome)
        try:
            if seconds:
                event.wait(seconds)
            return outcome[0] if outcome else 'done'
        finally:
            with self._jobs_lock:
                self._live_jobs.pop(server_id, None)

    def _signal_live_job(self, server_id, what):
        with self._jobs_lock:
            job = self._live_jobs.get(server_id)
        if job:
            job[1].append(what)
            job[0].set()

    def live_migration_force_complete(self, instance):
        self._signal_live_job(instance.uuid, 'complete')

    def live_migration_abort(self, instance):
        self._signal_live_job(instance.uuid, 'abort')


def register():
    """Make :class:`SandboxDriver` loadable as ``compute_driver``."""
    sys.modules.setdefault(DRIVER_MODULE, sys.modules[__name__])
    return COMPUTE_DRIVER
