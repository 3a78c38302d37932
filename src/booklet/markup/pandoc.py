"""Running pandoc: many documents per process.

pandoc comes with pypandoc (the ``pypandoc-binary`` wheel ships it), so no
system package is needed. Each call handles a whole batch through
``pandoc_batch.lua``; a batch costs one process start, not one per abstract.
Markdown is read a run of abstracts per reader call (``read_markdown``).
"""

from __future__ import annotations

import json
import re
import secrets
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


def read_markdown(texts: list[str]) -> list[dict[str, Any] | Exception]:
    """Each Markdown text parsed as a document of its own into pandoc's AST.

    Asking pandoc's reader for a document costs it some 0.8 ms before reading a
    word, as much as reading an abstract. So abstracts are read by the run of
    ``READ_TOGETHER``, joined by a paragraph of a random token that no abstract can
    know, and the result is cut at those paragraphs. Only abstracts whose every
    construct ends with its paragraph are read so: an abstract that may reach beyond
    it (notes and links resolved over a document, fences and numbered examples,
    headings that links may name, a title block) is read alone. A run is read again
    one abstract at a time when its cut does not give back each abstract exactly (a
    token swallowed by a construct that joined two abstracts), or when it holds a
    heading or a numbered example that the patterns missed (``REACHABLE``)."""
    token = f"booklet-split-{secrets.token_hex(16)}"
    separator = {"t": "Para", "c": [{"t": "Str", "c": token}]}
    together = [i for i, text in enumerate(texts) if not DOCUMENT_WIDE.search(text)]
    runs = [together[k : k + READ_TOGETHER] for k in range(0, len(together), READ_TOGETHER)]
    grouped = set(together)
    alone = [i for i in range(len(texts)) if i not in grouped]
    joiner = f"\n\n{token}\n\n"
    inputs = [joiner.join(texts[i] for i in run) for run in runs] + [texts[i] for i in alone]
    docs: dict[int, dict[str, Any] | Exception] = {}
    again: list[int] = []
    results = run_batch("read", inputs)
    for run, read in zip(runs, results[: len(runs)], strict=True):
        parts = None if isinstance(read, Exception) else _cut(read, token, separator, len(run))
        if parts is None:
            again += run
        else:
            docs.update(zip(run, parts, strict=True))
    docs.update((i, _parsed(read)) for i, read in zip(alone, results[len(runs) :], strict=True))
    if again:
        reads = run_batch("read", [texts[i] for i in again])
        docs.update((i, _parsed(read)) for i, read in zip(again, reads, strict=True))
    return [docs[i] for i in range(len(texts))]


def _parsed(read: str | Exception) -> dict[str, Any] | Exception:
    return read if isinstance(read, Exception) else json.loads(read)


READ_TOGETHER = 10  # abstracts per reader call (from 5 on, the cost per call is paid off)
# What may reach beyond its paragraph: note references (^[…] is inline), link and note
# definitions, fenced code and divs, numbered examples, headings (links may name them);
# and what pandoc reads otherwise at a document's start: a title block (a first line
# starting with %), a byte-order mark (dropped there only).
DOCUMENT_WIDE = re.compile(
    r"\[\^|\]:|```|~~~|:::|\(@|^[ \t]*#|^[ \t]*(?:=+|-+)[ \t]*$|\A\s*%|\A\ufeff", re.M
)


# In a run's AST, nodes that other abstracts of the run may have reached: a heading (an
# implicit reference, "[Methods]", links to it; in a quote or a list the regex above does
# not see it) and a numbered example (numbered across the document, "@label" names it).
# In pandoc's JSON a node's type is written "t":"…"; text holding quotes is escaped.
REACHABLE = ('"t":"Header"', '"t":"Example"')


def _cut(read: str, token: str, separator: dict[str, Any], count: int) -> list[Any] | None:
    """The documents of a run, cut at the separator paragraphs; None unless there are
    exactly ``count`` of them, the token appears nowhere else, and no abstract of the
    run holds a node another one may have reached (``REACHABLE``)."""
    if read.count(token) != count - 1 or any(node in read for node in REACHABLE):
        return None
    whole = json.loads(read)
    parts: list[list[Any]] = [[]]
    for block in whole["blocks"]:
        if block == separator:
            parts.append([])
        else:
            parts[-1].append(block)
    if len(parts) != count:
        return None
    return [{**whole, "meta": {}, "blocks": blocks} for blocks in parts]


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
