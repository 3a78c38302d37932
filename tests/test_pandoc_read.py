"""Abstracts read by the run: pandoc reads a few abstracts per call, cut apart again,
and each comes out exactly as if it had been read alone."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from booklet.diagnostics import Diagnostics, Origin
from booklet.markup import markdown as markdown_module
from booklet.markup import pandoc as pandoc_module
from booklet.markup.markdown import MarkdownSource, _convert
from booklet.markup.pandoc import read_markdown, run_batch
from hostile_corpus import ABSTRACTS
from test_markup_properties import RandomChooser, abstract

# neighbours that could act on each other if they were one document
NEIGHBOURS = [
    ["Table: a caption", "| a | b |\n|---|---|\n| 1 | 2 |"],
    ["| a | b |\n|---|---|\n| 1 | 2 |", ": a caption"],
    ["Term", ": a definition"],
    ["A note[^1].", "[^1]: whose note?"],
    ["[a link][ref]", "[ref]: https://example.org"],
    ["```\nan unclosed fence", "the next abstract"],
    ["::: an unclosed div", "the next abstract"],
    ["(@) first example", "(@) second example"],
    ["# Introduction", "See [Introduction]."],
    ["the end\\", "% Title\n% Author\n\nBody"],
    ["*open", "close*"],
    ["> a quote", "lazy continuation"],
    ["* an item", "  continued?"],
    ["A [@doe] citation", "and another [@doe]."],
    ["First.", "\ufeffA byte-order mark, dropped at a document's start only."],
    ["First.", "Trailing backslash \\", "Two trailing spaces  ", "\x00 and \f"],
    # found by review: numbered examples and headings the patterns do not see
    ["@. first example", "@. second example"],
    ["Follow @alice.", "@alice. x"],
    ["- @x. An example", "Reach me @x."],
    ["> # 1", "As shown in [1], the method works."],
    ["- # Intro", "See [Intro]."],
    ["Term\n:   # Methods", "See [Methods]."],
    ["+-----------+\n| # Methods |\n+-----------+", "See [Methods]."],
    ["See [Intro].", "> Intro\n> -----"],
    ["> # x {#anything}", "See [x]."],
    ["Intro\r\n=====\r\n", "See [Intro]."],
]


def alone(texts: list[str]) -> list[object]:
    return [r if isinstance(r, Exception) else json.loads(r) for r in run_batch("read", texts)]


def convert(texts: list[str]) -> tuple[list[object], list[str]]:
    sources = [MarkdownSource(text, Origin(Path(f"/abstracts/{n}.md"), 1))
               for n, text in enumerate(texts)]  # fmt: skip
    diags = Diagnostics()
    return _convert(sources, diags, ("latex", "html", "plain")), sorted(map(str, diags.items))


@pytest.mark.parametrize("neighbours", NEIGHBOURS, ids=lambda pair: repr(pair)[:40])
def test_neighbours_read_in_one_run_come_out_as_if_read_alone(
    monkeypatch: pytest.MonkeyPatch, neighbours: list[str]
) -> None:
    by_run = convert(neighbours)  # the pair alone in its run: nothing else decides for it
    monkeypatch.setattr(markdown_module, "read_markdown", alone)
    assert convert(neighbours) == by_run  # every format, every diagnostic


def test_abstracts_read_by_the_run_come_out_as_if_read_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = list(ABSTRACTS.values())
    texts += [abstract(RandomChooser(random.Random(seed), tame=bool(seed % 2)))
              for seed in range(400)]  # fmt: skip
    by_run = convert(texts)
    monkeypatch.setattr(markdown_module, "read_markdown", alone)
    assert convert(texts) == by_run


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many inputs each pandoc run of ``read_markdown`` got."""
    calls: list[int] = []
    real = pandoc_module.run_batch

    def counting(mode: str, inputs: list[str], *args: object) -> list[object]:
        calls.append(len(inputs))
        return real(mode, inputs, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pandoc_module, "run_batch", counting)
    return calls


def test_one_reader_call_per_run_of_abstracts(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_reads(monkeypatch)
    texts = [f"Abstract {n} with $x_{n}$ and *emphasis*." for n in range(25)]
    texts.append("A note[^1].\n\n[^1]: a note reaches beyond its paragraph: read alone")
    docs = read_markdown(texts)
    assert calls == [3 + 1]  # one pandoc run: three runs of abstracts, one abstract alone
    assert docs == alone(texts)


def test_a_run_that_does_not_cut_back_is_read_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # joined, the separator after "Term" becomes a term of the definition that starts the
    # next abstract: the cut finds too few separators, and the run is read again, alone
    calls = count_reads(monkeypatch)
    texts = ["First.", "Term", ": a definition", "Fourth."]
    docs = read_markdown(texts)
    assert calls == [1, 4]  # the run, then each abstract alone
    assert docs == alone(texts)
