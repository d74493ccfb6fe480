"""Reading deploy-tool forms back into nova.conf / libvirtd / qemu entries.

Each tool decides some settings itself and lets the operator override
others; the readers here add the tool's own decisions as *implied* entries
(pointing at the switch that implies them), then the operator's overrides.
What each tool does (verified in their sources, see doc/source/user/config-reference.md):

* MOSK ``OpenStackDeployment``: ``spec.features.nova.libvirt.tls.enabled``
  turns on native TLS, scheme tls, libvirtd's TLS listener and QEMU's cert
  dir; without it libvirtd keeps the chart's plain TCP listener with
  ``auth_tcp = "none"``.  Auto-converge is always on.  Raw overrides live in
  ``spec.services.compute.{nova,libvirt}.values.conf``.
* openstack-helm: nova chart ``conf.nova.<group>``, libvirt chart
  ``conf.libvirt`` / ``conf.qemu`` (chart defaults: plain TCP, no auth).
* kolla-ansible globals: ``libvirt_tls`` moves libvirtd to TLS and sets
  scheme tls but never native TLS; qemu.conf gets no TLS keys.
* openstack-ansible: ``nova_libvirtd_listen_tls`` (default 1) renders native
  TLS and scheme tls; otherwise a deprecated ssh URI and tunnelling.
  os_nova's qemu.conf.j2 writes its TLS keys before ``qemu_conf_dict``, and
  libvirt reads the first occurrence of a key, so the dict cannot change
  them.
* MOSK with Tungsten Fabric turns ``live_migration_wait_for_vif_plug`` off.

Ansible ``host_vars/<host>`` files (kolla, openstack-ansible) are per host:
an inbound address there is not shared by every compute.
"""

import pathlib

from osmigcfg import exceptions
from osmigcfg.config import model
from osmigcfg.config import yamldoc
from osmigcfg.config.entries import Source

NOVA, LIBVIRTD, QEMU = model.NOVA, model.LIBVIRTD, model.QEMU
QEMU_CERT_DIR = '/etc/pki/qemu'
OSA_SSH_URI = ('qemu+ssh://nova@%s/system?no_verify=1'
               '&keyfile=/var/lib/nova/.ssh/id_rsa')
_TRUTHY = {'yes', 'true', 'on', '1', 'y'}


def _mapping(value, path, line, what):
    if value is None:
        return yamldoc.LineDict()
    if not isinstance(value, dict):
        raise exceptions.ConfigFileError(
            path, line, f'{what} must be a mapping, not '
                        f'{type(value).__name__}')
    return value


