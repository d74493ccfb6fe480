"""``sandbox up|status|down``: whole local clouds for trying osmigcfg.

``osmigcfg sandbox up DIR`` starts real keystone, glance, neutron,
cinder, placement and Nova clouds on 127.0.0.1 (``src`` and ``dst`` by
default) and writes ``DIR/clouds.yaml``; ``status DIR`` shows their
processes, ``down DIR`` stops them.  Thin commands over
:mod:`osmigcfg.sandbox.clouds.lifecycle`.
"""

from cliff import command
from cliff import lister

from osmigcfg.cli import base
from osmigcfg.sandbox.clouds import lifecycle


def _names(text):
    return tuple(n.strip() for n in text.split(',') if n.strip())


class SandboxUp(base.OfflineMixin, lister.Lister):
    """Start whole local clouds under DIR and write DIR/clouds.yaml."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('directory', metavar='<dir>',
                            help='new or empty directory for the clouds')
        parser.add_argument('--clouds', metavar='<names>', type=_names,
                            default=('src', 'dst'),
                            help='comma-separated cloud names '
                                 '(default: src,dst)')
        parser.add_argument('--computes', metavar='<n>', type=int,
                            default=2,
                            help='nova-compute processes per cloud '
                                 '(default: 2)')
        parser.add_argument('--services', metavar='<names>', type=_names,
                            help='comma-separated, of '
                            f'{",".join(lifecycle.SERVICE_CHOICES)} '
                                 '(default: all; only nova is optional)')
        return parser

    def take_action(self, parsed_args):
        state = lifecycle.up(
            parsed_args.directory, names=parsed_args.clouds,
            computes=parsed_args.computes, services=parsed_args.services,
            progress=self._progress)
        self.app.stderr.write(
            f'{", ".join(state["clouds"])} up in '
            f'{state["startup_seconds"]} s; export '
            f'OS_CLIENT_CONFIG_FILE={state["clouds_yaml"]}\n')
        rows = [(name, f'--os-cloud {name}', f'--os-cloud {name}-admin')
                for name in state['clouds']]
        return ('Cloud', 'Project member', 'Admin'), rows

    def _progress(self, line):
        self.app.stderr.write(line + '\n')
        self.app.stderr.flush()


class SandboxStatus(base.ExitStatusMixin, base.OfflineMixin, lister.Lister):
    """Show the processes of the clouds under DIR (exit 1 if one is down)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('directory', metavar='<dir>')
        return parser

    def take_action(self, parsed_args):
        rows = lifecycle.status(parsed_args.directory)
        self.exit_status = 0 if all(r['running'] for r in rows) else 1
        return ('Process', 'PID', 'State', 'RSS MB'), [
            (r['label'], r['pid'], 'running' if r['running'] else 'gone',
             r['rss_mb']) for r in rows]


class SandboxDown(base.OfflineMixin, command.Command):
    """Stop the clouds under DIR (the directory and its logs stay)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('directory', metavar='<dir>')
        return parser

    def take_action(self, parsed_args):
        killed = lifecycle.down(parsed_args.directory)
        note = f' ({killed} needed SIGKILL)' if killed else ''
        self.app.stdout.write(f'stopped{note}\n')
        return 0
