"""Telling which input form a settings file is, without guessing silently.

Each form declares the marks that identify it (:data:`MARKS`): exact keys
and key prefixes for the Ansible variable files (kolla-ansible
``globals.yml``, openstack-ansible ``user_variables.yml``), value paths for
the openstack-helm charts, ``kind: OpenStackDeployment`` for MOSK.  A YAML
file is scored against every form; the best one wins only when it is
clearly ahead, otherwise the error lists the candidates with the keys that
matched and asks for ``--format``.  ini files are nova.conf or a kolla
override; which one, and whether it is shared by every compute or belongs
to one host, comes from kolla's directory layout (:func:`kolla_layout`).
"""

import dataclasses
import pathlib
import re

from osmigcfg import exceptions
from osmigcfg.config import model
from osmigcfg.config import yamldoc

_TLS_KEYS = {layer: {f.name for f in model.tls_fields(layer)}
             for layer in (model.LIBVIRTD, model.QEMU)}


@dataclasses.dataclass(frozen=True)
class Marks:
    """What identifies one form: exact keys, key prefixes, dotted paths."""

    keys: frozenset = frozenset()
    prefixes: tuple = ()
    paths: tuple = ()


# kolla-ansible: ansible/group_vars/all/*.yml, etc/kolla/globals.yml and
# roles/nova-cell/defaults/main.yml name these variables; openstack-ansible:
# os_nova defaults/main.yml and etc/openstack_deploy/user_variables*.yml.
# A key named by both tools (nova_* in general, openstack_release) marks
# neither.
MARKS = {
    'kolla-globals': Marks(
        keys=frozenset({
            'network_interface', 'api_interface', 'neutron_external_interface',
            'migration_interface', 'migration_hostname', 'libvirt_tls',
            'libvirt_enable_sasl', 'libvirt_tls_manage_certs',
            'nova_compute_virt_type', 'nova_libvirt_port', 'nova_backend',
            'nova_console', 'nova_libvirt_extra_volumes',
            'nova_libvirt_logging_debug', 'workaround_ansible_issue_8743',
            'docker_registry', 'openstack_region_name',
            'openstack_logging_debug', 'openstack_cacert',
            'node_custom_config', 'neutron_plugin_agent',
            'nova_backend_ceph', 'nova_safety_upgrade', 'openstack_tag',
            'openstack_tag_suffix'}),
        prefixes=('kolla_', 'enable_')),
    'osa': Marks(
        keys=frozenset({
            'nova_virt_type', 'nova_nova_conf_overrides', 'qemu_conf_dict',
            'nova_qemu_ssl_dir', 'nova_libvirt_live_migration_inbound_addr',
            'nova_management_address', 'nova_console_type', 'install_method',
            'neutron_plugin_type', 'neutron_plugin_base',
            'nova_policy_overrides', 'nova_compute_init_overrides',
            # the stock user_variables.yml sets these
            'glance_default_store', 'glance_notification_driver',
            'glance_swift_store_endpoint_type', 'ssl_protocol',
            'ssl_cipher_suite', 'apt_pinned_packages',
            'global_environment_variables', 'horizon_available_regions'}),
        prefixes=('nova_libvirtd_', 'openstack_host_', 'openstack_service_',
                  'openstack_domain', 'lxc_', 'galera_')),
    # an OpenStackDeployment fragment without its kind (Rockoon's
    # admission/validators/schemas/osdpl.yaml)
    'mosk': Marks(paths=(
        'spec.features.nova', 'spec.features.neutron',
        'spec.openstack_version', 'spec.preset', 'spec.nodes',
        'spec.services.compute')),
    # openstack-helm nova/values.yaml (conf.nova, conf.libvirt
    # .live_migration_interface ...) and libvirt/values.yaml (conf.qemu,
    # conf.dynamic_options, conf.libvirt.<libvirtd.conf key>)
    'helm': Marks(paths=(
        'conf.nova', 'conf.libvirt.live_migration_interface',
        'conf.libvirt.live_migration_network_cidr',
        'conf.libvirt.address_search_enabled', 'conf.hypervisor',
        'conf.nova_compute_redactions', 'conf.api_paste', 'conf.rootwrap',
        'conf.nova_ironic', 'conf.ssh', 'conf.policy')),
    'helm-libvirt': Marks(paths=(
        'conf.qemu', 'conf.dynamic_options', 'conf.libvirt.listen_tls',
        'conf.libvirt.listen_tcp', 'conf.libvirt.auth_tcp',
        'conf.libvirt.auth_tls', 'conf.libvirt.listen_addr',
        'conf.libvirt.ca_file', 'conf.libvirt.cert_file',
        'conf.libvirt.key_file', 'conf.libvirt.tls_port',
        'conf.libvirt.tcp_port', 'conf.libvirt.log_outputs')),
}
YAML_FORMS = ('mosk', 'helm', 'helm-libvirt', 'kolla-globals', 'osa')
_SECTION = re.compile(r'^\[[^\]\n]+\]\s*$')
_LIBVIRT_KEY = re.compile(r'^([A-Za-z_]\w*)\s*=')
_KOLLA_SERVICE = re.compile(r'^nova(-[a-z0-9-]+)?$')


@dataclasses.dataclass(frozen=True)
class Detection:
    """The detected form, whether the file is shared, and why."""

    form: str
    reason: str
    shared: bool | None = None   # ini files: from kolla's layout


def _first_line(text):
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(('#', ';')):
            return stripped
    return ''


def _paths(doc, prefix='', depth=0):
    """Every dotted key path of a YAML mapping (three levels deep)."""
    for key, value in doc.items():
        path = f'{prefix}{key}'
        yield path
        if isinstance(value, dict) and depth < 2:
            yield from _paths(value, path + '.', depth + 1)


