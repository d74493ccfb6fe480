"""Finding codes of the migration readiness report.

``RDY1xx`` policies (each service's rules for the identities a migration
uses), ``RDY2xx`` the service users' roles, ``RDY3xx`` configuration
(nova.conf, neutron.conf, cinder.conf), ``RDY4xx`` online facts of a cloud.
An error blocks the kinds of migration it names; a warning leaves them
ready (or unknown, when it says the answer could not be found).  The readiness reference (doc/source/user/readiness-reference.md)
table lists them (a test keeps the two in step).
"""

from osmigcfg.findings import CodeInfo
from osmigcfg.findings import register_codes

E, W, I = 'error', 'warning', 'info'

CODES = (
    # -- RDY1xx: policies -------------------------------------------------
    CodeInfo('RDY101', E, 'a service user is denied a policy rule a '
             'migration needs', 'give the user the role named in the '
             'message on its project, or widen the rule in that service\'s '
             'policy file'),
    CodeInfo('RDY102', E, 'the caller is denied a policy rule a migration '
             'needs', 'migrate as a user with the role named in the message, '
             'or widen the rule in that service\'s policy file'),
    CodeInfo('RDY103', W, 'a rule a migration needs cannot be decided '
             'offline (http: or a foreign check)', 'check the rule by hand '
             'or replace the remote check with roles'),
    CodeInfo('RDY104', W, 'Neutron\'s user is denied the external-events '
             'rule, but Nova does not fail on a missing event',
             'give Neutron\'s user the service role; each move waits '
             'vif_plugging_timeout for nothing'),
    CodeInfo('RDY105', I, 'who may start this kind of migration under '
             'Nova\'s policy', 'nothing to do, unless someone listed should '
             'not (see `policy audit`)'),
    CodeInfo('RDY106', E, 'Nova does not count Neutron\'s user as an admin '
             '(context_is_admin): it answers 404 to every network-vif-'
             'plugged event', 'give Neutron\'s user the admin role on its '
             'project (with service), or widen context_is_admin'),
    # -- RDY2xx: roles ----------------------------------------------------
    CodeInfo('RDY201', W, 'the roles of a service user are not known',
             'give --role-assignments (openstack role assignment list '
             '--effective --names -f yaml) or --os-cloud with an admin'),
    CodeInfo('RDY202', W, 'a service user has no role on its project',
             'openstack role add --user <user> --project <project> service'),
    CodeInfo('RDY203', E, 'Nova\'s service token lacks a role Cinder '
             'requires of service tokens', 'give Nova\'s [service_user] '
             'user one of Cinder\'s [keystone_authtoken] '
             'service_token_roles'),
    CodeInfo('RDY204', W, 'role assignments could not be read from keystone',
             'run as a cloud admin, or give --role-assignments'),
    CodeInfo('RDY205', E, 'Nova\'s service token lacks a role Neutron '
             'requires of service tokens: Neutron rejects every call Nova '
             'makes', 'openstack role add --user nova --project service '
             'service (Nova\'s [service_user] user), or set neutron.conf '
             '[keystone_authtoken] service_token_roles_required = false'),
    # -- RDY3xx: configuration --------------------------------------------
    CodeInfo('RDY301', E, 'nova.conf has no credentials for a service Nova '
             'calls during migrations', 'set auth_type, auth_url, username, '
             'password and project_name in the section named'),
    CodeInfo('RDY302', E, 'Nova does not send its service token '
             '([service_user] send_service_user_token is not true)',
             'set [service_user] send_service_user_token = true with the '
             'service user\'s credentials (OSSA-2023-003)'),
    CodeInfo('RDY303', E, 'Nova sends a service token but [service_user] '
             'has no credentials', 'set auth_type, auth_url, username, '
             'password and project_name in [service_user]'),
    CodeInfo('RDY304', E, 'neutron.conf has no [nova] credentials: Neutron '
             'cannot send network-vif-plugged events',
             'set auth_type, auth_url, username, password and project_name '
             'in neutron.conf [nova]'),
    CodeInfo('RDY305', I, 'a configuration file was not given: a service '
             'user name is assumed', 'give the file named in the message'),
    CodeInfo('RDY306', I, 'nova.conf [cinder] has no credentials: Nova '
             'calls Cinder with the caller\'s token only',
             'fine for migrations; set [cinder] auth for Nova\'s own '
             'periodic calls'),
    CodeInfo('RDY307', W, 'Cinder does not require roles of service tokens',
             'set [keystone_authtoken] service_token_roles_required = true '
             'in cinder.conf'),
    # -- RDY4xx: online facts ---------------------------------------------
    CodeInfo('RDY401', E, 'no compute service is up and enabled',
             'start nova-compute or enable a compute service'),
    CodeInfo('RDY402', E, 'fewer than two compute services are up and '
             'enabled: a migration has nowhere to go',
             'start or enable another compute service'),
    CodeInfo('RDY403', W, 'a compute service is down',
             'start it, or evacuate its servers'),
    CodeInfo('RDY404', I, 'a compute service is disabled',
             'openstack compute service set --enable <host> nova-compute '
             'when it may receive servers again'),
    CodeInfo('RDY405', W, 'hypervisor types differ between hosts: live '
             'migration between them fails', 'keep each kind of '
             'hypervisor in its own aggregate'),
    CodeInfo('RDY406', W, 'hypervisor versions differ: a host cannot '
             'receive live migrations from newer ones',
             'upgrade the older hosts first'),
    CodeInfo('RDY407', W, 'post-copy with parallel connections on a host '
             'whose QEMU is older than 10.1', 'upgrade QEMU on that host, '
             'or set [libvirt] live_migration_parallel_connections = 1'),
    CodeInfo('RDY408', W, 'the compute API is too old for a kind of '
             'migration', 'upgrade Nova, or use a kind the API offers'),
    CodeInfo('RDY409', W, 'a service a migration calls is not in the '
             'catalog or did not answer', 'check the endpoint named in '
             'the message (openstack endpoint list)'),
    CodeInfo('RDY410', I, 'the compute API\'s microversion range',
             'nothing to do'),
)

register_codes(*CODES)
