"""Which resources an export or a plan takes: names, regex, projects, tags.

Criteria combine with AND; within one criterion any value matches (a
resource named ``web`` or ``db`` with ``--name web --name db``).  Names
and the regex apply to named types only; nameless ones (floating IPs,
role assignments, quotas) follow the other criteria, so filtering servers'
networks by name still brings their floating IPs along.
"""

from collections.abc import Iterable
import dataclasses
import re
from typing import TYPE_CHECKING

from osmigcfg import exceptions

if TYPE_CHECKING:
    from osmigcfg.crosscloud.model import Entry
    from osmigcfg.crosscloud.resources import ResourceType


@dataclasses.dataclass(frozen=True)
class Filters:
    """Selection criteria; the empty Filters selects everything."""

    names: tuple = ()
    regex: str | None = None
    projects: tuple = ()
    tags: tuple = ()
    types: tuple = ()

    def __post_init__(self):
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as e:
                raise exceptions.InputError(
                    f'--regex {self.regex!r}: {e}',
                    hint='a Python regular expression') from None

    def type_selected(self, type_name: str | None) -> bool:
        return not self.types or type_name in self.types

    def matches(self, rtype: 'ResourceType', name: str | None,
                project: str | None, tags: Iterable[str] | None) -> bool:
        """Whether a resource (type, source name, project name, tags) is in."""
        if not self.type_selected(rtype.type):
            return False
        if not rtype.nameless:
            if self.names and name not in self.names:
                return False
            if self.regex and not re.search(self.regex, name or ''):
                return False
        if self.projects and project not in self.projects:
            return False
        if self.tags and not set(self.tags) & set(tags or ()):
            return False
        return True

    def matches_entry(self, rtype: 'ResourceType', entry: 'Entry') -> bool:
        """``matches`` for a document entry (source name and project)."""
        tags = entry.params.get('tags') or ()
        return self.matches(rtype, entry.name, entry.project, tags)
