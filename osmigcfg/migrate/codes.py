"""Finding codes of the migrator (MIG0xx preflight, MIG1xx plan).

Registered once here; the README lists them and a test keeps both in step.
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
)
