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
not shaped like this raises InventoryError naming the line.  Every value is
checked against its syntax (:mod:`names`: RFC 1123 host names, Linux
interface names, IP addresses and CIDRs, paths) before it enters the model,
so nothing rendered from an inventory can carry a newline or YAML: a bad
value is a CFG308-311 problem at its line.  By default the first problem
raises InventoryError (renderers never see a bad inventory); with
``strict=False`` the problems are kept on :attr:`Inventory.problems` for
``check-hosts`` and the host is left out.  Problems of meaning (missing
addresses, collisions) are left to :mod:`hosts` findings.
"""

import dataclasses
import ipaddress

from osmigcfg import exceptions
from osmigcfg import findings
from osmigcfg import inputs
from osmigcfg.config import codes  # noqa: F401 (registers the CFG codes)
from osmigcfg.config import names
from osmigcfg.config import yamldoc

DEFAULT_CERT_DIR = '/etc/pki/qemu'
_HOST_KEYS = ('interface', 'address', 'inbound_addr', 'hostname', 'cert_dir')
#: value -> (code, syntax check); host values, then inventory values
_SYNTAX = {
    'name': ('CFG308', names.host_name_error),
    'hostname': ('CFG308', names.host_name_error),
    'interface': ('CFG309', names.interface_name_error),
    'address': ('CFG310', names.address_error),
    'inbound_addr': ('CFG310', names.peer_address_error),
    'cert_dir': ('CFG311', names.path_error),
    'migration_network': ('CFG310', names.network_error),
}


def syntax_errors(values):
    """Check ``values`` (key -> text) against the syntax of each key.

    Args:
        values: a mapping with keys of ``_SYNTAX`` (others and None values
            are skipped); ``name`` names the host in the messages.
    Yields:
        ``(key, code, message)`` for every value that breaks its syntax.
    """
    host = values.get('name')
    for key, (code, check) in _SYNTAX.items():
        value = values.get(key)
        if value is None:
            continue
        reason = check(str(value))
        if reason is None:
            continue
        if key == 'name':
            message = f'host name {names.shown(value)} {reason}'
        elif host is not None:
            message = (f'host {names.shown(host)}: {key} '
                       f'{names.shown(value)} {reason}')
        else:
            message = f'{key} {names.shown(value)} {reason}'
        yield key, code, message


def _hint(code, more=0):
    hint = f'{code}: {findings.CODES[code].hint}'
    if more:
        hint += (f'; {more} more: `osmigcfg config check-hosts` lists '
                 'every one')
    return hint


def _refuse_values(values, where='<inventory>'):
    for _key, code, message in syntax_errors(values):
        raise exceptions.InventoryError(where, message, hint=_hint(code))


@dataclasses.dataclass(frozen=True)
class Host:
    name: str
    interface: str | None = None
    address: str | None = None
    inbound_addr: str | None = None
    hostname: str | None = None
    cert_dir: str | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        # parse_inventory checks first (and collects every problem); this
        # keeps a Host built by other code from carrying a bad name.
        _refuse_values(vars(self))

    @property
    def peer_address(self) -> str | None:
        """What peers connect to: the inbound address, else the address."""
        return self.inbound_addr or self.address

    @property
    def fqdn(self) -> str:
        """The name peers use for the host (``hostname``, else ``name``)."""
        return self.hostname or self.name


@dataclasses.dataclass(frozen=True)
class Inventory:
    path: str
    hosts: tuple[Host, ...] = ()
    migration_network: str | None = None
    cert_dir: str = DEFAULT_CERT_DIR
    #: CFG308-311 findings of values left out (``strict=False`` only)
    problems: tuple[findings.Finding, ...] = ()

    def __post_init__(self) -> None:
        _refuse_values({'migration_network': self.migration_network,
                        'cert_dir': self.cert_dir}, self.path)

    def host(self, name: str) -> Host:
        """The host called ``name`` (InventoryError if there is none)."""
        for host in self.hosts:
            if host.name == name:
                return host
        raise exceptions.InventoryError(
            self.path, f'no host {names.shown(name)}',
            hint=f'{len(self.hosts)} hosts are listed')

    def common_interface(self) -> str | None:
        """The interface name most hosts use (None if no host names one)."""
        counts: dict[str, int] = {}
        for host in self.hosts:
            if host.interface:
                counts[host.interface] = counts.get(host.interface, 0) + 1
        if not counts:
            return None
        return max(sorted(counts), key=counts.__getitem__)

    def cert_dir_of(self, host: Host) -> str:
        """The host's cert dir (its own, else the inventory's template)."""
        return host.cert_dir or self.cert_dir.replace('{name}', host.name)


class _Reading:
    """One parse: the file's path and the value problems found so far."""

    def __init__(self, path):
        self.path = path
        self.problems = []

    def fail(self, line, reason, hint=None):
        where = f'{self.path}:{line}' if line else self.path
        raise exceptions.InventoryError(where, reason, hint=hint)

    def check(self, values, line_of):
        """Record the syntax problems of ``values``; return the bad keys."""
        bad = set()
        subject = values.get('name')
        if subject is not None and names.host_name_error(subject):
            subject = names.shown(subject)  # one line, however it was written
        for key, code, message in syntax_errors(values):
            bad.add(key)
            self.problems.append(findings.make_finding(
                code, message, file=self.path, line=line_of(key),
                subject=subject))
        return bad

    def refuse_problems(self):
        """Raise InventoryError for the first problem, if there is one."""
        if not self.problems:
            return
        first = min(self.problems, key=lambda f: f.location.line or 0)
        self.fail(first.location.line, first.message,
                  hint=_hint(first.code, more=len(self.problems) - 1))


