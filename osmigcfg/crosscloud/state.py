"""Where a documents directory keeps its runs: ``DIR/.osmigcfg/``.

Every ``import``, ``copy`` and ``cutover`` of a directory is a journaled
run (:class:`osmigcfg.engine.Journal`) in that directory's state folder,
named ``<kind>-<NNNN>[-<label>].journal`` in creation order, each with its
JSON-lines events file beside it.  A run remembers the destination it
wrote to (:func:`destination_identity`: the cloud's auth URL and the
project id, never a credential), so the ID mapping read back from the
journals (:mod:`~osmigcfg.crosscloud.idmap`) only mixes runs against the
same destination.  ``*.yaml`` lives in ``DIR`` itself, so the state
folder never looks like a document.
"""

import dataclasses
import hashlib
import json
import pathlib
import re

from osmigcfg import exceptions
from osmigcfg.crosscloud import filters as filters_mod

STATE = '.osmigcfg'
_NAME = re.compile(r'^(?P<kind>[a-z]+)-(?P<seq>\d{4,})(-(?P<label>.+))?'
                   r'\.journal$')


def documents_digest(documents):
    """A digest of the documents' content (what a run was planned from)."""
    entries = sorted(
        (json.dumps(e.to_yaml(), sort_keys=True, default=str)
         for d in documents for e in d.entries))
    return hashlib.sha256('\n'.join(entries).encode()).hexdigest()[:16]


def filters_key(filters):
    """Filters as the journal keeps them (JSON: lists, not tuples)."""
    if filters is None or filters == filters_mod.Filters():
        return {}
    return json.loads(json.dumps(dataclasses.asdict(filters)))


def destination_identity(conn, cloud_name=None):
    """Which cloud and project a run writes to (no secret in it)."""
    auth = dict(conn.config.config.get('auth') or {})
    try:
        project_id = conn.session.auth.get_project_id(conn.session)
    except Exception:  # noqa: BLE001 - token-less plugins have none
        project_id = None
    return {'cloud': cloud_name, 'endpoint': auth.get('auth_url'),
            'project_id': project_id}


def same_destination(a, b):
    """Whether two destination identities name one cloud and project."""
    keys = ('endpoint', 'project_id')
    return all(a.get(k) == b.get(k) for k in keys)


def safe_label(text):
    """``text`` usable in a file name."""
    return re.sub(r'[^A-Za-z0-9_.-]+', '_', text)[:60] or '_'


class StateDir:
    """The run journals of one documents directory."""

    def __init__(self, directory):
        self.directory = pathlib.Path(directory)
        self.path = self.directory / STATE

    def journals(self, kind=None, label=None):
        """Journal paths (oldest first), of one kind/label if given."""
        if not self.path.is_dir():
            return []
        found = []
        for path in self.path.glob('*.journal'):
            match = _NAME.match(path.name)
            if not match:
                continue
            if kind and match['kind'] != kind:
                continue
            if label is not None and match['label'] != safe_label(label):
                continue
            found.append((int(match['seq']), str(path)))
        return [p for _, p in sorted(found)]

    def latest(self, kind, label=None):
        """The newest journal of ``kind`` (and ``label``), or None."""
        found = self.journals(kind, label)
        return found[-1] if found else None

    def new_journal_path(self, kind, label=None):
        """A path for a new journal, numbered after every existing one."""
        try:
            self.path.mkdir(mode=0o700, exist_ok=True)
        except OSError as e:
            raise exceptions.OutputError(self.path,
                                         e.strerror or str(e)) from None
        seqs = [int(_NAME.match(pathlib.Path(p).name)['seq'])
                for p in self.journals()]
        seq = max(seqs, default=0) + 1
        suffix = f'-{safe_label(label)}' if label else ''
        return str(self.path / f'{kind}-{seq:04d}{suffix}.journal')
