#!/usr/bin/python
# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r'''
module: config_validate
short_description: Validate live-migration settings files
description:
  - Validates nova.conf, libvirtd.conf, qemu.conf or deploy-tool files
    (applied in order), as C(osmigcfg config validate) does; the findings
    come back as data and the module fails when one reaches I(fail_on).
  - It only reads files; C(changed) is always false.
version_added: 0.1.0
author: osmigcfg developers (@osmigcfg)
requirements:
  - osmigcfg (on the host the module runs on)
options:
  files:
    description: Files applied in order (later ones override earlier).
    type: list
    elements: path
    required: true
  input_format:
    description: Input form of every file; default detect.
    type: str
    default: auto
  qemu_version:
    description: QEMU version on the computes (X.Y).
    type: str
extends_documentation_fragment:
  - osmigcfg.migration.findings
  - osmigcfg.migration.findings.fail_on
'''

EXAMPLES = r'''
- name: Live-migration settings are sound
  osmigcfg.migration.config_validate:
    files:
      - /etc/kolla/config/nova/nova-compute.conf
    fail_on: warning
'''

RETURN = r'''
findings:
  description: Every finding, worst first (code, severity, location...).
  returned: always
  type: list
  elements: dict
failed_findings:
  description: The findings at or above I(fail_on).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.osmigcfg.migration.plugins.module_utils import (  # noqa: E402,E501
    common)


def qemu_version(module):
    """``qemu_version`` as (major, minor), or None when not given."""
    given = module.params['qemu_version']
    if not given:
        return None
    try:
        version = tuple(int(p) for p in given.split('.')[:2])
    except ValueError:
        version = ()
    if len(version) != 2:
        module.fail_json(msg=f'qemu_version {given!r} is not a version such '
                             'as 10.1')
    return version


def check(module):
    from osmigcfg import config
    params = module.params
    return config.validate_config(params['files'], params['input_format'],
                                  qemu_version=qemu_version(module)), {}


def main():
    common.validate(dict(
        files=dict(type='list', elements='path', required=True),
        input_format=dict(type='str', default='auto'),
        qemu_version=dict(type='str'),
        fail_on=common.fail_on_spec(),
    ), check)


if __name__ == '__main__':
    main()