def _score(marks, doc, paths):
    exact = {k for k in doc if isinstance(k, str)}
    claimed = set().union(*(m.keys for m in MARKS.values()))
    hits = sorted(exact & marks.keys)
    if marks.prefixes:
        hits += sorted(k for k in exact - claimed
                       if k.startswith(marks.prefixes))
    hits += [p for p in marks.paths if p in paths]
    return hits


def _yaml_scores(doc):
    if doc.get('kind') == 'OpenStackDeployment':
        return {'mosk': ['kind: OpenStackDeployment']}
    paths = set(_paths(doc))
    scores = {form: _score(marks, doc, paths)
              for form, marks in MARKS.items()}
    return {form: hits for form, hits in scores.items() if hits}


def _ask_for_format(path, why, candidates):
    listed = '; '.join(f'{form} ({", ".join(hits[:4])})'
                       for form, hits in candidates)
    raise exceptions.ConfigFileError(
        path, None, f'{why}: {listed}' if listed else why,
        hint='pass --format (one of ' + ', '.join(
            ('nova-conf', 'kolla', 'libvirtd', 'qemu') + YAML_FORMS) + ')')


def detect_yaml(path, doc):
    """The form of a YAML document, or ConfigFileError naming candidates."""
    if not isinstance(doc, dict):
        _ask_for_format(path, 'cannot tell which format this file is '
                              '(not a mapping)', [])
    ranked = sorted(_yaml_scores(doc).items(),
                    key=lambda item: (-len(item[1]), item[0]))
    if not ranked:
        _ask_for_format(path, 'cannot tell which format this file is: no '
                              'key of a known deploy tool', [])
    best, hits = ranked[0]
    if len(ranked) > 1 and len(hits) < 2 * len(ranked[1][1]):
        _ask_for_format(path, 'ambiguous format, it could be', ranked[:3])
    return Detection(best, f'{best} (by {", ".join(hits[:4])})')


def _under_kolla(path):
    """A directory named kolla (``/etc/kolla``) holds the file."""
    return any(p.lower() == 'kolla'
               for p in pathlib.PurePath(str(path)).parts[:-1])


def kolla_layout(path):
    """Where a kolla ini file sits: ``(True|False, why)`` or None.

    ``True`` for the overrides every compute reads (``<config>/nova.conf``,
    ``global.conf``, ``nova/<service>.conf``), ``False`` for the per-host
    override ``<config>/nova/<host>/*.conf`` and for the files kolla
    generates on each node (``/etc/kolla/<service>/nova.conf``).
    """
    parts = pathlib.PurePath(str(path)).parts
    if not _under_kolla(path):
        return None
    name, parent = parts[-1], parts[-2] if len(parts) > 1 else ''
    above = parts[-3] if len(parts) > 2 else ''
    if _KOLLA_SERVICE.match(parent) and name == 'nova.conf' \
            and above.lower() == 'kolla':
        return False, f'generated by kolla for one node ({parent})'
    if parent == 'nova' and _KOLLA_SERVICE.match(pathlib.Path(name).stem):
        return True, 'kolla override for every compute'
    if above == 'nova' and name.endswith('.conf'):
        return False, f'kolla per-host override (host {parent})'
    if name in ('nova.conf', 'global.conf') and (
            parent == 'config' or parent.lower() == 'kolla'):
        return True, 'kolla override for every compute'
    return None


def detect_ini(path, text):
    """nova.conf or a kolla override (shared or per host)."""
    if not _under_kolla(path):
        return Detection('nova-conf', 'nova-conf ([section] lines)', False)
    layout = kolla_layout(path)
    if layout is None:
        _ask_for_format(
            path, 'an ini file under a kolla directory, but not at a place '
                  'kolla reads: cannot tell whether every compute or one '
                  'host reads it', [('kolla', ['every compute']),
                                    ('nova-conf', ['one host'])])
    shared, why = layout
    return Detection('kolla', f'kolla ({why})', shared)


def _libvirt_layer(path, text):
    name = pathlib.PurePath(str(path)).name.lower()
    if 'libvirtd' in name:
        return 'libvirtd', 'libvirtd (file name)'
    if 'qemu' in name:
        return 'qemu', 'qemu (file name)'
    keys = {m.group(1) for m in map(_LIBVIRT_KEY.match, map(
        str.strip, text.splitlines())) if m}
    found = [(layer, sorted(keys & _TLS_KEYS[layer]))
             for layer in (model.QEMU, model.LIBVIRTD)]
    found = [(layer, hits) for layer, hits in found if hits]
    if len(found) == 1:
        layer, hits = found[0]
        return layer, f'{layer} (by {", ".join(hits[:4])})'
    _ask_for_format(path, 'cannot tell libvirtd.conf from qemu.conf' if found
                    else 'no libvirtd.conf or qemu.conf key', found)


def detect(path, text):
    """Detect the form of ``text`` read from ``path``; a :class:`Detection`.

    Raises:
        ConfigFileError: the form is unknown or ambiguous (the message
        lists the candidates; the hint asks for ``--format``).
    """
    first = _first_line(text)
    name = pathlib.PurePath(str(path)).name.lower()
    if _SECTION.match(first) or (name.startswith('nova')
                                 and name.endswith('.conf')):
        return detect_ini(path, text)
    if _LIBVIRT_KEY.match(first) or (
            not first and str(path).lower().endswith('.conf')):
        form, why = _libvirt_layer(path, text)
        return Detection(form, why)
    return detect_yaml(path, yamldoc.load(text, str(path)))
