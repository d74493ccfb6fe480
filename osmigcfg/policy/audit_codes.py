"""Finding codes of policy audits (POL3xx) and upgrade checks (POL4xx).

Audits speak of risk: ``high`` (someone can move servers they should not,
or choose where they go), ``medium`` (the policy is incoherent or discloses
more than needed), ``info`` (a difference worth knowing).
"""

from osmigcfg.findings import CodeInfo
from osmigcfg.findings import register_codes

HOST_TARGETED = 'POL301'
UNTRUSTED_MIGRATES = 'POL302'
ALLOWS_EVERYONE = 'POL303'
DISCLOSES = 'POL304'
CANNOT_FINISH = 'POL310'
CANNOT_ABORT = 'POL311'
CANNOT_WATCH = 'POL312'
DIFFERS_FROM_PROFILE = 'POL320'
REHEARSAL_MISMATCH = 'POL350'
REHEARSAL_UNOBSERVED = 'POL351'

UPGRADE_WIDENS = 'POL401'
UPGRADE_NARROWS = 'POL402'
UPGRADE_INHERITS = 'POL403'
UPGRADE_DROPPED = 'POL404'

register_codes(
    CodeInfo(HOST_TARGETED, 'high', 'a host-targeted action (migrate or '
             'live-migrate to a chosen host, evacuate) is allowed to a '
             'non-admin persona', 'set the :host rule (and os-evacuate) to '
             'rule:context_is_admin explicitly'),
    CodeInfo(UNTRUSTED_MIGRATES, 'high', 'a migration action is allowed to '
             'a reader, a token without roles, or another project\'s member',
             'use rule:project_manager_or_admin or rule:context_is_admin, and '
             'keep enforce_new_defaults=true'),
    CodeInfo(ALLOWS_EVERYONE, 'high', 'a migration rule allows everyone '
             '("" or @)', 'replace it with a role rule'),
    CodeInfo(DISCLOSES, 'medium', 'a non-admin persona can see compute host '
             'names or other projects\' migrations',
             'keep the :host and :all_projects rules (and '
             'servers:migrations:show) admin-only'),
    CodeInfo(CANNOT_FINISH, 'medium', 'a persona can start a cold migration '
             'but cannot confirm or revert it (the resize waits in '
             'VERIFY_RESIZE)', 'grant servers:confirm_resize and '
             'servers:revert_resize to the same persona'),
    CodeInfo(CANNOT_ABORT, 'medium', 'a persona can start a live migration '
             'but cannot abort it', 'grant servers:migrations:delete to the '
             'same persona'),
    CodeInfo(CANNOT_WATCH, 'medium', 'a persona can start a live migration '
             'but cannot list the server\'s migrations: progress is '
             'invisible', 'grant servers:migrations:index to the same '
             'persona'),
    CodeInfo(DIFFERS_FROM_PROFILE, 'info', 'a decision differs from the '
             'expected profile', 'align the policy with the profile, or '
             'expect another profile'),
    CodeInfo(REHEARSAL_MISMATCH, 'high', 'real Nova answered differently '
             'from the offline prediction', 'report it: the offline engine '
             'or the action model is wrong for this case'),
    CodeInfo(REHEARSAL_UNOBSERVED, 'medium', 'a rehearsal call gave no '
             'usable answer (an unexpected status, or nothing to observe)',
             'see the Nova sandbox log; re-run the rehearsal'),
    CodeInfo(UPGRADE_WIDENS, 'medium', 'after the upgrade a persona is '
             'allowed an action it was denied before', 'pin the rule '
             'explicitly if the new access is not wanted'),
    CodeInfo(UPGRADE_NARROWS, 'medium', 'after the upgrade a persona is '
             'denied an action it was allowed before', 'override the new '
             'rule if the old access is still needed'),
    CodeInfo(UPGRADE_INHERITS, 'high', 'a rule new in the target release '
             'inherits an override through its DeprecatedRule instead of '
             'applying its own default', 'set the new rule explicitly in the '
             'policy file before upgrading'),
    CodeInfo(UPGRADE_DROPPED, 'medium', 'an override names a rule the target '
             'release does not register: it stops having any effect',
             'move the override to the rule that replaced it'),
)
