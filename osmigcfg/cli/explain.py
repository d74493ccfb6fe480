"""``explain CODE``: what a finding code means and how to fix it."""

import json

from cliff import command

from osmigcfg.cli import base
from osmigcfg import exceptions
from osmigcfg import explain


class ExplainCode(base.OfflineMixin, command.Command):
    """Explain a finding code: meaning, why it matters, example, fix."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('code', metavar='<code>',
                            help='a finding code, e.g. POL210 or CFG201')
        parser.add_argument('--format', dest='fmt', default='text',
                            choices=['text', 'markdown', 'json'],
                            help='output form (default: text)')
        return parser

    def take_action(self, parsed_args):
        try:
            exp = explain.explain(parsed_args.code)
        except exceptions.UnknownCodeError as e:
            # a name the user typed that names nothing: a usage error
            self.app.stderr.write(f'explain: error: {e}\n')
            raise SystemExit(2)
        if parsed_args.fmt == 'json':
            text = json.dumps(exp.to_dict(), indent=2) + '\n'
        elif parsed_args.fmt == 'markdown':
            text = explain.render_markdown(exp)
        else:
            text = explain.render_text(exp)
        self.app.stdout.write(text)
        return 0
