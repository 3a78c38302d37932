"""Writing outputs atomically, and only when their bytes change.

A reader of ``build/booklet.pdf`` sees the old file or the new one, never a
half-written one; a failed build leaves the previous outputs untouched. An
unchanged file is not rewritten, so its timestamp stays and tools that
watch it (latexmk, make) see nothing to do.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def _file_mode() -> int:
    """The mode a new file gets under the user's umask (mkstemp alone would give 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


def _create_beside(path: Path) -> tuple[int, Path]:
    """A new empty file next to ``path``, with the mode ``path`` should have.

    The folder is made only when missing: ``mkdir`` of a folder that exists still
    locks its parent, and processes writing many files side by side would queue on it."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.fchmod(fd, FILE_MODE)
    return fd, Path(tmp)


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A file to write ``path``'s new content into: it replaces ``path`` when the block
    ends without an exception, and is removed when one is raised."""
    fd, tmp = _create_beside(path)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; False when it already held exactly that."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    with replacing(path) as stream:
        stream.write(data)
    return True


def write_text(path: Path, text: str) -> bool:
    return write_bytes(path, text.encode("utf-8"))


def move_into_place(source: Path, dest: Path) -> None:
    """Move a finished file (written aside, on the same file system) to ``dest`` at once."""
    try:
        os.replace(source, dest)
    except FileNotFoundError:  # the folder is missing (made only then: see _create_beside)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, dest)


@contextmanager
def creating(path: Path) -> Iterator[BinaryIO]:
    """A new file in a folder that no reader looks at yet (a staging folder, moved
    into place as a whole or file by file once complete): written where it stands,
    with no temporary file and no rename, which cost a fifth of writing a proof."""
    try:
        stream = path.open("wb")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = path.open("wb")
    with stream:
        yield stream


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file of a staging folder (see ``creating``)."""
    with creating(path) as stream:
        stream.write(data)


def install(source: Path, dest: Path) -> bool:
    """Copy a finished file into place atomically."""
    return write_bytes(dest, source.read_bytes())


def install_folder(staging: Path, folder: Path, names: list[str], suffix: str) -> list[Path]:
    """Move the files ``names`` written aside in ``staging`` into ``folder`` (a file
    that holds the same bytes already stays as it is); remove from ``folder`` the
    files ending in ``suffix`` that are not among them; return the files in place."""
    placed = []
    for name in names:
        staged, dest = staging / name, folder / name
        try:
            same = dest.read_bytes() == staged.read_bytes()
        except OSError:
            same = False
        if same:
            staged.unlink()
        else:
            move_into_place(staged, dest)
        placed.append(dest)
    for stale in folder.glob(f"*{suffix}"):
        if stale.name not in names:
            stale.unlink()
    shutil.rmtree(staging, ignore_errors=True)
    return placed
