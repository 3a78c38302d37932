"""Vetting of untrusted formulas: an allow-list, and re-serialisation from the parse tree.

Titles and abstracts come from submitters; the mathematics inside ``$...$`` goes to TeX, which
can read files, write files and redefine itself. :func:`vet_math` therefore

1. rejects characters TeX acts on before it even reads a command (``^^`` escapes, ``%``, ``#``,
   ``$``, control characters, ``\\(`` ``\\)`` ``\\[`` ``\\]``) and over-long or over-deep input;
2. parses with pylatexenc (parse errors become problems, never exceptions);
3. walks the tree, accepting only the commands and environments listed in
   :mod:`booklet.markup.math_allowlist`, checking ``\\text{...}`` contents as text;
4. emits LaTeX *re-serialised from the tree* -- never the submitted string.

Design decisions: Unicode symbols commonly pasted into formulas (``α``, ``≤``, ``ℝ``, ``−``) are
mapped to commands; other non-ASCII letters are rejected in math (they belong in ``\\text``),
where accented Latin letters are accepted. Inside ``\\text``, ``_ & ^`` are escaped and ``~`` is
kept as the tie (non-breaking space) it is in LaTeX. ``\\%`` is accepted and emitted as
``\\symbol{37}`` so that the output never contains a ``%``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexNode,
    LatexWalker,
    LatexWalkerError,
)
from pylatexenc.macrospec import (
    EnvironmentSpec,
    LatexContextDb,
    MacroSpec,
    MacroStandardArgsParser,
)

from booklet.markup import math_allowlist as allow
from booklet.markup.math_allowlist import MATH_ONLY_COMMANDS, is_allowed_command, suggest_command

__all__ = ["MATH_ONLY_COMMANDS", "MathProblem", "VettedMath", "is_allowed_command",
           "suggest_command", "vet_math"]


@dataclass(frozen=True)
class MathProblem:
    offset: int  # 0-based character offset in the formula source where the problem is
    message: str
    severity: str = "error"  # "error" or "warning"


@dataclass(frozen=True)
class VettedMath:
    latex: str | None  # safe re-serialised LaTeX (no $ or \( delimiters), None when rejected
    problems: tuple[MathProblem, ...]


@lru_cache(maxsize=1 << 16)  # formulas repeat ($n$, $\mathbb{R}$): vet each one once
def vet_math(source: str, *, display: bool = False, max_length: int = 2000,
             max_depth: int = 20) -> VettedMath:
    """Check a formula (the text between ``$`` signs) and return a safe re-serialisation."""
    try:
        return _vet(source, display, max_length, max_depth)
    except RecursionError:
        return VettedMath(None, (MathProblem(0, "this formula is nested too deeply"),))
    except Exception as exc:  # never raise for any input: a bug must not stop the build
        return VettedMath(None, (MathProblem(0, f"internal error while checking this formula "
                                                f"({type(exc).__name__}); please report it"),))


_MAX_PROBLEMS = 10  # reported per formula; the rest are counted


def _vet(source: str, display: bool, max_length: int, max_depth: int) -> VettedMath:
    problems = _prescan(source, max_length, max_depth)
    if problems:
        return VettedMath(None, _capped(problems))
    src = "".join(" " if c.isspace() else c for c in source)  # same length: offsets stay valid
    walker = LatexWalker(src, latex_context=_CONTEXT, tolerant_parsing=False)
    try:
        nodes, _, _ = walker.get_latex_nodes(pos=0, parsing_state=walker.make_parsing_state(
            in_math_mode=True))
    except LatexWalkerError as exc:
        return VettedMath(None, (_parse_problem(exc),))
    vetter = _Vetter(display)
    latex = vetter.math(nodes, _Ctx())
    clean = not vetter.problems
    if clean and _prescan(latex, max_length, max_depth):  # re-serialising adds braces
        vetter.error(0, f"this formula is too long or too deeply nested once written out in "
                        f"full ({len(latex)} characters); please simplify it")
    elif clean and (accent := _accent_over_indexed_root(latex)):
        vetter.error(0, f"\\{accent} over a root with an index (\\sqrt[n]{{...}}) that holds "
                        "another accent cannot be typeset (a limit of amsmath); use "
                        "\\widehat, \\widetilde or \\overline over the root instead")
    found = _capped(sorted(vetter.problems, key=lambda p: p.offset), vetter.suppressed)
    return VettedMath(None if any(p.severity == "error" for p in found) else latex, found)


# amsmath's math accents: one of them over \sqrt[n]{...} holding another stops TeX
# ("Undefined control sequence \macc@kerna"); \widehat and \overline are not affected.
_AMS_ACCENT = re.compile(
    r"\\(hat|tilde|bar|vec|dot|ddot|dddot|ddddot|acute|grave|check|breve|mathring)(?![A-Za-z])"
)


def _accent_over_indexed_root(latex: str) -> str | None:
    """The accent of ``\\hat{... \\sqrt[n]{... \\dot{x} ...} ...}`` in a re-serialised
    formula (arguments are always braced there), or None."""
    for accent in _AMS_ACCENT.finditer(latex):
        argument = _braced(latex, accent.end())
        for root in re.finditer(r"\\sqrt\[", argument or ""):
            close = _matching(argument, root.end() - 1, "[", "]")  # type: ignore[arg-type]
            radicand = _braced(argument, close + 1) if close is not None else None  # type: ignore[arg-type]
            if radicand and _AMS_ACCENT.search(radicand):
                return accent.group(1)
    return None


def _braced(text: str, start: int) -> str | None:
    """The contents of the brace group that starts at ``text[start]``, if one does."""
    if not text.startswith("{", start):
        return None
    end = _matching(text, start, "{", "}")
    return text[start + 1 : end] if end is not None else None


def _matching(text: str, start: int, opening: str, closing: str) -> int | None:
    """The index of the ``closing`` that balances ``text[start]`` (an ``opening``);
    escaped braces (``\\{``) do not count."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _capped(problems: list[MathProblem], suppressed: int = 0) -> tuple[MathProblem, ...]:
    """At most _MAX_PROBLEMS problems, then one saying how many more there are."""
    more = suppressed + max(0, len(problems) - _MAX_PROBLEMS)
    kept = tuple(problems[:_MAX_PROBLEMS])
    if more:
        kept += (MathProblem(kept[-1].offset, f"... and {more} more problem(s) in this formula"),)
    return kept


# ------------------------------------------------------------------------------ before parsing

_SCAN_MESSAGES = {
    "%": "'%' is not allowed in formulas (TeX would ignore the rest of the line); "
         "write \\% for a percent sign",
    "#": "'#' is not allowed in formulas",
    "$": "'$' is not allowed inside a formula: it would end the mathematics",
    "\\#": "\\# is not allowed in formulas",
    "\\$": "\\$ is not allowed in formulas; write \\text{\\textdollar}",
}
_OPENERS = {"begin": "begin", "left": "left"}
_CLOSERS = {"end": "begin", "right": "left"}
_OPTIONAL_ARG_COMMANDS = frozenset(n for n, s in allow.MATH_SIGNATURES.items() if "o" in s)


def _prescan(src: str, max_length: int, max_depth: int) -> list[MathProblem]:
    """Problems with characters TeX would act on before any command is seen."""
    if len(src) > max_length:
        return [MathProblem(max_length, f"this formula is too long ({len(src)} characters; "
                                        f"at most {max_length} are allowed)")]
    problems: list[MathProblem] = []
    stack: list[str] = []  # open braces, optional arguments, environments and \left
    too_deep = False
    i = 0
    while i < len(src):
        c, start = src[i], i
        opened = closed = ""
        if src.startswith("^^", i):
            problems.append(MathProblem(i, "'^^' is not allowed in formulas (TeX reads ^^ "
                                           "followed by characters as a hidden character code)"))
            i += 2
            continue
        if c == "\\":
            nxt = src[i + 1] if i + 1 < len(src) else ""
            if not nxt:
                problems.append(MathProblem(i, "a formula cannot end with a lone '\\'"))
            elif nxt in "()[]":
                problems.append(MathProblem(i, f"\\{nxt} is not allowed inside a formula: "
                                               "it would start or end math mode"))
            elif nxt in "#$":
                problems.append(MathProblem(i, _SCAN_MESSAGES["\\" + nxt]))
            if nxt.isalpha():
                j = i + 1
                while j < len(src) and src[j].isalpha():
                    j += 1
                name = src[i + 1:j]
                opened, closed = _OPENERS.get(name, ""), _CLOSERS.get(name, "")
                if name in _OPTIONAL_ARG_COMMANDS and src[j:].lstrip().startswith("["):
                    opened = "["
                i = j
            elif nxt in "{}\\%#$()[]" or not nxt:
                i += 2
                if nxt == "\\" and src.startswith("[", i):
                    opened = "["
            else:
                i += 1  # a control symbol like \, : the next character is checked as usual
        else:
            opened = "{" if c == "{" else ""
            closed = {"}": "{", "]": "["}.get(c, "")
            if c in "%#$":
                problems.append(MathProblem(i, _SCAN_MESSAGES[c]))
            elif unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") and c not in "\t\n\r":
                problems.append(MathProblem(i, f"invisible or control character U+{ord(c):04X} "
                                               "is not allowed in formulas"))
            i += 1
        if closed and stack and stack[-1] == closed:
            stack.pop()
        if opened:
            stack.append(opened)
            if len(stack) > max_depth and not too_deep:
                too_deep = True
                problems.append(MathProblem(start, f"this formula is nested too deeply (more "
                                                   f"than {max_depth} levels of braces, "
                                                   "environments or \\left...\\right)"))
    return problems


# ------------------------------------------------------------------------------ parsing

_ARGSPEC = {"m": "{", "o": "[", "t": "{", "n": "{", "d": "{", "s": "*", "p": "{"}


def _make_context() -> LatexContextDb:
    signatures = {**allow.TEXT_SIGNATURES, **allow.MATH_SIGNATURES}
    macros = [MacroSpec(name, MacroStandardArgsParser("".join(_ARGSPEC[k] for k in sig)))
              for name, sig in signatures.items()]
    environments = [EnvironmentSpec(name, MacroStandardArgsParser("{" if spec.argument else ""))
                    for name, spec in allow.ENVIRONMENTS.items()]
    db = LatexContextDb()
    db.add_context_category("booklet-math", macros=macros, environments=environments)
    db.set_unknown_macro_spec(MacroSpec(""))
    db.set_unknown_environment_spec(EnvironmentSpec(""))
    return db


_CONTEXT = _make_context()


def _parse_problem(exc: LatexWalkerError) -> MathProblem:
    """Turn a pylatexenc parse error into a plain message."""
    msg = str(getattr(exc, "msg", exc))
    pos = getattr(exc, "pos", None) or 0
    contexts = getattr(exc, "open_contexts", None) or []
    where = contexts[0][1] if contexts else pos
    if "mismatching closing brace" in msg:
        return MathProblem(pos, "unbalanced braces: this '}' has no matching '{'")
    if "was expecting '}'" in msg:
        return MathProblem(where, "unbalanced braces: a '{' is never closed")
    if "was expecting ']'" in msg:
        return MathProblem(where, "unbalanced brackets: the '[' of an optional argument "
                                  "is never closed")
    if m := re.search(r"mismatching closing environment: '(.*)', was expecting '(.*)'", msg):
        return MathProblem(pos, f"\\end{{{m[1]}}} does not match \\begin{{{m[2]}}}")
    if m := re.search(r"was expecting \\end\{(.*)\}", msg):
        return MathProblem(where, f"\\begin{{{m[1]}}} is never closed by \\end{{{m[1]}}}")
    if m := re.search(r"Unexpected closing environment: '(.*)'", msg):
        return MathProblem(pos, f"\\end{{{m[1]}}} has no matching \\begin{{{m[1]}}}")
    if m := re.search(r'arguments of macro "(.*)"', msg):
        return MathProblem(where, f"\\{m[1]} is missing an argument at the end of the formula")
    if m := re.search(r'arguments of environment "\\begin\{(.*)\}"', msg):
        return MathProblem(where, f"\\begin{{{m[1]}}} is missing its argument")
    if "Bad \\begin" in msg or "Bad \\end" in msg:
        return MathProblem(pos, "\\begin and \\end need an environment name in braces, "
                                "e.g. \\begin{aligned}")
    return MathProblem(pos, f"could not read this formula: {msg.splitlines()[0] if msg else ''}")


# ------------------------------------------------------------------------------ the tree walk


class _Tok(NamedTuple):
    kind: str  # "char", "space", "macro", "group", "env" or "other"
    pos: int
    char: str = ""
    node: LatexNode | None = None


def _tokens(nodes: list[LatexNode]) -> list[_Tok]:
    toks: list[_Tok] = []
    for node in nodes:
        if isinstance(node, LatexCharsNode):
            toks += [_Tok("space" if c == " " else "char", node.pos + k, c)
                     for k, c in enumerate(node.chars)]
        else:
            kind = {LatexMacroNode: "macro", LatexGroupNode: "group",
                    LatexEnvironmentNode: "env"}.get(type(node), "other")
            toks.append(_Tok(kind, node.pos, node=node))
    return toks


def _group_nodes(node: LatexNode | None) -> list[LatexNode]:
    """The contents of an argument: a group's nodes, or the single token itself."""
    return list(node.nodelist) if isinstance(node, LatexGroupNode) else [node] if node else []


def _is_missing(node: LatexNode | None) -> bool:
    return node is None or (isinstance(node, LatexCharsNode) and not node.chars)


def _outside_braces(latex: str, char: str) -> bool:
    """Whether ``char`` occurs in ``latex`` outside braces (and not as part of a command)."""
    depth, i = 0, 0
    while i < len(latex):
        c = latex[i]
        if c == "\\":
            i += 1
        elif c in "{}":
            depth += 1 if c == "{" else -1
        elif c == char and depth == 0:
            return True
        i += 1
    return False


def _bracket(toks: list[_Tok], j: int) -> tuple[str | None, int] | None:
    """If ``toks[j:]`` starts (after spaces) with '[': its plain-character contents up to ']'
    (None if there are commands or no ']') and the index after the ']'."""
    while j < len(toks) and toks[j].kind == "space":
        j += 1
    if j >= len(toks) or toks[j].char != "[":
        return None
    k = j + 1
    while k < len(toks) and toks[k].kind in ("char", "space") and toks[k].char != "]":
        k += 1
    if k >= len(toks) or toks[k].char != "]":
        return None, j
    return "".join(t.char for t in toks[j + 1:k]), k + 1


class _Out:
    """Output buffer: collapses spaces and separates a control word from a following letter."""

    def __init__(self, keep_edge_spaces: bool = False) -> None:
        self.parts: list[str] = []
        self.pending_space = False
        self.after_word = False  # the output ends with a control word such as \alpha
        self.keep_edge_spaces = keep_edge_spaces

    def space(self) -> None:
        self.pending_space = True

    def add(self, text: str, word: bool = False) -> None:
        edge_ok = self.parts or self.keep_edge_spaces
        if (self.pending_space and edge_ok) or (self.after_word and text[:1].isalpha()):
            self.parts.append(" ")
        self.parts.append(text)
        self.pending_space, self.after_word = False, word

    def command(self, name: str) -> None:
        self.add("\\" + name, word=name.isalpha())

    def text(self) -> str:
        if self.pending_space and self.keep_edge_spaces:
            self.parts.append(" ")
        return "".join(self.parts)


@dataclass
class _Ctx:
    env: str = ""  # the alignment environment whose cells this list is ("" if none)
    columns: int | None = 0  # maximum columns (None: unlimited, 0: & not allowed)
    rows: bool = False  # \\ allowed
    hline: bool = False
    position: bool = False  # may start with [t]
    depth: int = 0
    optional: bool = False  # inside an optional argument [...]: no environments there

    def inner(self, optional: bool = False) -> _Ctx:
        return _Ctx(depth=self.depth + 1, optional=self.optional or optional)


_NOT_A_SCRIPT = frozenset(["left", "right", "middle", "limits", "nolimits", "hline", "\\"])
_LENGTH = re.compile(r"\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*(pt|mm|cm|in|ex|em|bp|pc)\s*")
_WORD = re.compile(r"\\[A-Za-z]+")


@dataclass
class _List:
    """State of one math list (a group, an argument or an environment cell sequence)."""

    ctx: _Ctx
    out: _Out = field(default_factory=_Out)
    sup: bool = False  # the current nucleus already has a superscript
    sub: bool = False
    prime: bool = False  # just after x' (a following ^ joins the prime's superscript)
    operator: bool = False  # the last atom was an operator (\limits allowed)
    lefts: list[int] = field(default_factory=list)  # offsets of unclosed \left
    column: int = 1
    row_empty: bool = True

    def atom(self, operator: bool = False) -> None:
        self.sup = self.sub = self.row_empty = self.prime = False
        self.operator = operator


class _Vetter:
    def __init__(self, display: bool) -> None:
        self.display = display
        self.problems: list[MathProblem] = []
        self.suppressed = 0  # problems beyond _MAX_PROBLEMS, counted but not reported

    def error(self, offset: int, message: str, severity: str = "error") -> None:
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(MathProblem(offset, message, severity))
        else:
            self.suppressed += 1

    def refuse(self, name: str, pos: int, mode: str) -> None:
        """Report a command that is not allowed: dangerous, misplaced or unknown."""
        if len(self.problems) >= _MAX_PROBLEMS:  # not reported: spare the difflib search
            self.suppressed += 1
            return
        where = "in mathematics" if mode == "math" else "inside \\text{...}"
        if reason := allow.forbidden_reason(name):
            self.error(pos, f"\\{name} is not allowed {where} ({reason})")
        elif mode == "text" and name == "\\":
            self.error(pos, "\\\\ cannot be used inside \\text{...}")
        elif mode == "text" and name in allow.MATH_COMMANDS:
            self.error(pos, f"\\{name} is a math command and cannot be used inside "
                            "\\text{...}; close the \\text{...} first")
        elif mode == "math" and name in allow.TEXT_COMMANDS:
            self.error(pos, f"\\{name} can only be used inside \\text{{...}}")
        elif hint := allow.HINTS.get(name):
            self.error(pos, f"\\{name} cannot be used {where}: {hint}")
        elif guess := suggest_command(name):
            self.error(pos, f"unknown command \\{name} {where}; did you mean \\{guess}?")
        else:
            self.error(pos, f"unknown command \\{name} {where}")

    # -- math lists

    def math(self, nodes: list[LatexNode], ctx: _Ctx) -> str:
        return self.math_tokens(_tokens(nodes), ctx)

    def math_tokens(self, toks: list[_Tok], ctx: _Ctx) -> str:
        lst = _List(ctx, _Out(keep_edge_spaces=bool(ctx.env)))
        i = 0
        if ctx.position and (found := _bracket(toks, 0)):
            if found[0] is not None and found[0].strip() in ("t", "b", "c"):
                lst.out.add(f"[{found[0].strip()}]")
                i = found[1]
            else:
                lst.out.add("{}")  # keep an opening '[' from being read as the position
        while i < len(toks):
            tok = toks[i]
            i += 1
            if lst.prime and tok.char not in ("'", "^"):
                lst.sup, lst.prime = True, False  # x' followed by anything but ^ is x^{\prime}
            if tok.kind == "space":
                lst.out.space()
            elif tok.kind == "char" and tok.char in "^_":
                i = self.script(lst, tok, toks, i)
            elif tok.kind == "char":
                self.math_char(lst, tok.char, tok.pos)
            elif tok.kind == "macro" and isinstance(tok.node, LatexMacroNode):
                i = self.math_macro(lst, tok.node, toks, i)
            elif tok.kind == "group":
                lst.atom()
                lst.out.add("{" + self.math(_group_nodes(tok.node), ctx.inner()) + "}")
            elif tok.kind == "env" and isinstance(tok.node, LatexEnvironmentNode):
                lst.atom()
                lst.out.add(self.environment(tok.node, ctx))
            else:
                self.error(tok.pos, "unexpected content in formula")
        for pos in lst.lefts:
            self.error(pos, "\\left is not closed by a \\right in the same group")
        return lst.out.text()

    def math_char(self, lst: _List, c: str, pos: int) -> None:
        if c == "&":
            if lst.ctx.columns == 0:
                self.error(pos, "'&' separates columns only inside an environment such as "
                                "aligned, cases or a matrix")
            elif lst.lefts:
                self.error(pos, "'&' cannot be used between \\left and \\right")
            lst.column += 1
            if lst.ctx.columns and lst.column == lst.ctx.columns + 1:
                self.error(pos, f"too many '&' in this row: {lst.ctx.env} allows at most "
                                f"{lst.ctx.columns} column(s)")
            lst.atom()
            lst.out.add("&")
        elif c == "'":
            if lst.sup:
                self.error(pos, "a prime after a superscript is a double superscript; "
                                "write x'^{2} or {x^{2}}'")
            lst.row_empty, lst.prime = False, True
            lst.out.add("'")
        elif c in allow.MATH_CHARS:
            lst.atom()
            lst.out.add(c)
        elif c in allow.UNICODE_MATH:
            repl = allow.UNICODE_MATH[c]
            if _WORD.fullmatch(repl):
                self.symbol(lst, repl[1:])
            elif repl.startswith("\\"):
                lst.atom()
                lst.out.add(repl)
            else:
                for r in repl:
                    self.math_char(lst, r, pos)
        elif c in allow.UNICODE_HINTS:
            self.error(pos, f"the character '{c}' cannot be used in formulas; "
                            f"{allow.UNICODE_HINTS[c]}")
        elif c.isalpha():
            self.error(pos, f"the letter '{c}' cannot be used in mathematics; "
                            "put words in \\text{...}")
        else:
            self.error(pos, f"the character '{c}' (U+{ord(c):04X}) is not supported in formulas")

    def symbol(self, lst: _List, name: str) -> None:
        lst.atom(operator=name in allow.OPERATOR_LIKE)
        lst.out.command(name)

    def script(self, lst: _List, tok: _Tok, toks: list[_Tok], i: int) -> int:
        what = "superscript" if tok.char == "^" else "subscript"
        if lst.sup if tok.char == "^" else lst.sub:
            self.error(tok.pos, f"double {what}: write x{tok.char}{{ab}} or "
                                f"{{x{tok.char}{{a}}}}{tok.char}{{b}}")
        while i < len(toks) and toks[i].kind == "space":
            i += 1
        arg = toks[i] if i < len(toks) else None
        name = arg.node.macroname if arg and isinstance(arg.node, LatexMacroNode) else ""
        if arg is None or arg.char in ("^", "_", "&") or name in _NOT_A_SCRIPT or (
                allow.MATH_SIGNATURES.get(name) == "d"):
            self.error(tok.pos, f"the {what} '{tok.char}' needs something after it; "
                                f"write e.g. x{tok.char}{{2}}")
            return i
        if arg.kind == "group":
            rendered = "{" + self.math(_group_nodes(arg.node), lst.ctx.inner()) + "}"
        elif arg.kind == "char" and arg.char.isascii() and arg.char.isalnum():
            rendered = arg.char
        else:
            rendered = "{" + self.math_tokens([arg], lst.ctx.inner()) + "}"
        if tok.char == "^":
            lst.sup = True
        else:
            lst.sub = True
        lst.prime = False
        lst.out.add(tok.char + rendered)
        if isinstance(arg.node, LatexMacroNode) and arg.node.macro_post_space:
            lst.out.space()
        return i + 1

    def math_macro(self, lst: _List, node: LatexMacroNode, toks: list[_Tok], i: int) -> int:
        name, pos = node.macroname, node.pos
        if name == "\\":
            return self.newline(lst, pos, toks, i)
        if name == "hline":
            if not (lst.ctx.hline and lst.row_empty):
                self.error(pos, "\\hline can only start a row of an array")
            lst.out.command(name)
            return i
        if name == "%":
            lst.atom()
            lst.out.add("\\text{" + allow.PERCENT + "}")
            return i
        if name not in allow.MATH_COMMANDS:
            self.refuse(name, pos, "math")
            return i
        sig = allow.MATH_SIGNATURES.get(name, "")
        if not sig:
            if name in ("limits", "nolimits"):
                if not lst.operator:
                    self.error(pos, f"\\{name} must follow an operator such as \\sum or \\lim")
                lst.out.command(name)
            else:
                self.symbol(lst, name)
            if node.macro_post_space:
                lst.out.space()  # keep "\\le 2" readable; TeX ignores the space anyway
            return i
        args = node.nodeargd.argnlist if node.nodeargd is not None else None
        if args is None or len(args) != len(sig):
            self.error(pos, f"\\{name} needs its argument here; put it in braces: "
                            f"{{\\{name}{{...}}}}")
            return i
        if name == "left":
            lst.lefts.append(pos)
        elif name == "right" and lst.lefts:
            lst.lefts.pop()
        elif name == "right" or (name == "middle" and not lst.lefts):
            self.error(pos, f"\\{name} without a matching \\left before it")
        lst.atom(operator=name in allow.OPERATOR_LIKE)
        lst.out.command(name)
        for kind, arg in zip(sig, args, strict=True):
            self.argument(lst.out, name, pos, kind, arg, lst.ctx)
        return i

    def argument(self, out: _Out, name: str, pos: int, kind: str, arg: LatexNode | None,
                 ctx: _Ctx) -> None:
        if kind == "s":
            if arg is not None:
                out.add("*")
            return
        if kind == "o":
            if arg is not None:
                body = self.math(_group_nodes(arg), ctx.inner(optional=True))
                # TeX ends an optional argument at the first ']' outside braces
                out.add("[{" + body + "}]" if _outside_braces(body, "]") else f"[{body}]")
            return
        if _is_missing(arg):
            self.error(pos, f"\\{name} is missing an argument")
            return
        nodes = _group_nodes(arg)
        if kind == "d":
            self.delimiter(out, name, arg)
        elif kind == "t":
            out.add("{" + self.text(nodes) + "}")
        elif kind == "n":
            out.add("{" + self.operator_name(name, nodes) + "}")
        else:
            inner = ctx.inner()
            if name == "substack":
                inner.rows = True
            body = self.math(nodes, inner)
            if name in allow.CAPITALS_ONLY_FONTS and re.search(r"[a-z0-9]", re.sub(
                    r"\\[A-Za-z]+", "", body)):
                self.error(pos, f"\\{name} has only capital letters; small letters and digits "
                                "print as wrong symbols", severity="warning")
            out.add("{" + body + "}")

    def delimiter(self, out: _Out, name: str, arg: LatexNode | None) -> None:
        if isinstance(arg, LatexCharsNode) and arg.chars in allow.DELIMITER_CHARS:
            out.add(arg.chars)
            return
        delim = ""
        if isinstance(arg, LatexMacroNode):
            delim = arg.macroname
        elif isinstance(arg, LatexCharsNode) and allow.UNICODE_MATH.get(arg.chars, "")[:1] == "\\":
            delim = allow.UNICODE_MATH[arg.chars][1:]
        if delim in allow.DELIMITERS:
            out.command(delim)
            if isinstance(arg, LatexMacroNode) and arg.macro_post_space:
                out.space()
        else:
            self.error(arg.pos if arg else 0, f"\\{name} must be followed by a delimiter such "
                                              "as ( [ | . \\{ or \\langle")

    def newline(self, lst: _List, pos: int, toks: list[_Tok], i: int) -> int:
        if not lst.ctx.rows:
            self.error(pos, "\\\\ starts a new row only inside an environment such as "
                            "aligned, cases or a matrix")
        elif lst.lefts:
            self.error(pos, "\\\\ cannot be used between \\left and \\right")
        star = "*" if i < len(toks) and toks[i].char == "*" else ""
        i += len(star)
        text = "\\\\" + star
        if found := _bracket(toks, i):
            if found[0] is not None and (m := _LENGTH.fullmatch(found[0])):
                text += f"[{m[1]}{m[2]}]"
                i = found[1]
            else:
                text += "{}"  # the '[' is content, not the optional spacing of \\
        lst.out.add(text)
        lst.atom()
        lst.column, lst.row_empty = 1, True
        return i

    def environment(self, node: LatexEnvironmentNode, ctx: _Ctx) -> str:
        name, pos = node.environmentname, node.pos
        spec = allow.ENVIRONMENTS.get(name)
        if spec is None:
            reason = allow.forbidden_reason(name)
            guess = difflib.get_close_matches(name, list(allow.ENVIRONMENTS), n=1, cutoff=0.75)
            self.error(pos, f"\\begin{{{name}}} is not allowed in mathematics" + (
                f" ({reason})" if reason else f"; did you mean \\begin{{{guess[0]}}}?" if guess
                else ""))
            return ""
        if ctx.optional:
            self.error(pos, f"\\begin{{{name}}} cannot be used inside an optional argument [...]")
        if spec.display_only and not self.display:
            self.error(pos, f"\\begin{{{name}}} can only be used in a displayed formula; "
                            "use \\begin{aligned} instead")
        inner = _Ctx(env=name, columns=spec.columns, rows=True, hline=spec.hline,
                     position=spec.position, depth=ctx.depth + 1, optional=ctx.optional)
        head = f"\\begin{{{name}}}"
        if spec.argument:
            args = node.nodeargd.argnlist if node.nodeargd is not None else []
            arg = args[0] if args else None
            raw = "".join(n.chars for n in _group_nodes(arg) if isinstance(n, LatexCharsNode))
            if not isinstance(arg, LatexGroupNode) or len(arg.nodelist) > 1 or not raw:
                raw = "?"
            if spec.argument == "c" and re.fullmatch(r"[lcr| ]*[lcr][lcr| ]*", raw):
                inner.columns = sum(raw.count(c) for c in "lcr")
                head += "{" + raw.replace(" ", "") + "}"
            elif spec.argument == "n" and re.fullmatch(r" *[1-9] *", raw):
                inner.columns = 2 * int(raw)
                head += "{" + raw.strip() + "}"
            else:
                what = "a number of columns such as {2}" if spec.argument == "n" else \
                    "a column specification made of l, c, r and |, such as {lcr}"
                self.error(pos, f"\\begin{{{name}}} needs {what}")
        if inner.columns == 1:
            inner.columns = 0  # a single column: no '&'
        return f"{head}{self.math(list(node.nodelist), inner)}\\end{{{name}}}"

    # -- text

    def text(self, nodes: list[LatexNode]) -> str:
        out = _Out(keep_edge_spaces=True)
        for tok in _tokens(nodes):
            node = tok.node
            if tok.kind == "space":
                out.space()
            elif tok.kind == "char":
                self.text_char(out, tok.char, tok.pos)
            elif tok.kind == "group":
                out.add("{" + self.text(_group_nodes(node)) + "}")
            elif isinstance(node, LatexMacroNode):
                self.text_macro(out, node)
            else:
                self.error(tok.pos, "environments cannot be used inside \\text{...}")
        return out.text()

    def text_char(self, out: _Out, c: str, pos: int) -> None:
        if c in allow.TEXT_ESCAPES:
            out.add(allow.TEXT_ESCAPES[c])
        elif c in allow.TEXT_CHARS or c in allow.TEXT_UNICODE:
            out.add(c)
        elif c in allow.UNICODE_MATH:
            self.error(pos, f"'{c}' cannot be used inside \\text{{...}}; write "
                            f"{allow.UNICODE_MATH[c]} outside the \\text{{...}}")
        else:
            self.error(pos, f"the character '{c}' (U+{ord(c):04X}) is not supported in formulas")

    def text_macro(self, out: _Out, node: LatexMacroNode) -> None:
        name = node.macroname
        if name == "%":
            out.add(allow.PERCENT)
            return
        if name not in allow.TEXT_COMMANDS:
            self.refuse(name, node.pos, "text")
            return
        sig = allow.TEXT_SIGNATURES.get(name, "")
        args = node.nodeargd.argnlist if node.nodeargd is not None else []
        if sig and len(args) != len(sig):
            self.error(node.pos, f"\\{name} needs its argument here; put it in braces")
            return
        if sig == "p":
            if _group_nodes(args[0]) and "".join(
                    getattr(n, "chars", "?") for n in _group_nodes(args[0])) == "37":
                out.add(allow.PERCENT)
            else:
                self.error(node.pos, "\\symbol is accepted only as \\symbol{37}; write \\%")
            return
        out.command(name)
        if not sig and node.macro_post_space:
            out.space()
        for arg in args if sig else []:
            if _is_missing(arg):
                self.error(node.pos, f"\\{name} is missing an argument")
            else:
                out.add("{" + self.text(_group_nodes(arg)) + "}")

    def operator_name(self, name: str, nodes: list[LatexNode]) -> str:
        out = _Out()
        for tok in _tokens(nodes):
            if tok.kind == "space":
                out.space()
            elif tok.kind == "char" and tok.char in allow.OPERATOR_NAME_CHARS:
                out.add(tok.char)
            elif isinstance(tok.node, LatexMacroNode) and tok.node.macroname in allow.SPACING:
                out.command(tok.node.macroname)
            else:
                self.error(tok.pos, f"only letters, digits and - * ' . / can be used in "
                                    f"\\{name}{{...}}")
        return out.text()
