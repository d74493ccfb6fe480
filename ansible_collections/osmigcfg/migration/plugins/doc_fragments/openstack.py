# Copyright: osmigcfg developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations


class ModuleDocFragment:
    """The connection options, named as the openstack.cloud modules name
    them."""

    DOCUMENTATION = r'''
options:
  cloud:
    description:
      - A clouds.yaml entry, or a dict with a whole cloud configuration
        (as openstack.cloud modules take it).
    type: raw
  auth:
    description:
      - Auth parameters (auth_url, username, password, project_name...).
    type: dict
  auth_type:
    description: The keystoneauth plugin (password, token,
      v3applicationcredential...).
    type: str
  region_name:
    description: Region of the cloud.
    type: str
  validate_certs:
    description: Verify TLS certificates.
    type: bool
    aliases: [verify]
  ca_cert:
    description: CA bundle to verify the endpoints with.
    type: str
    aliases: [cacert]
  client_cert:
    description: Client certificate.
    type: str
    aliases: [cert]
  client_key:
    description: Client certificate key.
    type: str
    aliases: [key]
  api_timeout:
    description: Seconds each API request may take.
    type: int
  interface:
    description: Endpoint interface.
    type: str
    default: public
    choices: [public, internal, admin]
    aliases: [endpoint_type]
requirements:
  - openstacksdk
'''
