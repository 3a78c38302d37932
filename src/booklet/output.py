"""Writing outputs atomically, and only when their bytes change.

A reader of ``build/booklet.pdf`` sees the old file or the new one, never a
half-written one; a failed build leaves the previous outputs untouched. An
unchanged file is not rewritten, so its timestamp stays and tools that
watch it (latexmk, make) see nothing to do.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _file_mode() -> int:
    """The mode a new file gets under the user's umask (mkstemp alone would give 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


def temporary_beside(path: Path) -> Path:
    """A new empty file next to ``path``, with the mode ``path`` should have."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    return Path(tmp)


def write_bytes(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; False when it already held exactly that."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    tmp = temporary_beside(path)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


def write_text(path: Path, text: str) -> bool:
    return write_bytes(path, text.encode("utf-8"))


def install(source: Path, dest: Path) -> bool:
    """Copy a finished file into place atomically."""
    return write_bytes(dest, source.read_bytes())
