"""Entries: settings as written in a file, with where they were written.

A :class:`Source` is what one input file says; an :class:`Entry` is one
setting in it (layer, section, key, raw value, file, line).  Readers build
them, :mod:`osmigcfg.config.values` checks them.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Entry:
    """One setting as written (or implied) by an input file."""

    layer: str            # model.NOVA / LIBVIRTD / QEMU
    section: str | None   # nova.conf group; None for libvirtd/qemu
    key: str
    value: object         # raw: a string from ini files, a YAML scalar
    file: str
    line: int | None
    origin: str | None = None  # the deploy-tool key that implied it
    implied: bool = False      # a tool default, not written in the file

    @property
    def where(self):
        return f'{self.file}:{self.line}' if self.line else str(self.file)


@dataclasses.dataclass
class Source:
    """What one input file says, in the layers it decides."""

    path: str
    form: str
    entries: list = dataclasses.field(default_factory=list)
    layers: set = dataclasses.field(default_factory=set)
    shared: bool = False  # one file for every compute (a deploy tool)
    facts: dict = dataclasses.field(default_factory=dict)  # name: (v, line)
    #: layers whose file libvirt reads: of a key written twice in this
    #: source the first occurrence counts (libvirt's config reader)
    first_wins: frozenset = frozenset()
    detection: str | None = None  # the detected form and why

    def add(self, layer, section, key, value, line, origin=None,
            implied=False):
        self.entries.append(Entry(layer, section, key, value, self.path,
                                  line, origin, implied))
