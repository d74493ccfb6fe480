"""Finding codes of the migrator (MIG0xx preflight, MIG1xx plan).

Registered once here; doc/source/user/migrate-reference.md lists them and a test keeps both in step.
"""

from osmigcfg.findings import CodeInfo
from osmigcfg.findings import register_codes

POLICY_DENIED = 'MIG001'
HOST_DENIED = 'MIG002'
ROLES_UNKNOWN = 'MIG003'
POLICY_MISMATCH = 'MIG004'
MICROVERSION = 'MIG005'
CANNOT_LIST_HOST = 'MIG006'
SKIPPED_STATE = 'MIG101'
SKIPPED_BUSY = 'MIG102'
CAPACITY_SHORT = 'MIG110'
CAPACITY_UNKNOWN = 'MIG111'
SERVICE_DOWN = 'MIG112'
NO_TARGET_HOST = 'MIG113'
EMPTY_PLAN = 'MIG114'
WAVE_SHORT = 'MIG201'
GROUP_BLOCKS = 'MIG202'
AFFINITY_STAYS = 'MIG203'
SPECIAL_SERVER = 'MIG204'
MOVES_TWICE = 'MIG205'
SCOPE_HOST_UNUSABLE = 'MIG206'
SOFT_GROUP = 'MIG207'

register_codes(
    CodeInfo(POLICY_DENIED, 'error', 'the effective policy does not let the '
             'caller perform this migration operation',
             'ask an operator, or run it with a role the rule names'),
    CodeInfo(HOST_DENIED, 'error', 'the caller may migrate, but not choose '
             'the destination host', 'leave out --host: the scheduler picks'),
    CodeInfo(ROLES_UNKNOWN, 'warning', "the caller's roles are unknown (the "
             'auth method does not show them): the preflight cannot predict '
             "Nova's answer", 'pass --roles and --project-id'),
    CodeInfo(POLICY_MISMATCH, 'error', 'the preflight allowed an operation '
             'that Nova refused: the policy given is not the cloud\'s',
             "point --policy-file/--profile/--release at the cloud's policy"),
    CodeInfo(MICROVERSION, 'error', 'the cloud is too old for a requested '
             'feature', 'upgrade Nova or leave out the option that needs it'),
    CodeInfo(CANNOT_LIST_HOST, 'error', 'listing the servers of a host needs '
             'an administrator', 'run the drain as an administrator'),
    CodeInfo(SKIPPED_STATE, 'warning', 'a server in a state Nova cannot '
             'migrate is left where it is', 'move it by hand (start, '
             'unshelve, unrescue...) and drain again'),
    CodeInfo(SKIPPED_BUSY, 'warning', 'a server busy with another task is '
             'left where it is', 'wait for the task to end and drain again'),
    CodeInfo(CAPACITY_SHORT, 'error', 'the remaining hosts do not have room '
             'for every server of the drain', 'add capacity, enable a host, '
             'or drain fewer servers'),
    CodeInfo(CAPACITY_UNKNOWN, 'warning', 'the capacity of the remaining '
             'hosts could not be read', 'check placement by hand'),
    CodeInfo(SERVICE_DOWN, 'warning', 'a compute service the drain depends '
             'on is down or disabled', 'bring it up, or accept that its '
             'servers may fail'),
    CodeInfo(NO_TARGET_HOST, 'error', 'no other enabled compute host can '
             'receive servers', 'enable a compute service first'),
    CodeInfo(EMPTY_PLAN, 'info', 'nothing to migrate', 'nothing to do'),
    CodeInfo(WAVE_SHORT, 'error', 'a maintenance wave\'s servers do not fit '
             'on the hosts available while it runs', 'lower --hosts-at-once, '
             'maintain fewer hosts, or add capacity'),
    CodeInfo(GROUP_BLOCKS, 'error', 'a hard anti-affinity group has more '
             'members to place than hosts available in a wave',
             'lower --hosts-at-once or add hosts outside the scope'),
    CodeInfo(AFFINITY_STAYS, 'warning', 'members of a hard affinity group '
             'cannot move (no other host satisfies the group); they stay '
             'on their host during its maintenance', 'stop or move the '
             'group by hand first'),
    CodeInfo(SPECIAL_SERVER, 'warning', 'a server that will not move (its '
             'state or its devices) stays on its host during maintenance',
             'move or stop it by hand, or accept its downtime'),
    CodeInfo(MOVES_TWICE, 'warning', 'capacity forces some servers onto '
             'hosts still to be maintained: they will move twice',
             'add capacity outside the scope, or lower --hosts-at-once'),
    CodeInfo(SCOPE_HOST_UNUSABLE, 'warning', 'a host in scope is down or '
             'disabled: it is maintained but receives no servers',
             'bring it up, or leave it out of the scope'),
    CodeInfo(SOFT_GROUP, 'info', 'a soft (anti-)affinity group is kept '
             'best-effort only by the scheduler', 'nothing to do'),
)
