"""What a build is asked to do (imports nothing heavy)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class BuildOptions:
    content: Path
    out: Path
    targets: list[str]
    templates: Path | None = None
    keep_going: bool = False
    jobs: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))
