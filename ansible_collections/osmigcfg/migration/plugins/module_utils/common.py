# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""What every osmigcfg module shares: the library import guard, the
connection arguments (as the openstack.cloud modules take them), the policy
source arguments and findings as data."""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.basic import missing_required_lib

try:
    from osmigcfg import exceptions as osmigcfg_exceptions
    HAS_OSMIGCFG = True
    OSMIGCFG_IMPORT_ERROR = None
    OsmigcfgError = osmigcfg_exceptions.OsmigcfgError
except ImportError:
    HAS_OSMIGCFG = False
    OSMIGCFG_IMPORT_ERROR = traceback.format_exc()

    class OsmigcfgError(Exception):
        """Stands in while osmigcfg is missing (the module fails first)."""


def require_osmigcfg(module):
    """Fail the module with the usual message when osmigcfg is missing."""
    if not HAS_OSMIGCFG:
        module.fail_json(msg=missing_required_lib('osmigcfg'),
                         exception=OSMIGCFG_IMPORT_ERROR)


def start(argument_spec, **kwargs):
    """The AnsibleModule (check mode supported), failed when osmigcfg is
    missing."""
    module = AnsibleModule(argument_spec=argument_spec,
                           supports_check_mode=True, **kwargs)
    require_osmigcfg(module)
    return module


def library_call(module, func, *args, **kwargs):
    """``func(*args, **kwargs)``; an osmigcfg error fails the module with
    its message (never a traceback)."""
    try:
        return func(*args, **kwargs)
    except OsmigcfgError as e:
        module.fail_json(msg=str(e))


def fail_on_spec(default='error', choices=('error', 'warning', 'info')):
    """The ``fail_on`` option: the lowest severity that fails the task."""
    return dict(type='str', default=default, choices=[*choices, 'never'])


def openstack_argument_spec():
    """The connection arguments of the openstack.cloud modules."""
    return dict(
        cloud=dict(type='raw'),
        auth_type=dict(type='str'),
        auth=dict(type='dict', no_log=True),
        region_name=dict(type='str'),
        validate_certs=dict(type='bool', aliases=['verify']),
        ca_cert=dict(type='str', aliases=['cacert']),
        client_cert=dict(type='str', aliases=['cert']),
        client_key=dict(type='str', no_log=True, aliases=['key']),
        api_timeout=dict(type='int'),
        interface=dict(type='str', default='public',
                       choices=['public', 'internal', 'admin'],
                       aliases=['endpoint_type']),
    )


def policy_argument_spec():
    """Where the Nova policy comes from (as the CLI's policy arguments)."""
    return dict(
        policy_file=dict(type='path'),
        policy_dirs=dict(type='list', elements='path', default=[]),
        profile=dict(type='str'),
        release=dict(type='int'),
        enforce_new_defaults=dict(type='bool', default=True),
    )


def connect(module):
    """An openstacksdk connection from the connection arguments."""
    import openstack
    params = module.params
    cloud = params['cloud']
    kwargs = {}
    for arg, sdk_arg in (('auth_type', 'auth_type'), ('auth', 'auth'),
                         ('region_name', 'region_name'),
                         ('validate_certs', 'verify'),
                         ('ca_cert', 'cacert'), ('client_cert', 'cert'),
                         ('client_key', 'key'),
                         ('api_timeout', 'api_timeout'),
                         ('interface', 'interface')):
        if params.get(arg) is not None:
            kwargs[sdk_arg] = params[arg]
    if isinstance(cloud, dict):  # a whole cloud config, as openstack.cloud
        kwargs.update(cloud)
        cloud = None
    try:
        return openstack.connect(cloud=cloud, **kwargs)
    except Exception as e:  # openstacksdk's config errors are not one tree
        module.fail_json(msg=f'cannot connect to cloud {cloud!r}: {e}')


def findings_data(report):
    """A Report's findings as a list of dicts (code, severity, file...)."""
    return report.to_list()


def fail_at(report, level):
    """The findings at or above ``level`` (the module fails when any)."""
    return [f.to_dict() for f in report.at_least(level)]


def write_rendered(module, dest, text):
    """Write ``text`` to ``dest`` atomically when it differs.

    Returns the module result (``changed``, ``dest``, the ``diff`` with
    --diff); in check mode nothing is written.  File attributes (mode,
    owner...) are applied as the file module would.
    """
    import os
    import tempfile

    before = None
    if os.path.exists(dest):
        try:
            with open(dest, encoding='utf-8') as f:
                before = f.read()
        except (OSError, UnicodeDecodeError) as e:
            module.fail_json(msg=f'{dest}: cannot read: {e}')
    changed = before != text
    result = dict(changed=changed, dest=dest)
    if module._diff:
        result['diff'] = dict(before=before or '', after=text,
                              before_header=dest, after_header=dest)
    if changed and not module.check_mode:
        directory = os.path.dirname(os.path.abspath(dest))
        if not os.path.isdir(directory):
            module.fail_json(msg=f'{dest}: directory {directory} does not '
                                 'exist')
        fd, tmp = tempfile.mkstemp(dir=directory, prefix='.osmigcfg-')
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(text)
        module.atomic_move(tmp, dest)
    if not module.check_mode and os.path.exists(dest):
        file_args = module.load_file_common_arguments(module.params,
                                                      path=dest)
        result['changed'] = module.set_fs_attributes_if_different(
            file_args, result['changed'])
    return result


def validate(argument_spec, check, **kwargs):
    """Run a read-only check module: ``check(module)`` returns the report
    and any extra result data; exit with the findings split at
    ``fail_on``."""
    module = start(argument_spec, **kwargs)
    report, extra = library_call(module, check, module)
    exit_with_findings(module, report, module.params['fail_on'], **extra)


def render(argument_spec, render_text, **kwargs):
    """Run a render module: ``render_text(module)`` returns the text,
    written to ``dest`` when it differs (check mode and diff honoured)."""
    module = start(argument_spec, add_file_common_args=True, **kwargs)
    text = library_call(module, render_text, module)
    result = write_rendered(module, module.params['dest'], text)
    module.exit_json(content=text, **result)


def exit_with_findings(module, report, fail_on, **extra):
    """Exit (changed=false) with the findings; fail when one reaches
    ``fail_on`` (``never``: never fail)."""
    failed = [] if fail_on == 'never' else fail_at(report, fail_on)
    result = dict(changed=False, findings=findings_data(report),
                  failed_findings=failed, **extra)
    if failed:
        first = failed[0]
        module.fail_json(
            msg=f"{len(failed)} finding(s) at or above {fail_on}: "
                f"{first['code']} {first['location']}: {first['message']}",
            **result)
    module.exit_json(**result)
