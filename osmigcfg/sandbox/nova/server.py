"""Run real Nova 34 in this process and serve its compute API on 127.0.0.1.

Usage::

    python -m osmigcfg.sandbox.nova.server --port 0 --policy-file F \\
        [--policy-dir D]... [--no-enforce-new-defaults] \\
        [--computes host1,host2,host3] [--conf group.option=value]...

When the API answers, one line goes to stdout::

    READY {"port": 40123, "endpoint": "http://127.0.0.1:40123/v2.1", ...}

and nothing else is written there; logs go to stderr (INFO, or DEBUG with
``OSMIGCFG_SANDBOX_DEBUG=1`` in the environment).  The process exits
cleanly on SIGTERM/SIGINT, or when its stdin reaches end-of-file, so a
parent that dies cannot leave it behind (``--ignore-stdin`` turns that off
for interactive use).  The control API is described in ``control.py``.

This is the child side of :class:`osmigcfg.sandbox.nova.NovaSandbox`, which
is what tests and ``policy rehearse`` use.  Nova must patch the process
before anything else is imported, so the parent starts us through
a ``python -c`` bootstrap that imports nova before the osmigcfg package
(whose ``__init__`` may import taskflow, hence eventlet), and this module
imports nova's functional-test package before its other imports.
"""

# Nothing may import eventlet, oslo.context or urllib3 before nova below.
import os  # noqa: I100
import sys

for _var in ('OS_TEST_TIMEOUT', 'OS_STDOUT_CAPTURE', 'OS_STDERR_CAPTURE',
             'OS_LOG_CAPTURE', 'OS_DEBUG'):
    os.environ.pop(_var, None)  # oslotest would act on them in setUp()
os.environ.setdefault('OS_NOVA_DISABLE_EVENTLET_PATCHING', '1')
import nova.tests.functional  # noqa: E402,F401 - patches the process

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
import socketserver  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from wsgiref import simple_server  # noqa: E402

LOG = logging.getLogger(__name__)


class _ThreadingWSGIServer(socketserver.ThreadingMixIn,
                           simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, format, *args):
        LOG.debug('%s %s', self.address_string(), format % args)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m osmigcfg.sandbox.nova.server',
        description='Real Nova 34 (fake virt driver) on 127.0.0.1.')
    parser.add_argument('--port', type=int, default=0,
                        help='TCP port (0: any free port)')
    parser.add_argument('--policy-file', required=True,
                        help='policy file Nova reads (created if missing)')
    parser.add_argument('--policy-dir', action='append', default=[],
                        dest='policy_dirs', help='a policy.d directory')
    parser.add_argument('--no-enforce-new-defaults', action='store_false',
                        dest='enforce_new_defaults')
    parser.add_argument('--computes', default='host1,host2',
                        help='comma-separated compute host names')
    parser.add_argument('--conf', action='append', default=[],
                        metavar='GROUP.OPTION=VALUE', type=_conf_override,
                        help='a Nova config override, e.g. '
                             'DEFAULT.max_concurrent_live_migrations=2')
    parser.add_argument('--workdir', default=None,
                        help='scratch directory (default: the policy '
                             "file's directory)")
    parser.add_argument('--ignore-stdin', action='store_true',
                        help='do not exit when stdin closes')
    return parser.parse_args(argv)


def _conf_override(text):
    key, sep, value = text.partition('=')
    group, dot, option = key.rpartition('.')
    if not sep or not dot or not group or not option:
        raise argparse.ArgumentTypeError(
            f'{text!r}: expected GROUP.OPTION=VALUE')
    return group, option, value


def main(argv=None):
    """Run until told to stop; never returns (the process exits)."""
    args = parse_args(argv)
    try:
        _serve(args)
    except BaseException:
        # nova's service threads are not daemons: exit explicitly, or a
        # failed start would hang instead of telling the parent.
        LOG.exception('the Nova sandbox failed')
        logging.shutdown()
        os._exit(1)
    logging.shutdown()
    os._exit(0)


def _serve(args):
    started = time.monotonic()
    from osmigcfg.sandbox.nova import control
    from osmigcfg.sandbox.nova import stack as nova_stack

    if not os.path.exists(args.policy_file):
        with open(args.policy_file, 'w', encoding='utf-8') as f:
            f.write('{}\n')
    workdir = args.workdir or os.path.dirname(
        os.path.abspath(args.policy_file))
    stack = nova_stack.NovaStack(
        args.policy_file, args.policy_dirs, args.enforce_new_defaults,
        [h for h in args.computes.split(',') if h], args.conf, workdir)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if not args.ignore_stdin:
        threading.Thread(target=_watch_stdin, args=(stop,), daemon=True,
                         name='sandbox-stdin-watch').start()

    try:
        _serve_until(stop, control.SandboxApp(stack.start(), stack), args,
                     stack, started)
    finally:
        stack.stop()


def _serve_until(stop, app, args, stack, started):
    server = _ThreadingWSGIServer(('127.0.0.1', args.port), _QuietHandler)
    server.set_app(app)
    threading.Thread(target=server.serve_forever, daemon=True,
                     kwargs={'poll_interval': 0.2},
                     name='sandbox-http').start()
    port = server.server_address[1]
    ready = {
        'port': port,
        'endpoint': f'http://127.0.0.1:{port}/v2.1',
        'pid': os.getpid(),
        'computes': stack.hosts,
        'startup_seconds': round(time.monotonic() - started, 2),
    }
    sys.stdout.write('READY ' + json.dumps(ready) + '\n')
    sys.stdout.flush()
    LOG.info('sandbox ready: %s', ready)
    # Polling keeps signal handling simple: handlers run between waits.
    while not stop.wait(0.2):
        pass
    LOG.info('sandbox stopping')
    server.shutdown()
    server.server_close()


def _watch_stdin(stop):
    """Set ``stop`` when stdin reaches EOF (the parent went away)."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError):
        pass
    stop.set()


if __name__ == '__main__':
    raise SystemExit(main())
