"""Counting the process pools a module starts (to know that work was shared)."""

from __future__ import annotations

from types import ModuleType

import pytest


def count_pools(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[int]:
    """A list that grows by one each time ``module`` starts a ProcessPoolExecutor."""
    pools: list[int] = []

    class CountedPool(module.ProcessPoolExecutor):  # type: ignore[name-defined, misc]
        def __init__(self, *args: object, **kwargs: object) -> None:
            pools.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(module, "ProcessPoolExecutor", CountedPool)
    return pools
