r"""Vetted formulas in the spelling pandoc's MathML converter (texmath) understands.

texmath knows nearly every command the allow-list admits; for the few it
does not, a formula would fall back to its TeX source in the HTML. Those are
rewritten here into near equivalents (``\dbinom`` → ``\binom``, ``dcases`` →
``cases``, ``\varprojlim`` → ``\underset{\longleftarrow}{\lim}``) or into the
Unicode character they print. Only the HTML path uses this: the booklet
typesets the formula as written.
"""

from __future__ import annotations

import re

# command name -> its replacement (written as LaTeX texmath reads)
COMMANDS: dict[str, str] = {
    "dbinom": "\\binom", "tbinom": "\\binom", "cfrac": "\\frac",
    "emph": "\\textit", "textnormal": "\\text", "textup": "\\text", "textsl": "\\textit",
    "textsc": "\\text", "mathnormal": "\\mathit",
    "hphantom": "\\phantom", "vphantom": "\\phantom",
    "mathclap": "", "mathllap": "", "mathrlap": "", "mathstrut": "",
    "xLeftarrow": "\\xleftarrow", "xhookleftarrow": "\\xleftarrow",
    "xleftharpoondown": "\\xleftarrow", "xleftharpoonup": "\\xleftarrow",
    "xRightarrow": "\\xrightarrow", "xLeftrightarrow": "\\xrightarrow",
    "xhookrightarrow": "\\xrightarrow", "xmapsto": "\\xrightarrow",
    "xrightharpoondown": "\\xrightarrow", "xrightharpoonup": "\\xrightarrow",
    "xrightleftharpoons": "\\xrightarrow", "xleftrightarrow": "\\xrightarrow",
    "xleftrightharpoons": "\\xrightarrow",
    "underleftrightarrow": "\\underline",
    "bigm": "\\big", "Bigm": "\\Big", "biggm": "\\bigg", "Biggm": "\\Bigg",
    "negthinspace": "\\!", "negmedspace": "\\!", "negthickspace": "\\!",
    "thinspace": "\\,", "thickspace": "\\;",
    "bmod": "\\operatorname{mod}",
    "injlim": "\\operatorname*{inj\\,lim}", "projlim": "\\operatorname*{proj\\,lim}",
    "varinjlim": "\\underset{\\longrightarrow}{\\lim}",
    "varprojlim": "\\underset{\\longleftarrow}{\\lim}",
    "varliminf": "\\underline{\\lim}", "varlimsup": "\\overline{\\lim}",
    "idotsint": "\\int\\cdots\\int",
    "circledS": "Ⓢ", "diagup": "╱", "diagdown": "╲", "surd": "√",
    "shortmid": "∣", "nshortmid": "∤", "shortparallel": "∥", "nshortparallel": "∦",
    "thicksim": "∼", "thickapprox": "≈", "colonapprox": "∶≈", "colonsim": "∶∼",
    "dblcolon": "∷", "Eqcolon": "−∷", "Eqqcolon": "=∷",
}  # fmt: skip

# environment -> (replacement environment, what stands before and after it)
ENVIRONMENTS: dict[str, tuple[str, str, str]] = {
    "dcases": ("cases", "", ""),
    "dcases*": ("cases", "", ""),
    "rcases": ("matrix", "\\left.", "\\right\\}"),
    "drcases": ("matrix", "\\left.", "\\right\\}"),
}

COMMAND = re.compile(r"\\([A-Za-z]+)(?![A-Za-z])")
BEGIN_END = re.compile(r"\\(begin|end)\{([a-z]+\*?)\}")


def for_mathml(latex: str) -> str:
    """``latex`` (a vetted formula) with the commands texmath lacks replaced."""
    if "\\" not in latex:
        return latex

    def command(match: re.Match[str]) -> str:
        replacement = COMMANDS.get(match.group(1))
        if replacement is None:
            return match.group(0)
        # a following letter must not join a replacement that ends in a command name
        return replacement + " " if replacement[-1:].isalpha() else replacement

    def environment(match: re.Match[str]) -> str:
        kind, name = match.groups()
        if name not in ENVIRONMENTS:
            return match.group(0)
        inner, before, after = ENVIRONMENTS[name]
        if kind == "begin":
            return f"{before}\\begin{{{inner}}}"
        return f"\\end{{{inner}}}{after}"

    return COMMAND.sub(command, BEGIN_END.sub(environment, latex))
