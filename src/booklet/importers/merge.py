"""Three-way merge of records, for importing the same source again.

``base`` is what the last import wrote, ``local`` what the file says now,
``upstream`` what the source says now. Field by field:

- unchanged here (local == base): the source's value is taken;
- unchanged in the source (upstream == base): the local value is kept;
- both changed the same way: nothing to do;
- both changed differently: a conflict; the local value is kept.

Mappings are merged key by key, lists of mappings with ids (sessions) item
by item; other values (a title, the abstract, the list of speakers) are
compared whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MISSING: Any = object()


@dataclass
class Merged:
    value: Any
    conflicts: list[tuple[str, ...]] = field(default_factory=list)  # paths of conflicting fields


def merge3(base: Any, local: Any, upstream: Any, path: tuple[str, ...] = ()) -> Merged:
    if local == upstream:
        return Merged(local)
    if local == base:
        return Merged(upstream)
    if upstream == base:
        return Merged(local)
    if isinstance(local, dict) and isinstance(upstream, dict):
        return _merge_dicts(base if isinstance(base, dict) else {}, local, upstream, path)
    if _keyed(local) and _keyed(upstream) and (base is MISSING or _keyed(base)):
        merged = _merge_dicts(
            _by_id(base) if base is not MISSING else {}, _by_id(local), _by_id(upstream), path
        )
        return Merged(list(merged.value.values()), merged.conflicts)
    return Merged(local, [path])


def _merge_dicts(base: dict, local: dict, upstream: dict, path: tuple[str, ...]) -> Merged:
    result: dict = {}
    conflicts: list[tuple[str, ...]] = []
    keys = list(upstream) + [k for k in local if k not in upstream]
    for key in keys:
        merged = merge3(
            base.get(key, MISSING), local.get(key, MISSING), upstream.get(key, MISSING),
            (*path, str(key)),
        )  # fmt: skip
        conflicts += merged.conflicts
        if merged.value is not MISSING:
            result[key] = merged.value
    return Merged(result, conflicts)


def _keyed(value: Any) -> bool:
    """A list of mappings each with a distinct ``id`` (event sessions)."""
    if not isinstance(value, list) or not all(isinstance(v, dict) and "id" in v for v in value):
        return False
    ids = [str(v["id"]) for v in value]
    return len(set(ids)) == len(ids)


def _by_id(items: list[dict]) -> dict[str, dict]:
    return {str(item["id"]): item for item in items}
