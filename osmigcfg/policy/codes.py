"""Finding codes of the policy subsystem (POL1xx syntax/names, POL2xx risks).

POL3xx (audit) and POL4xx (upgrade impact) are registered by those modules.
"""

from osmigcfg.findings import CodeInfo
from osmigcfg.findings import register_codes

YAML_ERROR = 'POL101'
BAD_VALUE = 'POL102'
UNKNOWN_RULE_TYPO = 'POL103'
HELPER_RULE = 'POL104'
UNKNOWN_RULE = 'POL105'
DUPLICATE_KEY = 'POL106'
OVERRIDDEN_LATER = 'POL107'
DEPRECATED_NAME = 'POL108'
CHECK_UNPARSABLE = 'POL110'
CHECK_SUSPICIOUS_KEY = 'POL111'
CHECK_CALLS_OUT = 'POL112'
CHECK_TOO_DEEP = 'POL113'
UNDEFINED_REFERENCE = 'POL120'
CYCLE = 'POL121'
CHAIN_TOO_DEEP = 'POL122'
REDUNDANT = 'POL130'
DEPRECATED_FOR_REMOVAL = 'POL140'
ALLOW_EVERYONE = 'POL201'
UNTRUSTED_PASSES = 'POL202'
INHERITED_OVERRIDE = 'POL210'
LEGACY_DEFAULTS = 'POL211'

register_codes(
    CodeInfo(YAML_ERROR, 'error', 'the policy file is not valid YAML or not '
             'a mapping', 'fix the syntax at the given line'),
    CodeInfo(BAD_VALUE, 'error', 'a rule value is not a check string',
             'quote the check string; lists and numbers are not accepted'),
    CodeInfo(UNKNOWN_RULE_TYPO, 'error', 'a rule name the release does not '
             'know, close to one it does (a typo: the override does nothing)',
             'rename it to the suggested rule'),
    CodeInfo(HELPER_RULE, 'info', 'a rule Nova does not register, used as a '
             'helper by other rules', 'nothing to do if intended'),
    CodeInfo(UNKNOWN_RULE, 'warning', 'a rule name the release does not know '
             'and nothing references: it has no effect',
             'remove it, or check the release with --release'),
    CodeInfo(DUPLICATE_KEY, 'warning', 'a rule is defined twice in one file; '
             'the last one wins', 'keep one definition'),
    CodeInfo(OVERRIDDEN_LATER, 'info', 'a rule is overridden again by a later '
             'file (policy.d order)', 'keep one definition if not intended'),
    CodeInfo(DEPRECATED_NAME, 'info', 'a deprecated rule name; oslo.policy '
             'still applies it to its successor',
             'move the override to the new rule name'),
    CodeInfo(CHECK_UNPARSABLE, 'error', 'a check string oslo.policy cannot '
             'parse: it silently becomes deny-all',
             'fix the check string syntax (balanced parentheses, kind:match)'),
    CodeInfo(CHECK_SUSPICIOUS_KEY, 'warning', 'a generic check on an '
             'attribute no token carries (likely a typo such as rol:admin)',
             'use role:, rule:, project_id:, user_id: or is_admin:'),
    CodeInfo(CHECK_CALLS_OUT, 'error', 'this rule calls out to a URL at '
             'enforcement time (an http: or https: check, or a check kind '
             'another library registered); osmigcfg cannot predict it and '
             'shows the decisions it decides as unknown',
             'replace the remote check with role:/rule: checks, or accept '
             'that osmigcfg cannot predict this rule'),
    CodeInfo(CHECK_TOO_DEEP, 'error', 'a check string nests deeper than '
             'osmigcfg parses (parentheses and "not"); oslo.policy\'s parser '
             'fails with RecursionError a few hundred levels deep',
             'flatten the check string'),
    CodeInfo(UNDEFINED_REFERENCE, 'error', 'rule:X refers to a rule that is '
             'not defined: that branch always denies',
             'define the rule or fix the name'),
    CodeInfo(CYCLE, 'error', 'rules refer to each other in a cycle',
             'break the cycle'),
    CodeInfo(CHAIN_TOO_DEEP, 'error', 'evaluating a rule goes deeper '
             'through rule: references than osmigcfg follows; oslo.policy '
             'would hit Python\'s recursion limit', 'shorten the chain of '
             'rule: references'),
    CodeInfo(REDUNDANT, 'info', 'an override equal to the default',
             'remove it so future default changes apply'),
    CodeInfo(DEPRECATED_FOR_REMOVAL, 'warning', 'an override of a rule Nova '
             'will remove', 'drop the override before upgrading'),
    CodeInfo(ALLOW_EVERYONE, 'error', 'a migration rule allows everyone '
             '("" or @)', 'use rule:context_is_admin or a project role rule'),
    CodeInfo(UNTRUSTED_PASSES, 'error', 'a token without roles, a reader '
             'or another project\'s member passes a migration action, '
             'through whatever rule (context_is_admin, a helper rule, "not '
             'role:x")', 'fix the rule the finding names; helper rules such '
             'as context_is_admin decide every admin-only rule'),
    CodeInfo(INHERITED_OVERRIDE, 'warning', 'an override is copied onto a '
             'rule that is not set explicitly (DeprecatedRule inheritance)',
             'set the inheriting rule explicitly'),
    CodeInfo(LEGACY_DEFAULTS, 'warning', 'with enforce_new_defaults=false a '
             'migration rule is ORed with a legacy default that any role in '
             'the project passes', 'set enforce_new_defaults=true, or '
             'override the helper rules explicitly'),
)
