"""Finding codes of the cross-cloud subsystem.

``XCL1xx`` the documents (syntax, version, shape, secrets), ``XCL2xx``
references, ``XCL3xx`` destination prerequisites (types, quotas, rights,
conflicts), ``XCL4xx`` export notes.
"""

from osmigcfg.findings import CodeInfo
from osmigcfg.findings import register_codes

YAML_ERROR = 'XCL101'
VERSION_MISMATCH = 'XCL102'
UNKNOWN_TYPE = 'XCL103'
BAD_SHAPE = 'XCL104'
UNKNOWN_FIELD = 'XCL105'
BAD_VALUE = 'XCL106'
MISSING_FIELD = 'XCL107'
DUPLICATE = 'XCL108'
SECRET = 'XCL109'
UNREADABLE = 'XCL110'
BAD_KNOB = 'XCL111'
UNRESOLVED_REF = 'XCL201'
AMBIGUOUS_REF = 'XCL202'
WRONG_REF_TYPE = 'XCL203'
MISSING_VOLUME_TYPE = 'XCL301'
MISSING_ZONE = 'XCL302'
QUOTA_EXCEEDED = 'XCL303'
NEEDS_ADMIN = 'XCL304'
IMMUTABLE_CHANGE = 'XCL305'
ADDRESS_IN_USE = 'XCL306'
UNSUPPORTED_FORMAT = 'XCL307'
MISSING_ROLE = 'XCL308'
CHECK_SKIPPED = 'XCL309'
OTHER_PROJECT = 'XCL310'
POLICY_DENIES = 'XCL312'
POLICY_UNKNOWN = 'XCL313'
SKIPPED_ADMIN_TYPES = 'XCL401'
SOURCE_REF_HIDDEN = 'XCL402'
SOURCE_DUPLICATE = 'XCL403'
NO_SERVICE = 'XCL404'
SECRET_LEFT_OUT = 'XCL405'
NOT_IMPORTED = 'XCL501'
NEEDS_IMPORT = 'XCL502'
NEEDS_REIMAGE = 'XCL503'
SERVER_EXISTS = 'XCL504'
SOURCE_STATE = 'XCL505'
BOOT_MISMATCH = 'XCL506'
DISK_TOO_SMALL = 'XCL507'

