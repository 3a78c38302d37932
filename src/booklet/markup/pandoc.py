"""Running pandoc: many documents per process.

pandoc comes with pypandoc (the ``pypandoc-binary`` wheel ships it), so no
system package is needed. Each call handles a whole batch through
``pandoc_batch.lua``; a batch costs one process start, not one per abstract.
"""

from __future__ import annotations

import json
import subprocess
from importlib import resources
from typing import Any, Literal

import pypandoc

Format = Literal["latex", "html", "plain"]  # what the write mode writes

# Markdown with $…$ math (pandoc's default) and \(…\), \[…\], which mathematicians type
# as often, and nothing that lets an author reach TeX directly. Every formula is vetted
# afterwards. Each extension named costs pandoc some 0.1 ms per abstract read: no more
# are named than change the default.
READER = (
    "markdown+tex_math_single_backslash"
    "-raw_tex-raw_attribute-raw_html-latex_macros-yaml_metadata_block"
)
TIMEOUT_S = 120


class PandocError(RuntimeError):
    """pandoc could not be run at all (not a problem of one document)."""


def run_batch(
    mode: Literal["read", "write"],
    inputs: list[str] | list[tuple[str, str]],
    output: Format = "latex",
) -> list[str | Exception]:
    """Convert each input; a failed input yields its exception, the others go on.

    ``read`` parses Markdown into pandoc's JSON AST; ``write`` writes JSON ASTs in the
    ``output`` format (for ``html``, an input may be a pair (id prefix, AST)).
    """
    if not inputs:
        return []
    arg = READER if mode == "read" else output
    results = run_lua("booklet.markup", "pandoc_batch.lua", [mode, arg], inputs, TIMEOUT_S)
    return [r["ok"] if "ok" in r else PandocError(r["error"]) for r in results]


def run_lua(
    package: str, script: str, args: list[str], inputs: list[Any], timeout: float
) -> list[dict[str, str]]:
    """Run a batch script of ``package`` with ``pandoc lua``: the inputs as a JSON list on
    stdin, one result per input (``{"ok": …}`` or ``{"error": …}``) as a JSON list on stdout.

    Raises PandocError when pandoc cannot be run or fails as a whole."""
    try:
        pandoc_path = pypandoc.get_pandoc_path()
    except OSError as exc:
        raise PandocError(f"pandoc is not available: {exc}") from exc
    with resources.as_file(resources.files(package).joinpath(script)) as script_path:
        try:
            proc = subprocess.run(
                [pandoc_path, "lua", str(script_path), *args], input=json.dumps(inputs),
                capture_output=True, text=True, timeout=timeout, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PandocError(f"pandoc failed to run: {exc}") from exc
    if proc.returncode != 0:
        raise PandocError(f"pandoc failed: {proc.stderr.strip()[:500]}")
    results: list[dict[str, str]] = json.loads(proc.stdout)
    return results
