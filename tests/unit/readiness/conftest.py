"""A deployment written as files: nova.conf, neutron.conf, cinder.conf and
the service users' role assignments, clean unless a test breaks one."""

import textwrap

import pytest

AUTH = """\
auth_type = password
auth_url = http://keystone.example:5000/v3
username = {user}
password = not-a-real-secret
project_name = service
user_domain_name = Default
project_domain_name = Default
"""

NOVA_CONF = """\
[DEFAULT]
vif_plugging_timeout = 300
vif_plugging_is_fatal = true

[libvirt]
live_migration_scheme = tls
live_migration_with_native_tls = true

[neutron]
{auth_nova}
[placement]
{auth_nova}
[cinder]
{auth_nova}
[service_user]
send_service_user_token = {send}
{auth_nova}"""

NEUTRON_CONF = "[nova]\n" + AUTH.format(user='neutron')

CINDER_CONF = """\
[keystone_authtoken]
service_token_roles_required = true
service_token_roles = service
"""

ROLES = {'nova': ['service'], 'neutron': ['service', 'admin']}


@pytest.fixture
def deployment(write):
    """``deployment(send='true', roles=ROLES, nova_conf=None, ...)``: write
    the files (a text given replaces the clean one) and return a dict of
    ``readiness.Inputs`` keyword arguments."""
    def _write(send='true', roles=None, nova_conf=None, neutron_conf=None,
               cinder_conf=None, roles_text=None):
        nova = nova_conf if nova_conf is not None else NOVA_CONF.format(
            auth_nova=AUTH.format(user='nova'), send=send)
        assignments = roles if roles is not None else ROLES
        if roles_text is None:
            roles_text = ''.join(f'{u}: [{", ".join(r)}]\n'
                                 for u, r in assignments.items())
        return {
            'nova_conf': str(write('etc/nova/nova.conf', nova)),
            'neutron_conf': str(write('etc/neutron/neutron.conf',
                                      neutron_conf or NEUTRON_CONF)),
            'cinder_conf': str(write('etc/cinder/cinder.conf',
                                     cinder_conf or CINDER_CONF)),
            'role_assignments': str(write('roles.yaml',
                                          textwrap.dedent(roles_text))),
        }
    return _write