register_codes(
    CodeInfo(YAML_ERROR, 'error', 'a document is not valid YAML (or uses '
             'YAML anchors/aliases, which osmigcfg refuses)',
             'fix the syntax at the given line'),
    CodeInfo(VERSION_MISMATCH, 'error', 'a document has another format '
             'version than this osmigcfg reads',
             're-export with this osmigcfg, or use the matching osmigcfg'),
    CodeInfo(UNKNOWN_TYPE, 'error', 'a document names a resource type '
             'osmigcfg does not know', 'use one of the listed types'),
    CodeInfo(BAD_SHAPE, 'error', 'a document or resource is not shaped as '
             'expected (mapping, list, keys)',
             'compare with a freshly exported document'),
    CodeInfo(UNKNOWN_FIELD, 'error', 'a parameter the resource type does '
             'not have', 'fix the name (see the suggestion) or remove it'),
    CodeInfo(BAD_VALUE, 'error', 'a parameter has a value of the wrong kind',
             'give a value of the stated kind'),
    CodeInfo(MISSING_FIELD, 'error', 'a required parameter is missing',
             'add it'),
    CodeInfo(DUPLICATE, 'error', 'two resources of one type share a source '
             'identity or a destination name', 'rename one of them'),
    CodeInfo(SECRET, 'error', 'a document holds a secret (password, token, '
             'private key); osmigcfg never carries secrets',
             'delete the field; set secrets in the destination yourself'),
    CodeInfo(UNREADABLE, 'error', 'a document file cannot be read',
             'check the path and that it is UTF-8 text'),
    CodeInfo(BAD_KNOB, 'error', 'an unknown migration knob or a value it '
             'does not accept', 'use one of the listed knobs and values'),
    CodeInfo(UNRESOLVED_REF, 'error', 'a reference names a resource that is '
             'neither in the documents nor in the destination',
             'export it too, create it in the destination, or fix the name'),
    CodeInfo(AMBIGUOUS_REF, 'error', 'a reference matches several resources '
             'in the destination', "add the reference's project, or rename"),
    CodeInfo(WRONG_REF_TYPE, 'error', 'a reference points at another '
             'resource type than the field expects', 'fix the ref type'),
    CodeInfo(MISSING_VOLUME_TYPE, 'error', 'the destination has no volume '
             'type of that name', 'map it: set migration.volume_type'),
    CodeInfo(MISSING_ZONE, 'error', 'the destination has no availability '
             'zone of that name', 'set migration.availability_zone'),
    CodeInfo(QUOTA_EXCEEDED, 'error', 'the destination quota cannot hold '
             'what the plan creates', 'raise the quota or export less'),
    CodeInfo(NEEDS_ADMIN, 'error', 'a step needs rights the destination '
             'credential does not have', 'use an admin credential, or '
             'change the knob that needs them'),
    CodeInfo(IMMUTABLE_CHANGE, 'error', 'the resource exists in the '
             'destination with a different value of a field that cannot be '
             'changed', 'rename the resource or align the field'),
    CodeInfo(ADDRESS_IN_USE, 'error', 'a kept IP or MAC address is already '
             'used in the destination network',
             'free it, or set keep_fixed_ips / keep_mac to false'),
    CodeInfo(UNSUPPORTED_FORMAT, 'error', 'the destination image service '
             'does not accept that disk or container format',
             'convert the image or pick an accepted format'),
    CodeInfo(MISSING_ROLE, 'error', 'the destination has no role of that '
             'name', 'create the role or fix the assignment'),
    CodeInfo(CHECK_SKIPPED, 'warning', 'a destination prerequisite (quota, '
             'volume types, zones...) could not be read, so it was not '
             'checked', 'check it by hand, or plan with more rights'),
    CodeInfo(OTHER_PROJECT, 'error', "an admin import would create a "
             "volume, snapshot or Nova resource in another project, which "
             "the APIs do not allow", "import that project's documents with "
             "a credential scoped to it"),
    CodeInfo(POLICY_DENIES, 'error', "a cloud's Nova policy does not let "
             'the credential make a call the run needs (a warning when the '
             "policy is Nova's default, not the cloud's own)",
             'use a credential with the role the rule needs, or give the '
             "cloud's policy (--src-policy-file, --dst-profile...)"),
    CodeInfo(POLICY_UNKNOWN, 'warning', "the credential's roles are unknown: "
             'the Nova policy could not be checked', 'use a keystone '
             'credential, whose token lists its roles'),
    CodeInfo(SKIPPED_ADMIN_TYPES, 'info', 'admin-only types were not '
             'exported: the credential is not an admin', 'nothing to do, or '
             'export with an admin credential'),
    CodeInfo(SOURCE_REF_HIDDEN, 'warning', 'an exported resource refers to '
             'something the credential cannot see; the reference was left '
             'out', 'export with a credential that sees it'),
    CodeInfo(SOURCE_DUPLICATE, 'warning', 'several exported resources of '
             'one type share a name: name-based references to them are '
             'ambiguous', 'rename them in the source or in the documents'),
    CodeInfo(NOT_IMPORTED, 'error', 'copy: an image record is not in the '
             'destination yet', 'run `import` first'),
    CodeInfo(NEEDS_IMPORT, 'error', 'cutover: something the server needs '
             '(flavor, keypair, port...) is not in the destination yet',
             'run `import` first'),
    CodeInfo(NEEDS_REIMAGE, 'error', 'cutover: the server boots from an '
             'image and migration.boot is copy (there is no boot volume to '
             'copy)', 'set migration.boot: snapshot (the default), volume, '
             'or reimage'),
    CodeInfo(BOOT_MISMATCH, 'error', 'cutover: migration.boot does not fit '
             'the server (snapshot/volume of a volume-booted server, '
             'reimage without an exported image)', 'set migration.boot: '
             'copy for a volume-booted server; snapshot instead of '
             'reimage when the source image is gone'),
    CodeInfo(DISK_TOO_SMALL, 'error', 'cutover: the destination flavor\'s '
             'disk (boot: snapshot) or the boot volume (boot: volume) is '
             'smaller than the snapshot of the source server needs',
             'give params.flavor a flavor with a bigger disk, or set '
             'migration.boot: volume (and boot_volume_size)'),
    CodeInfo(SERVER_EXISTS, 'error', 'cutover: the destination already '
             'has a server of that name that osmigcfg did not boot',
             'rename the server (params.name) or delete the other one'),
    CodeInfo(SOURCE_STATE, 'error', 'cutover: the source server cannot be '
             'read, is gone, or is not SHUTOFF while source_state is '
             'require_shutoff', 'stop it, or set source_state: stop'),
    CodeInfo(NO_SERVICE, 'info', 'a resource type (or part: quota '
             'volume) was skipped: the cloud catalog has no service for it '
             '(compute, block-storage, image, network, identity); export '
             'leaves it out, a plan (and import, copy) does not create it',
             'nothing to do; or migrate it into a cloud that has the '
             'service'),
    CodeInfo(SECRET_LEFT_OUT, 'warning', 'export left out a secret-looking '
             'field (password, token, private key...); its path is in the '
             "entry's info.left_out", 'set the secret in the destination '
             'yourself'),
)
