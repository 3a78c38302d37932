"""Hostile input: every published bypass of a LaTeX filter we know of, and more.

Sources: Checkoway, Shacham and Rescorla, "Are Text-Only Data Formats Safe?"
(USENIX LEET 2010); Indico's GHSA-67cx-rhhq-mfhq (2019) and CVE-2026-33046
(caret escapes, ``\\begin{<anything>}``); pandoc's math pass-through. Each
payload is written as a submitter could: in an abstract (Markdown), a
title, a speaker's name or an affiliation. ``SECRET`` is replaced by the
path of a planted secret file, ``PWNED`` by a path nothing may create.
"""

from __future__ import annotations

# In an abstract (the Markdown body).
ABSTRACTS: dict[str, str] = {
    "math-input": r"Text $\input{SECRET}$ more.",
    "math-breakout": r"Text $x\)\input{SECRET}\($ more.",
    "display-breakout": "Text\n\n$$x\\]\\input{SECRET}\\[$$\n\nmore.",
    "caret-5c": r"Text $^^5cinput{SECRET}$ more.",
    "caret-4": r"Text $^^^^005cinput{SECRET}$ more.",
    "caret-char": r"Text $^^\input{SECRET}$ more.",
    "caret-in-text": r"Text ^^5cinput{SECRET} and ^^^^005cinput{SECRET}.",
    "csname": r"Text $\csname input\endcsname{SECRET}$.",
    "csname-in-text": r"Text \csname input\endcsname{SECRET}.",
    "catcode": r"Text $\catcode`\^=7 x$ and \catcode`\^=7.",
    "begin-input": r"Text $\begin{input}{SECRET}\end{input}$.",
    "begin-input-text": r"Text \begin{input}{SECRET}\end{input}.",
    "openin-read": r"Text $\openin1=SECRET \read1to\x \x$.",
    "include": r"Text $\include{SECRET}$ and \include{SECRET}.",
    "InputIfFileExists": r"Text $\InputIfFileExists{SECRET}{}{}$.",
    "makeatletter-input": r"Text $\makeatletter\@@input SECRET$ and \makeatletter\@@input SECRET.",
    "scantokens": r"Text $\scantokens{\input{SECRET}}$.",
    "lstinputlisting": r"Text $\lstinputlisting{SECRET}$ \lstinputlisting{SECRET}.",
    "verbatiminput": r"Text $\verbatiminput{SECRET}$ \verbatiminput{SECRET}.",
    "pdffiledump": r"Text $\pdffiledump offset 0 length 40 {SECRET}$.",
    "openout-write": r"Text $\immediate\openout1=PWNED \immediate\write1{x}$.",
    "write18": r"Text $\write18{touch PWNED}$.",
    "immediate-write18": r"Text $\immediate\write18{touch PWNED}$ \immediate\write18{touch PWNED}.",
    "directlua": r"Text $\directlua{os.execute('touch PWNED')}$.",
    "def-loop": r"Text $\def\x{\x}\x$ and \def\x{\x}\x.",
    "loop-repeat": r"Text $\loop\iftrue\repeat$.",
    "shipout-loop": r"Text $\def\x{\shipout\hbox{}\x}\x$.",
    "text-input": r"Text $\text{\input{SECRET}}$.",
    "text-nested": r"Text $\text{a $\input{SECRET}$ b}$.",
    "frac-hidden": r"Text $\frac{\input{SECRET}}{2}$.",
    "raw-inline": "Text `\\input{SECRET}`{=latex} more.",
    "raw-block": "Text\n\n```{=latex}\n\\input{SECRET}\n```\n\nmore.",
    "raw-tex": "Text \\input{SECRET} and\n\n\\input{SECRET}\n\nmore.",
    "newcommand": r"\newcommand{\x}{\input{SECRET}} Text \x more.",
    "yaml-metadata": "---\nheader-includes: \\input{SECRET}\n---\n\nText.",
    "image-local": "Text ![secret](SECRET) more.",
    "image-pdf": "![x](SECRET.pdf)",
    "link-file": "Text [link](file://SECRET) more.",
    "html": 'Text <img src="SECRET"> <script>x</script> more.',
    "verbatim-breakout": "```\n\\end{verbatim}\\input{SECRET}\\begin{verbatim}\n```",
    "code-span": "Text `\\input{SECRET}` more.",
    "footnote": "Text[^1] more.\n\n[^1]: Note $\\input{SECRET}$.",
    "table": "| a | b |\n|---|---|\n| $\\input{SECRET}$ | x |",
    "fenced-div": '::: {lang="en}\\input{SECRET}"}\nText\n:::',
    "span-attr": '[Text]{lang="x}\\input{SECRET}"} more.',
    "heading-label": "# Heading {#x\\input{SECRET}}\n\nText.",
    "href-breakout": "Text [x](http://a}\\input{SECRET}{) more.",
    "url-percent": "Text <http://example.org/%0A\\input{SECRET}> more.",
}

# In a title (plain text with $math$).
TITLES: dict[str, str] = {
    "title-math": r"Title $\input{SECRET}$",
    "title-text": r"Title \input{SECRET}",
    "title-caret": r"Title ^^5cinput{SECRET}",
    "title-breakout": r"Title $x\)\input{SECRET}\($",
}

# In a speaker's name or affiliation (plain text).
NAMES: dict[str, str] = {
    "name-input": r"\input{SECRET}",
    "name-caret": r"^^5cinput{SECRET}",
    "affiliation-csname": r"\csname input\endcsname{SECRET}",
    "affiliation-write18": r"\immediate\write18{touch PWNED}",
}