def _canonical_address(text):
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text  # a host name (inbound_addr)


def _host(name, data, reading, line):
    if data is None:
        data = yamldoc.LineDict()
    if not isinstance(data, dict):
        reading.fail(line, f'host {names.shown(name)} must be a mapping')
    unknown = sorted(str(k) for k in data if k not in _HOST_KEYS + ('name',))
    if unknown:
        reading.fail(data.line_of(unknown[0]),
                     f'host {names.shown(name)}: unknown key '
                     f'{names.shown(unknown[0])}',
                     hint=f'known keys: {", ".join(_HOST_KEYS)}')
    values = {key: str(data[key]) for key in _HOST_KEYS
              if data.get(key) is not None}
    values['name'] = str(name)
    for key in ('address', 'inbound_addr'):
        if key in values:
            values[key] = _canonical_address(values[key].strip())
    if reading.check(values, lambda key: line if key == 'name'
                     else data.line_of(key) or line):
        return None  # left out; its problems are on the inventory
    return Host(line=line, **values)


def _hosts(raw, reading, line):
    if isinstance(raw, dict):
        hosts = [_host(k, v, reading, raw.line_of(k)) for k, v in raw.items()]
    elif isinstance(raw, list):
        hosts = []
        for item in raw:
            if not isinstance(item, dict) or item.get('name') is None:
                reading.fail(getattr(item, 'line', line),
                             'each host in the list needs a name')
            hosts.append(_host(item['name'], item, reading, item.line))
    else:
        reading.fail(line, 'hosts must be a mapping (name: {...}) or a list')
    return tuple(host for host in hosts if host is not None)


def parse_inventory(text: str, path: inputs.PathArg = '<inventory>', *,
                    strict: bool = True) -> 'Inventory':
    """Parse inventory text.

    Args:
        text: the inventory YAML.
        path: the file name used in messages and findings.
        strict: raise for a value that breaks its syntax (CFG308-311);
            with False, such hosts and values are left out and the
            findings kept on :attr:`Inventory.problems` (``check-hosts``).
    Returns:
        an :class:`Inventory`.
    Raises:
        InventoryError: the file is not an inventory, or (strict) a host
            name, interface, address, CIDR or path is not valid.
    """
    reading = _Reading(str(path))
    try:
        doc = yamldoc.load(text, path)
    except exceptions.ConfigFileError as e:
        reading.fail(e.line, e.message.split(': ', 1)[-1])
    if not isinstance(doc, dict) or 'hosts' not in doc:
        reading.fail(None, 'no hosts: an inventory is a mapping with hosts',
                     hint='see `osmigcfg config check-hosts --help`')
    values = {'cert_dir': str(doc.get('cert_dir') or DEFAULT_CERT_DIR)}
    if doc.get('migration_network') is not None:
        values['migration_network'] = str(doc['migration_network'])
    for key in reading.check(values, doc.line_of):
        values.pop(key)
    if 'migration_network' in values:
        values['migration_network'] = str(ipaddress.ip_network(
            values['migration_network'], strict=False))
    hosts = _hosts(doc['hosts'], reading, doc.line_of('hosts'))
    if strict:
        reading.refuse_problems()
    return Inventory(path=str(path), hosts=hosts,
                     problems=tuple(reading.problems), **values)


def load_inventory(path: inputs.PathArg, *,
                   strict: bool = True) -> 'Inventory':
    """Read and parse an inventory file (see :func:`parse_inventory`)."""
    return parse_inventory(inputs.read_text(path), str(path), strict=strict)
