"""The syntax of the names and addresses an inventory holds.

Inventory values end up in rendered deploy-tool files (helm values, MOSK
node labels, kolla host_vars, nova.conf), in findings and in file paths.
A value that is not what it claims to be (a host name with a newline, an
address with a ``%zone`` carrying YAML) could change the structure of what
is rendered, so each value is checked against its real syntax first:

- host names: RFC 1123 (labels of letters, digits and inner hyphens,
  1-63 characters each, at most 253 in all);
- interface names: what Linux accepts as a NIC name (1-15 bytes, no
  whitespace, ``/``, ``:`` or ``%``; printable ASCII, as systemd requires);
- addresses and networks: :mod:`ipaddress`, without a ``%zone`` (a scoped
  address cannot be reached from another host);
- directory paths: no control characters.

Each ``*_error`` function returns why ``text`` is not acceptable (a phrase
such as ``"contains '\\n'"``), or None; none of them raises.
"""

import ipaddress
import re

HOST_NAME_MAX = 253
LABEL_MAX = 63
IFNAMSIZ = 16  # Linux: the name and its NUL byte
_HOST_CHARS = re.compile(r'[A-Za-z0-9.-]*')
_IFNAME_FORBIDDEN = '/:%'
_SHOWN_MAX = 40


def shown(value):
    """``value`` quoted on one line (escapes, at most ~40 characters)."""
    text = repr(str(value))
    if len(text) > _SHOWN_MAX:
        text = text[:_SHOWN_MAX - 1] + '…'
    return text


def _odd_characters(text, allowed):
    odd = sorted({c for c in text if not allowed(c)})
    listed = ', '.join(repr(c) for c in odd[:5])
    return f'contains {listed}{", ..." if len(odd) > 5 else ""}'


def host_name_error(text):
    """Why ``text`` is not an RFC 1123 host name, or None."""
    if not text:
        return 'is empty'
    if not _HOST_CHARS.fullmatch(text):
        return _odd_characters(
            text, lambda c: c.isascii() and (c.isalnum() or c in '.-'))
    if len(text) > HOST_NAME_MAX:
        return f'has {len(text)} characters (at most {HOST_NAME_MAX})'
    for label in text.split('.'):
        if not label:
            return 'has an empty label (a dot at an end, or two in a row)'
        if len(label) > LABEL_MAX:
            return (f'has a label of {len(label)} characters (at most '
                    f'{LABEL_MAX})')
        if label.startswith('-') or label.endswith('-'):
            return ('has a label that starts or ends with a hyphen '
                    f'({label!r})')
    return None


def interface_name_error(text):
    """Why ``text`` is not a Linux network interface name, or None."""
    if not text:
        return 'is empty'
    if text in ('.', '..'):
        return f'is {text!r}, which Linux refuses'
    if not all(c.isascii() and c.isprintable() and not c.isspace()
               and c not in _IFNAME_FORBIDDEN for c in text):
        return _odd_characters(
            text, lambda c: (c.isascii() and c.isprintable()
                             and not c.isspace()
                             and c not in _IFNAME_FORBIDDEN))
    if len(text) >= IFNAMSIZ:
        return f'has {len(text)} characters (Linux allows {IFNAMSIZ - 1})'
    return None


def address_error(text):
    """Why ``text`` is not a plain IPv4/IPv6 address, or None."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return 'is not an IP address'
    if getattr(address, 'scope_id', None) is not None:
        return 'has a %zone (a scoped address is not reachable from peers)'
    return None


def peer_address_error(text):
    """Why ``text`` is neither an IP address nor a host name, or None."""
    if address_error(text) is None:
        return None
    if '%' not in text and host_name_error(text) is None:
        return None
    return 'is neither an IP address nor an RFC 1123 host name'


def network_error(text):
    """Why ``text`` is not a network in CIDR notation, or None."""
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return 'is not a CIDR'
    if '%' in str(network):
        return 'is not a CIDR (it has a %zone)'
    return None


def path_error(text):
    """Why ``text`` cannot be a directory path, or None."""
    if not text:
        return 'is empty'
    if not all(c.isprintable() for c in text):
        return _odd_characters(text, str.isprintable)
    return None
