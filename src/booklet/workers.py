"""Worker processes for the build's parallel work (cutting, thumbnails, digests)."""

from __future__ import annotations

import gc
import multiprocessing
from multiprocessing.context import BaseContext
from typing import TypeVar

T = TypeVar("T")


def worker_context() -> BaseContext:
    """``fork`` where the platform has it: a worker starts at once, with the build's
    modules and objects; elsewhere the platform's default (a fresh interpreter)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


# Workers forked from the build hold the whole programme: frozen, those objects are
# left alone by the worker's garbage collector (scanning them, it would copy their
# pages of memory and double the workers' time).
WORKER_START = gc.freeze


def chunks(items: list[T], parts: int) -> list[list[T]]:
    """``items`` in ``parts`` runs of (nearly) equal length, in order; none empty."""
    if not items or parts < 1:
        return []
    size = -(-len(items) // parts)
    return [items[i : i + size] for i in range(0, len(items), size)]
