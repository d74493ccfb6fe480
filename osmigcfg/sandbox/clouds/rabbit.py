"""A private RabbitMQ for the local clouds' cinder, on loopback only.

Debian's ``rabbitmq-server`` package provides the broker; we never use its
system service.  We run our own ``epmd`` (in our process group, on our own
port, so stopping it is ours to do and no daemon outlives us) and then
``/usr/lib/rabbitmq/bin/rabbitmq-server`` with every listener on
127.0.0.1, our own ports, and a definitions file that creates one vhost
and one user per cloud at boot.
"""

import glob
import os
import pathlib
import secrets
import shutil

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg.sandbox.clouds import proc

SERVER_PATHS = ('/usr/lib/rabbitmq/bin/rabbitmq-server',)
INSTALL_HINT = (
    'install it with `apt-get install -y rabbitmq-server` (block the '
    "package's auto-start first: printf 'exit 101' > /usr/sbin/policy-rc.d), "
    'or set OSMIGCFG_RABBITMQ_SERVER to its rabbitmq-server script')


def find_rabbitmq():
    """(rabbitmq-server script, epmd binary); SandboxError when missing."""
    candidates = [os.environ.get('OSMIGCFG_RABBITMQ_SERVER'), *SERVER_PATHS]
    server = next((p for p in candidates if p and os.path.isfile(p)), None)
    epmd = shutil.which('epmd') or next(
        iter(sorted(glob.glob('/usr/lib/erlang/erts-*/bin/epmd'))), None)
    if not server or not epmd:
        raise exceptions.SandboxError(
            'RabbitMQ (rabbitmq-server and epmd) not found: the local '
            'clouds need it for cinder', hint=INSTALL_HINT)
    return server, epmd


class Broker:
    """One RabbitMQ node (plus its epmd) under ``root``."""

    def __init__(self, root, amqp_port, dist_port, epmd_port):
        self.root = pathlib.Path(root)
        self.amqp_port = amqp_port
        self.dist_port = dist_port
        self.epmd_port = epmd_port
        self.node = f'osmigcfg-{secrets.token_hex(4)}@localhost'
        self.server, self.epmd_bin = find_rabbitmq()
        self.epmd = None
        self.rabbit = None

    def _env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(('RABBITMQ_', 'ERL_'))}
        r = self.root
        env.update({
            'HOME': str(r / 'home'),  # the Erlang cookie lives here
            'ERL_EPMD_ADDRESS': '127.0.0.1',
            'ERL_EPMD_PORT': str(self.epmd_port),
            'RABBITMQ_CONF_ENV_FILE': str(r / 'rabbitmq-env.conf'),
            'RABBITMQ_NODENAME': self.node,
            'RABBITMQ_NODE_IP_ADDRESS': '127.0.0.1',
            'RABBITMQ_NODE_PORT': str(self.amqp_port),
            'RABBITMQ_DIST_PORT': str(self.dist_port),
            'RABBITMQ_CONFIG_FILE': str(r / 'rabbitmq.conf'),
            'RABBITMQ_ENABLED_PLUGINS_FILE': str(r / 'enabled_plugins'),
            'RABBITMQ_MNESIA_BASE': str(r / 'mnesia'),
            'RABBITMQ_LOG_BASE': str(r / 'log'),
            'RABBITMQ_LOGS': '-',
            'RABBITMQ_PID_FILE': str(r / 'rabbitmq.pid'),
            'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS':
                '-kernel inet_dist_use_interface {127,0,0,1} '
                '-start_epmd false',
        })
        return env

    def _write_config(self, definitions):
        for sub in ('home', 'mnesia', 'log'):
            (self.root / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        files.write_atomic(self.root / 'rabbitmq-env.conf', '')
        files.write_atomic(self.root / 'enabled_plugins', '[].\n')
        files.write_atomic(self.root / 'definitions.json', definitions,
                           mode=0o600)
        files.write_atomic(self.root / 'rabbitmq.conf', '\n'.join([
            f'listeners.tcp.1 = 127.0.0.1:{self.amqp_port}',
            f'load_definitions = {self.root / "definitions.json"}',
            'disk_free_limit.absolute = 50MB',
            'log.console = true',
            'log.console.level = warning',
            'log.file = false',
            '']))

    def start(self, definitions):
        """Start epmd and the node; returns at once (see ``wait``)."""
        self._write_config(definitions)
        env = self._env()
        self.epmd = proc.ServiceProcess(
            'epmd', [self.epmd_bin, '-port', str(self.epmd_port),
                     '-address', '127.0.0.1'],
            env, self.root / 'epmd.log').start()
        proc.wait_tcp(self.epmd_port, [self.epmd], timeout=20)
        self.rabbit = proc.ServiceProcess(
            'rabbitmq-server', [self.server], env,
            self.root / 'rabbitmq.log', cwd=self.root).start()
        return self

    def wait(self, timeout=90):
        """Block until the AMQP listener accepts connections."""
        proc.wait_tcp(self.amqp_port, [self.rabbit, self.epmd],
                      timeout=timeout)

    def processes(self):
        return [p for p in (self.rabbit, self.epmd) if p is not None]

    def stop(self):
        """Stop the node, then its epmd; nothing is left running."""
        if self.rabbit is not None:
            self.rabbit.stop(timeout=15)
        if self.epmd is not None:
            self.epmd.stop(timeout=5)
