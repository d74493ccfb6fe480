"""kolla-ansible's own merge_configs over osmigcfg's kolla output.

The files osmigcfg renders for kolla (globals.yml, the shared
``/etc/kolla/config/nova.conf``, a host's ``config/nova/<host>/nova.conf``
and its ``host_vars``) go through the real kolla-ansible (the ``test``
extra installs it) the way its nova-cell role uses them: ansible-playbook
with globals.yml as extra vars, kolla's ``ansible/group_vars/all`` and the
nova-cell role defaults, its ``merge_configs`` action plugin over
``nova.conf.d/libvirt.conf.j2`` and the overrides in the order of
``roles/nova-cell/tasks/config.yml``, and its ``libvirtd.conf.j2``
template.  The merged files, validated by ``config validate``, must say
what ``config convert`` predicted from the rendered files.
"""

import importlib.util
import os
import pathlib
import subprocess
import sys
import sysconfig

from osmigcfg import config
from osmigcfg.config import model
from tests.conftest import require_or_skip

INVENTORY = """\
hosts:
  cmp-001: {interface: ens4, address: 10.20.0.11}
  cmp-002: {interface: ens5, address: 10.20.0.12, inbound_addr: 10.30.0.12}
"""
HOST = 'cmp-002'
# kolla derives migration_interface_address from the NIC's address in the
# host's facts (group_vars/all/nova.yml:41, filter kolla_address); this
# host has no such NIC, so the test gives the address kolla would find,
# and the CPU architecture fact nova_libvirt_cpu_mode reads
HOST_FACTS = ('migration_interface_address: 10.20.0.12\n'
              'nova_libvirt_cpu_mode: ""\n')
ROLE_TASKS = """\
- name: Copying over nova.conf (as roles/nova-cell/tasks/config.yml:127)
  merge_configs:
    sources:
      - "{{ kolla }}/roles/nova-cell/templates/nova.conf.d/libvirt.conf.j2"
      - "{{ node_custom_config }}/global.conf"
      - "{{ node_custom_config }}/nova.conf"
      - "{{ node_custom_config }}/nova/nova-compute.conf"
      - "{{ node_custom_config }}/nova/{{ inventory_hostname }}/nova.conf"
      - "{{ node_custom_config }}/nova/{{ inventory_hostname }}/nova-compute.conf"
    dest: "{{ out }}/nova.conf"
- name: Copying over libvirt configuration (config.yml:183)
  template:
    src: "{{ kolla }}/roles/nova-cell/templates/libvirtd.conf.j2"
    dest: "{{ out }}/libvirtd.conf"
"""


def _kolla_ansible():
    """kolla-ansible's ansible/ directory, or skip when it is not there."""
    if importlib.util.find_spec('kolla_ansible') is None:
        require_or_skip('kolla-ansible is not installed (the test extra)')
    share = pathlib.Path(sysconfig.get_path('data')) / 'share' / \
        'kolla-ansible' / 'ansible'
    playbook = pathlib.Path(sys.executable).parent / 'ansible-playbook'
    if not (share / 'action_plugins' / 'merge_configs.py').exists() \
            or not playbook.exists():
        require_or_skip('kolla-ansible\'s ansible tree is not installed')
    return share, playbook


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def _render_kolla_files(root):
    """What an operator drops in place from `osmigcfg config render`."""
    settings = config.load_profile('secure')
    inventory = config.parse_inventory(INVENTORY, 'inv.yaml')
    custom = root / 'etc' / 'kolla' / 'config'

    def render(fmt, host=None):
        return config.render_config(settings, fmt, inventory=inventory,
                                    host=host)

    return {
        'globals': _write(root / 'etc' / 'kolla' / 'globals.yml',
                          render('kolla-globals')),
        'shared': _write(custom / 'nova.conf', render('kolla')),
        'host': _write(custom / 'nova' / HOST / 'nova.conf',
                       render('kolla', HOST)),
        'host_vars': _write(root / 'inventory' / 'host_vars' / HOST,
                            render('kolla-globals', HOST) + HOST_FACTS),
        'group_vars': _write(root / 'inventory' / 'group_vars' / 'all',
                             'migration_interface: ens4\n'),
    }


