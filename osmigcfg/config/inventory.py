"""The compute-host inventory: migration NIC, address and inbound address.

An inventory is YAML::

    migration_network: 10.20.0.0/24    # optional CIDR
    cert_dir: /srv/pki/{name}          # optional, default /etc/pki/qemu
    hosts:
      cmp-001:
        interface: ens4
        address: 10.20.0.11
        inbound_addr: 10.20.0.11       # optional, default: address
        hostname: cmp-001.example.net  # optional, default: the host name

``hosts`` may also be a list of mappings with a ``name``.  A file that is
not shaped like this raises InventoryError naming the line; problems of
meaning (missing addresses, collisions) are left to :mod:`hosts` findings.
"""

import dataclasses
import ipaddress

from oslo_config import types

from osmigcfg import exceptions
from osmigcfg import inputs
from osmigcfg.config import yamldoc

DEFAULT_CERT_DIR = '/etc/pki/qemu'
_HOST_KEYS = ('interface', 'address', 'inbound_addr', 'hostname', 'cert_dir')
_HOSTDOMAIN = types.HostDomain()


@dataclasses.dataclass(frozen=True)
class Host:
    name: str
    interface: str | None = None
    address: str | None = None
    inbound_addr: str | None = None
    hostname: str | None = None
    cert_dir: str | None = None
    line: int | None = None

    @property
    def peer_address(self):
        """What peers connect to: the inbound address, else the address."""
        return self.inbound_addr or self.address

    @property
    def fqdn(self):
        """The name peers use for the host (``hostname``, else ``name``)."""
        return self.hostname or self.name


@dataclasses.dataclass(frozen=True)
class Inventory:
    path: str
    hosts: tuple = ()
    migration_network: str | None = None
    cert_dir: str = DEFAULT_CERT_DIR

    def host(self, name):
        """The host called ``name`` (InventoryError if there is none)."""
        for host in self.hosts:
            if host.name == name:
                return host
        raise exceptions.InventoryError(
            self.path, f'no host {name!r}',
            hint=f'{len(self.hosts)} hosts are listed')

    def common_interface(self):
        """The interface name most hosts use (None if no host names one)."""
        counts = {}
        for host in self.hosts:
            if host.interface:
                counts[host.interface] = counts.get(host.interface, 0) + 1
        if not counts:
            return None
        return max(sorted(counts), key=counts.get)

    def cert_dir_of(self, host):
        """The host's cert dir (its own, else the inventory's template)."""
        return host.cert_dir or self.cert_dir.replace('{name}', host.name)


def _fail(path, line, reason, hint=None):
    where = f'{path}:{line}' if line else path
    raise exceptions.InventoryError(where, reason, hint=hint)


def _ip(value, path, line, what, allow_name=False):
    if value is None:
        return None
    text = str(value).strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if allow_name:
        try:
            return _HOSTDOMAIN(text)
        except ValueError:
            pass
    _fail(path, line, f'{what} {text!r} is not an IP address'
                      f'{" or host name" if allow_name else ""}')


def _host(name, data, path, line):
    if data is None:
        data = yamldoc.LineDict()
    if not isinstance(data, dict):
        _fail(path, line, f'host {name!r} must be a mapping')
    unknown = sorted(str(k) for k in data if k not in _HOST_KEYS + ('name',))
    if unknown:
        _fail(path, data.line_of(unknown[0]),
              f'host {name!r}: unknown key {unknown[0]!r}',
              hint=f'known keys: {", ".join(_HOST_KEYS)}')

    def text(key):
        value = data.get(key)
        return None if value is None else str(value)

    return Host(
        name=str(name), interface=text('interface'),
        address=_ip(data.get('address'), path, data.line_of('address'),
                    f'host {name!r}: address'),
        inbound_addr=_ip(data.get('inbound_addr'), path,
                         data.line_of('inbound_addr'),
                         f'host {name!r}: inbound_addr', allow_name=True),
        hostname=text('hostname'), cert_dir=text('cert_dir'), line=line)


def _hosts(raw, path, line):
    if isinstance(raw, dict):
        return [_host(k, v, path, raw.line_of(k)) for k, v in raw.items()]
    if isinstance(raw, list):
        hosts = []
        for item in raw:
            if not isinstance(item, dict) or item.get('name') is None:
                _fail(path, getattr(item, 'line', line),
                      'each host in the list needs a name')
            hosts.append(_host(item['name'], item, path, item.line))
        return hosts
    _fail(path, line, 'hosts must be a mapping (name: {...}) or a list')


def parse_inventory(text, path='<inventory>'):
    """Parse inventory text; InventoryError on any shape problem."""
    try:
        doc = yamldoc.load(text, path)
    except exceptions.ConfigFileError as e:
        _fail(path, e.line, e.message.split(': ', 1)[-1])
    if not isinstance(doc, dict) or 'hosts' not in doc:
        _fail(path, None, 'no hosts: an inventory is a mapping with hosts',
              hint='see `osmigcfg config check-hosts --help`')
    network = doc.get('migration_network')
    if network is not None:
        try:
            network = str(ipaddress.ip_network(str(network), strict=False))
        except ValueError:
            _fail(path, doc.line_of('migration_network'),
                  f'migration_network {network!r} is not a CIDR')
    cert_dir = doc.get('cert_dir') or DEFAULT_CERT_DIR
    return Inventory(
        path=str(path),
        hosts=tuple(_hosts(doc['hosts'], path, doc.line_of('hosts'))),
        migration_network=network, cert_dir=str(cert_dir))


def load_inventory(path):
    """Read and parse an inventory file."""
    return parse_inventory(inputs.read_text(path), str(path))
