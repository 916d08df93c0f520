"""Writing a text file so that a reader (or a crash) never sees half of it: under a temporary name in the
same folder, then renamed into place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_text(path: Path, text: str) -> Path:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _in_place(path: Path) -> bool:
    """A target to write through rather than replace: a symlink (its target gets the text), a device or
    pipe (/dev/stdout, a shell's process substitution), or a file in a folder this user cannot add the
    temporary file to."""
    special = path.is_symlink() or (path.exists() and not path.is_file())
    return special or (path.is_file() and not os.access(path.parent, os.W_OK))


def check_writable(path: Path) -> None:
    """Raise OSError now if write_text(path) could not write: for a command that works a while before it
    writes (an unwritable folder, a name too long for the file system, a folder in the file's place)."""
    if path.is_dir():
        raise IsADirectoryError(21, "a folder, not a file")
    if _in_place(path):
        if not os.access(path, os.W_OK):
            raise PermissionError(13, "not writable")
        return
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"):
        pass


def write_text(path: Path, text: str) -> Path:
    """replace_text, or straight into a symlink's target, a device, a pipe, or a writable file in a folder
    this user cannot add files to."""
    if _in_place(path):
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        return path
    return replace_text(path, text)
