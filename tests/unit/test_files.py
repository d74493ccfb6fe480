"""Atomic writes: private temp file, umask, the replaced file's mode."""

import os
import stat

import pytest

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg.migrate import timeline


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    def set_umask(value):
        previous.append(os.umask(value))
    previous = []
    yield set_umask
    for value in previous[:1]:
        os.umask(value)


def test_a_new_file_gets_0666_less_the_umask(tmp_path, umask):
    umask(0o027)
    files.write_atomic(tmp_path / 'out.yaml', 'x')
    assert _mode(tmp_path / 'out.yaml') == 0o640
    umask(0o002)
    files.write_atomic(tmp_path / 'other.yaml', 'x')
    assert _mode(tmp_path / 'other.yaml') == 0o664


def test_a_replaced_file_keeps_its_mode(tmp_path, umask):
    umask(0o022)
    path = tmp_path / 'policy.yaml'
    path.write_text('old')
    path.chmod(0o600)
    files.write_atomic(path, 'new')
    assert path.read_text() == 'new'
    assert _mode(path) == 0o600


def test_an_explicit_mode_wins(tmp_path):
    path = tmp_path / 'secret.yaml'
    path.write_text('old')
    path.chmod(0o644)
    files.write_atomic(path, 'new', mode=0o600)
    assert _mode(path) == 0o600


def test_a_planted_tmp_symlink_is_not_followed(tmp_path):
    victim = tmp_path / 'victim'
    victim.write_text('precious')
    (tmp_path / 'run.png.tmp').symlink_to(victim)
    timeline.write_timeline([('vm-1', 0.0, 1.0, 'migrated')],
                            tmp_path / 'run.png')
    assert victim.read_text() == 'precious'
    assert (tmp_path / 'run.png').read_bytes().startswith(b'\x89PNG')
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'run.png', 'run.png.tmp', 'victim']


def test_bytes_are_written_as_they_are(tmp_path):
    files.write_atomic(tmp_path / 'b', b'\x00\xff')
    assert (tmp_path / 'b').read_bytes() == b'\x00\xff'


def test_a_failed_write_leaves_no_temp_file(tmp_path):
    (tmp_path / 'd').mkdir()
    with pytest.raises(exceptions.OutputError):
        files.write_atomic(tmp_path / 'd', 'x')  # cannot replace a dir
    assert [p.name for p in tmp_path.iterdir()] == ['d']
