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


def write_bytes(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; False when it already held exactly that."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_text(path: Path, text: str) -> bool:
    return write_bytes(path, text.encode("utf-8"))


def install(source: Path, dest: Path) -> bool:
    """Copy a finished file into place atomically."""
    return write_bytes(dest, source.read_bytes())
