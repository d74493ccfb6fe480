#!/usr/bin/python
# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r'''
module: config_render
short_description: Render live-migration settings to a file
description:
  - Renders a live-migration settings profile for nova.conf, libvirt, QEMU
    or a deploy tool, as C(osmigcfg config render) does, and writes it
    atomically; the file changes only when its content differs.
version_added: 0.1.0
author: osmigcfg developers (@osmigcfg)
requirements:
  - osmigcfg (on the host the module runs on)
options:
  dest:
    description: The file to write.
    type: path
    required: true
  profile:
    description: A shipped settings profile or a profile YAML file.
    type: str
    default: secure
  format:
    description: Output form (nova-conf, libvirtd, qemu, mosk, helm,
      helm-libvirt, kolla, osa...).
    type: str
    default: nova-conf
  inventory:
    description: Host inventory (migration NIC, per-host exceptions).
    type: path
  host:
    description: Render for this inventory host.
    type: str
  interface:
    description: The migration NIC (MOSK, helm, kolla).
    type: str
extends_documentation_fragment:
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    description: Nothing is written; C(changed) says whether it would be.
  diff_mode:
    support: full
    description: The old and the new content.
'''

EXAMPLES = r'''
- name: Live-migration settings for kolla-ansible's nova.conf overrides
  osmigcfg.migration.config_render:
    profile: secure
    format: nova-conf
    dest: /etc/kolla/config/nova/nova-compute.conf
'''

RETURN = r'''
dest:
  description: The file written (or that would be).
  returned: always
  type: str
content:
  description: The rendered text.
  returned: always
  type: str
'''

from ansible_collections.osmigcfg.migration.plugins.module_utils import (  # noqa: E402,E501
    common)


def render_text(module):
    from osmigcfg import config
    params = module.params
    if params['format'] not in config.FORMATS:
        module.fail_json(msg=f"format {params['format']!r}: one of "
                             f"{', '.join(config.FORMATS)}")
    settings = config.load_profile(params['profile'])
    if params['interface']:
        settings = settings.replace(migration_interface=params['interface'])
    inventory = (config.load_inventory(params['inventory'])
                 if params['inventory'] else None)
    return config.render_config(settings, params['format'],
                                inventory=inventory, host=params['host'])


def main():
    common.render(dict(
        dest=dict(type='path', required=True),
        profile=dict(type='str', default='secure'),
        format=dict(type='str', default='nova-conf'),
        inventory=dict(type='path'),
        host=dict(type='str'),
        interface=dict(type='str'),
    ), render_text)


if __name__ == '__main__':
    main()
