"""Writing a text output: atomically where it can be replaced, through a symlink or a device as given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scorecard.textfile import check_writable, write_text


def test_a_file_is_replaced_whole(tmp_path: Path):
    target = tmp_path / "diff.md"
    target.write_text("old")
    check_writable(target)
    write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["diff.md"]  # no temporary left behind


def test_a_symlink_is_written_through_not_replaced(tmp_path: Path):
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    check_writable(link)
    write_text(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"


def test_a_pipe_is_written_into(tmp_path: Path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, as a shell's >(...) has
    try:
        check_writable(fifo)
        write_text(fifo, "through\n")
        assert os.read(reader, 100) == b"through\n"
    finally:
        os.close(reader)
    assert fifo.exists() and not fifo.is_file()  # still the pipe, not replaced by a file


def test_a_folder_or_a_name_too_long_is_refused_before_anything_is_written(tmp_path: Path):
    with pytest.raises(IsADirectoryError):
        check_writable(tmp_path)
    with pytest.raises(OSError, match="too long"):
        check_writable(tmp_path / ("d" * 300))
    assert list(tmp_path.iterdir()) == []