def _flag(value, path, line, what, ansible=False):
    """A tool switch: YAML true/false (or Ansible's ``| bool`` strings)."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if ansible and isinstance(value, (str, int)):
        return str(value).strip().lower() in _TRUTHY
    raise exceptions.ConfigFileError(
        path, line, f'{what} must be true or false, not {value!r}')


def _add_nova_groups(source, groups, prefix):
    """``{group: {option: value}}`` overrides, e.g. helm ``conf.nova``."""
    for group, options in groups.items():
        options = _mapping(options, source.path, groups.line_of(group),
                           f'{prefix}.{group}')
        for key, value in options.items():
            if value is not None:
                section = group if group == 'DEFAULT' else str(group).lower()
                source.add(NOVA, section, str(key), value,
                           options.line_of(key))


def _add_flat(source, layer, mapping):
    for key, value in mapping.items():
        if value is not None:
            source.add(layer, None, str(key), value, mapping.line_of(key))


def _root(text, path):
    doc = yamldoc.load(text, path)
    return _mapping(doc, path, 1, 'the document')


def per_host_file(path):
    """An Ansible ``host_vars/<host>[.yml]`` file: read by one host only."""
    parts = pathlib.PurePath(str(path)).parts
    return 'host_vars' in parts[:-1]


def _set_fact(source, name, mapping, key):
    if isinstance(mapping, dict) and mapping.get(key) is not None:
        source.facts[name] = (str(mapping[key]), mapping.line_of(key))


def read_mosk(text, path):
    """An OpenStackDeployment (or a fragment with ``spec:``)."""
    doc = _root(text, path)
    if 'spec' not in doc:
        raise exceptions.ConfigFileError(
            path, doc.line, 'no spec: this is not an OpenStackDeployment')
    source = Source(path, 'mosk', layers={NOVA, LIBVIRTD, QEMU}, shared=True)
    spec = _mapping(doc['spec'], path, doc.line_of('spec'), 'spec')
    nova, nova_line = yamldoc.dig(spec, 'features', 'nova')
    nova = _mapping(nova, path, nova_line, 'spec.features.nova')
    _set_fact(source, 'migration_interface', nova, 'live_migration_interface')
    tls, line = yamldoc.dig(nova, 'libvirt', 'tls', 'enabled')
    tls = _flag(tls, path, line, 'spec.features.nova.libvirt.tls.enabled')
    origin = 'spec.features.nova.libvirt.tls.enabled'
    line = line or nova_line
    source.add(NOVA, 'libvirt', 'live_migration_permit_auto_converge', True,
               nova_line, 'MOSK always sets it', implied=True)
    if tls:
        _imply_native_tls(source, line, origin)
    else:
        _imply_chart_plain_tcp(source, line, f'{origin} (false)')
    _imply_neutron_backend(source, spec)
    for label, node in _mapping(spec.get('nodes'), path,
                                spec.line_of('nodes'), 'spec.nodes').items():
        iface, iface_line = yamldoc.dig(
            node, 'features', 'nova', 'live_migration_interface')
        if iface is not None:
            source.facts.setdefault('node_interfaces', {})[str(label)] = (
                str(iface), iface_line)
    _read_mosk_values(source, spec)
    return source


def _imply_neutron_backend(source, spec):
    """Tungsten Fabric: Rockoon's compute template turns vif-plug waits off.

    rockoon/templates/services/compute.yaml: with neutron_backend
    tungstenfabric, ``[compute] live_migration_wait_for_vif_plug: false``.
    """
    backend, line = yamldoc.dig(spec, 'features', 'neutron', 'backend')
    if backend == 'tungstenfabric':
        source.add(NOVA, 'compute', 'live_migration_wait_for_vif_plug',
                   False, line, 'spec.features.neutron.backend: '
                   'tungstenfabric', implied=True)


def _imply_native_tls(source, line, origin):
    for layer, section, key, value in (
            (NOVA, 'libvirt', 'live_migration_scheme', 'tls'),
            (NOVA, 'libvirt', 'live_migration_with_native_tls', True),
            (LIBVIRTD, None, 'listen_tls', 1),
            (LIBVIRTD, None, 'listen_tcp', 0),
            (QEMU, None, 'default_tls_x509_cert_dir', QEMU_CERT_DIR),
            (QEMU, None, 'default_tls_x509_verify', 1)):
        source.add(layer, section, key, value, line, origin, implied=True)


def _imply_chart_plain_tcp(source, line, origin):
    """openstack-helm libvirt chart defaults (also MOSK without TLS)."""
    for key, value in (('listen_tcp', 1), ('listen_tls', 0),
                       ('auth_tcp', 'none')):
        source.add(LIBVIRTD, None, key, value, line, origin, implied=True)


def _read_mosk_values(source, spec):
    path = source.path
    for chart in ('nova', 'libvirt'):
        conf, line = yamldoc.dig(spec, 'services', 'compute', chart,
                                 'values', 'conf')
        conf = _mapping(conf, path, line,
                        f'spec.services.compute.{chart}.values.conf')
        _read_chart_conf(source, conf, chart)


def _read_chart_conf(source, conf, chart):
    path = source.path
    if chart == 'nova':
        groups = _mapping(conf.get('nova'), path, conf.line_of('nova'),
                          'conf.nova')
        _add_nova_groups(source, groups, 'conf.nova')
        return
    for key, layer in (('libvirt', LIBVIRTD), ('qemu', QEMU)):
        _add_flat(source, layer, _mapping(
            conf.get(key), path, conf.line_of(key), f'conf.{key}'))


def read_helm(text, path):
    """openstack-helm nova chart values."""
    doc = _root(text, path)
    source = Source(path, 'helm', layers={NOVA}, shared=True)
    conf = _mapping(doc.get('conf'), path, doc.line_of('conf'), 'conf')
    libvirt = _mapping(conf.get('libvirt'), path, conf.line_of('libvirt'),
                       'conf.libvirt')
    _set_fact(source, 'migration_interface', libvirt,
              'live_migration_interface')
    _set_fact(source, 'migration_network', libvirt,
              'live_migration_network_cidr')
    _read_chart_conf(source, conf, 'nova')
    return source


def read_helm_libvirt(text, path):
    """openstack-helm libvirt chart values (libvirtd.conf and qemu.conf)."""
    doc = _root(text, path)
    source = Source(path, 'helm-libvirt', layers={LIBVIRTD, QEMU},
                    shared=True)
    conf = _mapping(doc.get('conf'), path, doc.line_of('conf'), 'conf')
    _imply_chart_plain_tcp(source, None, 'libvirt chart default')
    _read_chart_conf(source, conf, 'libvirt')
    return source


def read_kolla_globals(text, path):
    """kolla-ansible ``globals.yml`` (the nova.conf override is an ini).

    A ``host_vars`` file adds to globals.yml: it implies kolla's defaults
    only for the switches it names.
    """
    doc = _root(text, path)
    whole = not per_host_file(path) or 'libvirt_tls' in doc
    source = Source(path, 'kolla-globals',
                    layers={NOVA, LIBVIRTD, QEMU} if whole else set(),
                    shared=not per_host_file(path))
    _set_fact(source, 'migration_interface', doc, 'migration_interface')
    line = doc.line_of('libvirt_tls') if 'libvirt_tls' in doc else None
    tls = _flag(doc.get('libvirt_tls'), path, line, 'libvirt_tls',
                ansible=True)
    if whole:
        _kolla_switch(source, doc, tls, line)
    _kolla_port_and_host(source, doc, tls)
    return source


def _kolla_switch(source, doc, tls, line):
    """What roles/nova-cell/templates/libvirtd.conf.j2 does with the switch."""
    sasl = _flag(doc.get('libvirt_enable_sasl', True), source.path,
                 doc.line_of('libvirt_enable_sasl'), 'libvirt_enable_sasl',
                 ansible=True)
    auth = 'sasl' if sasl else 'none'
    origin = f'libvirt_tls: {"yes" if tls else "no"}'
    if tls:
        implied = ((NOVA, 'libvirt', 'live_migration_scheme', 'tls'),
                   (LIBVIRTD, None, 'listen_tls', 1),
                   (LIBVIRTD, None, 'listen_tcp', 0),
                   (LIBVIRTD, None, 'auth_tls', auth))
    else:
        implied = ((LIBVIRTD, None, 'listen_tcp', 1),
                   (LIBVIRTD, None, 'listen_tls', 0),
                   (LIBVIRTD, None, 'auth_tcp', auth))
    for layer, section, key, value in implied:
        source.add(layer, section, key, value, line, origin, implied=True)


def _kolla_port_and_host(source, doc, tls):
    """nova_libvirt_port and (with TLS) migration_hostname, as written.

    roles/nova-cell/templates/libvirtd.conf.j2 writes the port as tls_port
    or tcp_port; nova.conf.d/libvirt.conf.j2 sets live_migration_inbound_addr
    to migration_hostname when libvirt_tls is on.
    """
    port = doc.get('nova_libvirt_port')
    if port is not None and '{{' not in str(port):
        source.add(LIBVIRTD, None, 'tls_port' if tls else 'tcp_port',
                   str(port), doc.line_of('nova_libvirt_port'),
                   'nova_libvirt_port')
    name = doc.get('migration_hostname')
    if tls and name is not None and '{{' not in str(name):
        source.add(NOVA, 'libvirt', 'live_migration_inbound_addr', name,
                   doc.line_of('migration_hostname'), 'migration_hostname')


def _osa_int(doc, key, default, path):
    value = doc.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise exceptions.ConfigFileError(
            path, doc.line_of(key), f'{key} must be the number 0 or 1, not '
                                    f'{value!r}',
            hint='os_nova compares it with the number 1: a string such as '
                 '"1" leaves TLS off')
    return value


def _osa_switch(source, doc, tls):
    """What os_nova's templates do with nova_libvirtd_listen_tls."""
    line = doc.lines.get('nova_libvirtd_listen_tls')
    origin = f'nova_libvirtd_listen_tls: {int(tls)}'
    if tls:
        cert_dir = doc.get('nova_qemu_ssl_dir', QEMU_CERT_DIR)
        implied = ((NOVA, 'libvirt', 'live_migration_with_native_tls', True),
                   (NOVA, 'libvirt', 'live_migration_scheme', 'tls'),
                   (QEMU, None, 'default_tls_x509_cert_dir', cert_dir),
                   (QEMU, None, 'default_tls_x509_verify', 1))
    else:
        implied = ((NOVA, 'libvirt', 'live_migration_uri', OSA_SSH_URI),
                   (NOVA, 'libvirt', 'live_migration_tunnelled', True))
    implied += ((LIBVIRTD, None, 'listen_tls', int(tls)),)
    for layer, section, key, value in implied:
        source.add(layer, section, key, value, line, origin, implied=True)


