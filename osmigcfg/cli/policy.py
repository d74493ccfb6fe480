"""``policy render|validate|effective|check|profiles`` commands."""

from cliff import lister

from osmigcfg import exceptions
from osmigcfg import policy
from osmigcfg.cli import base


def _load(parsed_args):
    return policy.load_effective_policy(
        policy_file=parsed_args.policy_file,
        policy_dirs=parsed_args.policy_dirs, release=parsed_args.release,
        enforce_new_defaults=parsed_args.enforce_new_defaults,
        profile=getattr(parsed_args, 'profile', None))


class RenderPolicy(base.TextCommand):
    """Render a migration policy profile for a Nova release."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--profile', metavar='<name>', required=True,
                            help=', '.join(policy.profile_names()))
        base.add_release_argument(parser)
        parser.add_argument('--override', metavar='<file>',
                            help='YAML rule: check-string pairs laid over '
                                 'the profile')
        parser.add_argument('--format', dest='fmt', default='policy-yaml',
                            choices=sorted(policy.FORMATS),
                            help='output form (default: policy-yaml)')
        return parser

    def take_action(self, parsed_args):
        overrides = (policy.read_overrides(parsed_args.override)
                     if parsed_args.override else None)
        text = policy.render_policy(parsed_args.profile, parsed_args.release,
                                    overrides=overrides, fmt=parsed_args.fmt)
        return self.emit_text(parsed_args, text)


class ValidatePolicy(base.FindingsLister):
    """Validate a policy file and policy.d directories for a Nova release."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_policy_source_arguments(parser, positional=True,
                                         profile=False)
        parser.add_argument('--fail-on', default='error',
                            choices=['error', 'warning', 'info'],
                            help='lowest severity that makes the exit '
                                 'status 1 (default: error)')
        return parser

    def take_action(self, parsed_args):
        if not parsed_args.policy_file and not parsed_args.policy_dirs:
            raise exceptions.InputError(
                'nothing to validate', hint='give a policy file and/or '
                '--policy-dir')
        report = policy.validate_policy(
            parsed_args.policy_file, policy_dirs=parsed_args.policy_dirs,
            release=parsed_args.release,
            enforce_new_defaults=parsed_args.enforce_new_defaults)
        return self.findings_rows(report, parsed_args.fail_on)


class ShowEffectivePolicy(base.OfflineMixin, lister.Lister):
    """Show the rules Nova would enforce, and where each comes from."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_policy_source_arguments(parser, positional=True)
        parser.add_argument('--all', action='store_true',
                            help='every rule, not only the migration rules')
        return parser

    def take_action(self, parsed_args):
        ep = _load(parsed_args)
        names = list(ep.rules) if parsed_args.all else [
            n for n in policy.MIGRATION_RULES if n in ep.rules]
        rows = []
        for name in names:
            rule = ep.rules[name]
            rows.append((name, rule.check_str, rule.origin.describe(),
                         rule.default_check_str or ''))
        return ('Rule', 'Effective check', 'Source', 'Default'), rows


class CheckPolicy(base.OfflineMixin, lister.Lister):
    """Decide offline whether roles in a project may perform rules."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_policy_source_arguments(parser)
        parser.add_argument('--roles', metavar='<r1,r2>', required=True,
                            help='the token\'s roles, comma separated '
                                 '(as keystone would expand implied roles)')
        parser.add_argument('--project', metavar='<id>', default='project',
                            help='the token\'s project (default: project)')
        parser.add_argument('--target-project', metavar='<id>',
                            help='the server\'s project (default: the '
                                 'token\'s own project)')
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument('--rule', metavar='<name>', action='append',
                          help='a rule to check (repeatable)')
        what.add_argument('--all-migration', action='store_true',
                          help='every migration rule')
        return parser

    def take_action(self, parsed_args):
        ep = _load(parsed_args)
        roles = [r.strip() for r in parsed_args.roles.split(',') if r.strip()]
        names = parsed_args.rule or [
            n for n in policy.MIGRATION_RULES if n in ep.rules]
        target = None
        if parsed_args.target_project:
            target = {'project_id': parsed_args.target_project}
        rows = []
        for name in names:
            decision = ep.check(name, roles, parsed_args.project,
                                target=target)
            allowed = 'unknown' if decision.allowed is None \
                else decision.allowed
            rows.append((name, allowed, decision.check_str,
                         decision.origin.describe()))
        return ('rule', 'allowed', 'check', 'source'), rows


class ListProfiles(base.OfflineMixin, lister.Lister):
    """List the shipped policy profiles."""

    def take_action(self, parsed_args):
        rows = []
        for name in policy.profile_names():
            prof = policy.load_profile(name)
            rows.append((name, prof.description))
        return ('Name', 'Description'), rows
