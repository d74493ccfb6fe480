"""``osmigcfg-pre-commit``: the pre-commit hooks' entry point.

pre-commit passes the changed files as arguments; ``osmigcfg policy
validate`` takes one policy (a file plus its policy.d directories) and
``config validate`` layers its files into one configuration, so neither
fits.  This checks each file on its own::

    osmigcfg-pre-commit policy [--release N] [--fail-on LEVEL] FILE...
    osmigcfg-pre-commit config [--strict] [--format FORM] FILE...

One line per finding (``file:line: severity CODE message (fix)``); the exit
status is 1 when a file has a finding at the fail level or cannot be read.
"""

import argparse
import sys

from osmigcfg import exceptions
from osmigcfg import inputs


def _parser():
    from osmigcfg.config import readers  # the input forms only
    parser = argparse.ArgumentParser(
        prog='osmigcfg-pre-commit',
        description='Validate Nova policy files or live-migration config '
                    'files, each on its own (pre-commit hooks).')
    kinds = parser.add_subparsers(dest='kind', required=True)
    pol = kinds.add_parser('policy', help='Nova policy files')
    pol.add_argument('--release', type=int, default=None,
                     help='Nova major release (29..34); default: 34')
    pol.add_argument('--fail-on', default='error',
                     choices=['error', 'warning', 'info'],
                     help='lowest severity that fails (default: error)')
    pol.add_argument('--no-enforce-new-defaults', dest='enforce_new_defaults',
                     action='store_false', default=True,
                     help='as with [oslo_policy] enforce_new_defaults=false')
    conf = kinds.add_parser('config', help='nova.conf, libvirtd.conf, '
                            'qemu.conf or deploy-tool files')
    conf.add_argument('--strict', action='store_true',
                      help='warnings fail too')
    conf.add_argument('--format', dest='fmt', default='auto',
                      choices=('auto',) + tuple(readers.FORMATS),
                      help='input form of every file (default: detect)')
    for sub in (pol, conf):
        sub.add_argument('files', metavar='FILE', nargs='*')
    return parser


def _check(args, path):
    if args.kind == 'policy':
        from osmigcfg import policy
        report = policy.validate_policy(
            path, release=args.release,
            enforce_new_defaults=args.enforce_new_defaults)
        return report, args.fail_on
    from osmigcfg import config
    report = config.validate_config([path], args.fmt)
    return report, 'warning' if args.strict else 'error'


def _line(finding, path):
    loc = finding.location
    where = f'{loc.file or path}:{loc.line}' if loc.line else \
        str(loc.file or path)
    subject = f' [{loc.subject}]' if loc.subject else ''
    text = f'{where}: {finding.severity} {finding.code}{subject}: ' \
           f'{finding.message}'
    return f'{text} ({finding.hint})' if finding.hint else text


def main(argv=None):
    args = _parser().parse_args(argv)
    status = 0
    with inputs.input_size_limit(inputs.DEFAULT_MAX_INPUT_SIZE):
        for path in args.files:
            try:
                report, level = _check(args, path)
            except exceptions.OsmigcfgError as e:
                print(f'{path}: error: {e}', file=sys.stderr)
                status = 1
                continue
            for finding in report.sorted():
                print(_line(finding, path))
            if report.fails(level):
                status = 1
    return status


if __name__ == '__main__':
    sys.exit(main())