def _osa_qemu_dict(source, doc):
    qemu = _mapping(doc.get('qemu_conf_dict'), source.path,
                    doc.line_of('qemu_conf_dict'), 'qemu_conf_dict')
    for key, value in qemu.items():
        # os_nova writes these verbatim: a string value carries its quotes
        if isinstance(value, str) and len(value) > 1 and value[0] == '"' \
                and value[-1] == '"':
            value = value[1:-1]
        if value is not None:
            source.add(QEMU, None, str(key), value, qemu.line_of(key))


def read_osa(text, path):
    """openstack-ansible ``user_variables.yml`` for the os_nova role."""
    doc = _root(text, path)
    # os_nova's qemu.conf.j2 writes its own TLS keys before qemu_conf_dict
    # host_vars add to user_variables.yml: os_nova's defaults come from
    # there, so a per-host file implies nothing it does not name
    whole = not per_host_file(path) or 'nova_libvirtd_listen_tls' in doc
    source = Source(path, 'osa', layers={NOVA, LIBVIRTD, QEMU} if whole
                    else set(), shared=not per_host_file(path),
                    first_wins=frozenset({QEMU}))
    if whole:
        _osa_switch(source, doc,
                    _osa_int(doc, 'nova_libvirtd_listen_tls', 1, path) == 1)
    for key, var, default in (
            ('listen_tcp', 'nova_libvirtd_listen_tcp', 0),
            ('auth_tcp', 'nova_libvirtd_auth_tcp', 'sasl')):
        if whole or var in doc:
            source.add(LIBVIRTD, None, key, doc.get(var, default),
                       doc.lines.get(var), var, implied=var not in doc)
    addr = doc.get('nova_libvirt_live_migration_inbound_addr')
    if addr is not None and '{{' not in str(addr):
        source.add(NOVA, 'libvirt', 'live_migration_inbound_addr', addr,
                   doc.line_of('nova_libvirt_live_migration_inbound_addr'))
    _add_nova_groups(source, _mapping(
        doc.get('nova_nova_conf_overrides'), path,
        doc.line_of('nova_nova_conf_overrides'), 'nova_nova_conf_overrides'),
        'nova_nova_conf_overrides')
    _osa_qemu_dict(source, doc)
    return source


READERS = {
    'mosk': read_mosk,
    'helm': read_helm,
    'helm-libvirt': read_helm_libvirt,
    'kolla-globals': read_kolla_globals,
    'osa': read_osa,
}


def read(fmt, text, path):
    """Read one deploy-tool form (a key of READERS) into a Source."""
    return READERS[fmt](text, str(path))
