#!/usr/bin/python
# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r'''
module: policy_render
short_description: Render a Nova migration policy profile to a file
description:
  - Renders one of osmigcfg's policy profiles (plus overrides) for a Nova
    release, as C(osmigcfg policy render) does, and writes it atomically.
  - The file changes only when its content differs; check mode and diff
    mode are supported.
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
    description: A shipped profile (upstream, mosk-24.3, admin-only,
      manager, ...).
    type: str
    required: true
  release:
    description: Nova major release (29..34); default 34.
    type: int
  overrides:
    description: Rule to check-string pairs laid over the profile.
    type: dict
  format:
    description: Output form.
    type: str
    default: policy-yaml
    choices: [policy-yaml, mosk, helm, kolla, osa]
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
- name: Nova policy for kolla-ansible
  osmigcfg.migration.policy_render:
    profile: mosk-24.3
    release: 34
    dest: /etc/kolla/config/nova/policy.yaml
    mode: "0644"

- name: Admins only, with one override
  osmigcfg.migration.policy_render:
    profile: admin-only
    overrides:
      "os_compute_api:os-migrate-server:migrate": "rule:project_manager_api"
    dest: /tmp/policy.yaml
'''

RETURN = r'''
dest:
  description: The file written (or that would be).
  returned: always
  type: str
  sample: /etc/kolla/config/nova/policy.yaml
content:
  description: The rendered text.
  returned: always
  type: str
'''

from ansible_collections.osmigcfg.migration.plugins.module_utils import (  # noqa: E402,E501
    common)


def render_text(module):
    from osmigcfg import policy
    params = module.params
    overrides = params['overrides']
    if overrides is not None:
        overrides = {str(k): str(v) for k, v in overrides.items()}
    return policy.render_policy(params['profile'], params['release'],
                                overrides=overrides, fmt=params['format'])


def main():
    common.render(dict(
        dest=dict(type='path', required=True),
        profile=dict(type='str', required=True),
        release=dict(type='int'),
        overrides=dict(type='dict'),
        format=dict(type='str', default='policy-yaml',
                    choices=['policy-yaml', 'mosk', 'helm', 'kolla', 'osa']),
    ), render_text)


if __name__ == '__main__':
    main()