def _run_kolla(root, share, playbook, files):
    ansible = root / 'play'
    (ansible / 'group_vars').mkdir(parents=True)
    # kolla's playbook group_vars and role defaults, as its site.yml sees them
    (ansible / 'group_vars' / 'all').symlink_to(share / 'group_vars' / 'all')
    role = ansible / 'roles' / 'lm'
    (role / 'defaults').mkdir(parents=True)
    (role / 'defaults' / 'main.yml').symlink_to(
        share / 'roles' / 'nova-cell' / 'defaults' / 'main.yml')
    _write(role / 'tasks' / 'main.yml', ROLE_TASKS)
    _write(ansible / 'site.yml', '- hosts: compute\n  gather_facts: false\n'
                                 '  roles: [lm]\n')
    _write(root / 'inventory' / 'hosts',
           f'[compute]\n{HOST} ansible_connection=local '
           f'ansible_python_interpreter={sys.executable}\n')
    out = root / 'out'
    out.mkdir()
    env = dict(os.environ, LC_ALL='C.UTF-8', ANSIBLE_HOME=str(root / 'ah'),
               ANSIBLE_LOCAL_TEMP=str(root / 'tmp'),
               ANSIBLE_ACTION_PLUGINS=str(share / 'action_plugins'),
               ANSIBLE_FILTER_PLUGINS=str(share / 'filter_plugins'),
               ANSIBLE_NOCOLOR='1',
               ANSIBLE_CONFIG=_write(root / 'ansible.cfg', '[defaults]\n'))
    node_custom = pathlib.Path(files['shared']).parent
    result = subprocess.run(
        [str(playbook), '-i', str(root / 'inventory' / 'hosts'),
         # kolla-ansible passes globals.yml as extra vars
         '-e', f'@{files["globals"]}', '-e', f'kolla={share}',
         '-e', f'node_custom_config={node_custom}', '-e', f'out={out}',
         str(ansible / 'site.yml')],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
        check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    return str(out / 'nova.conf'), str(out / 'libvirtd.conf')


def _libvirtd(settings):
    return {f.name: getattr(settings.tls, f.name)
            for f in model.tls_fields(model.LIBVIRTD)}


def test_kolla_merge_configs_produces_what_convert_predicted(tmp_path):
    share, playbook = _kolla_ansible()
    files = _render_kolla_files(tmp_path)
    nova_conf, libvirtd_conf = _run_kolla(tmp_path, share, playbook, files)
    merged_text = pathlib.Path(nova_conf).read_text()
    # kolla's own template set these; the per-host override won
    assert 'connection_uri = qemu+tls://10.30.0.12/system' in merged_text

    predicted = config.read_config(
        [files['globals'], files['shared'], files['host'],
         files['host_vars']])
    merged = config.read_config([nova_conf, libvirtd_conf])
    assert merged.forms == {nova_conf: 'nova-conf',
                            libvirtd_conf: 'libvirtd'}
    assert merged.settings.live_migration == \
        predicted.settings.live_migration
    assert _libvirtd(merged.settings) == _libvirtd(predicted.settings)
    lm = merged.settings.live_migration
    assert lm.live_migration_with_native_tls and \
        lm.live_migration_scheme == 'tls'
    assert lm.live_migration_inbound_addr == '10.30.0.12'

    report = config.validate_config([nova_conf, libvirtd_conf])
    assert report.at_least('error') == [], report.codes()
    _, convert_report = config.convert_config(
        [files['globals'], files['shared'], files['host']])
    # nova.conf and libvirtd.conf rules agree; qemu.conf is not merged here
    assert {c for c in report.codes() if not c.startswith('CFG22')} == {
        c for c in convert_report.codes() if not c.startswith('CFG22')}
