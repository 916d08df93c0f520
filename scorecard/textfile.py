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


def check_replaceable(path: Path) -> None:
    """Raise OSError now if replace_text(path) could not create its temporary file: for a command that works
    a while before it writes (an unwritable folder, a name too long for the file system)."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"):
        pass
