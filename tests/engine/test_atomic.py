"""Atomic saves: leftovers of killed saves are cleaned, errors name the file asked for."""

from __future__ import annotations

import os
import time

import pytest

from engine.atomic import write_bytes_atomic


def test_stale_temporaries_of_the_target_are_removed_at_the_next_save(tmp_path):
    target = tmp_path / "model.npz"
    old = time.time() - 3600
    stale = tmp_path / ".model.npz.ab_12xyz.tmp"  # what a save killed an hour ago left
    fresh = tmp_path / ".model.npz.cd_34xyz.tmp"  # a save that may still be running
    other = tmp_path / ".other.npz.ab_12xyz.tmp"  # another target's: not ours
    mine = tmp_path / "notes.tmp"  # the user's own file
    for path in (stale, fresh, other, mine):
        path.write_bytes(b"x" * 100)
    for path in (stale, other, mine):
        os.utime(path, (old, old))
    write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert not stale.exists()
    assert fresh.exists() and other.exists() and mine.exists()


def test_read_only_folder_error_names_the_target(tmp_path, monkeypatch):
    """mkstemp in a read-only folder fails naming its temporary file; the error names the target.
    (Simulated: the tests may run as root, who writes anywhere.)"""

    def refuse(prefix, suffix, dir):
        raise PermissionError(13, "Permission denied", f"{dir}/{prefix}x1y2z3w4{suffix}")

    monkeypatch.setattr("engine.atomic.tempfile.mkstemp", refuse)
    with pytest.raises(PermissionError, match="Permission denied") as info:
        write_bytes_atomic(tmp_path / "model.npz", b"x")
    assert info.value.filename == str(tmp_path / "model.npz")


def test_error_while_writing_names_the_target(tmp_path):
    """A target that is a folder fails at the rename: the error names the target."""
    target = tmp_path / "model.npz"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as info:
        write_bytes_atomic(target, b"x")
    assert info.value.filename == str(target)
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary file left
