"""The math allow-list: untrusted formulas are vetted and re-serialised before TeX sees them."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booklet.markup import math_allowlist as allow
from booklet.markup.math import (
    MATH_ONLY_COMMANDS,
    MathProblem,
    VettedMath,
    is_allowed_command,
    suggest_command,
    vet_math,
)

DATA = Path(__file__).parent / "data"
BREADTH = [
    line for line in (DATA / "formulas_breadth.txt").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
PREAMBLE = (
    "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage{lmodern}"
    "\\usepackage{amsmath,amssymb,mathtools}\n"
)
needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")


def accepted(source: str, display: bool = False) -> str:
    vetted = vet_math(source, display=display)
    errors = [p for p in vetted.problems if p.severity == "error"]
    assert vetted.latex is not None and not errors, (source, vetted.problems)
    return vetted.latex


def rejected(source: str, display: bool = False) -> str:
    """All problem messages of a rejected formula, joined."""
    vetted = vet_math(source, display=display)
    assert vetted.latex is None, (source, vetted.latex)
    assert vetted.problems and any(p.severity == "error" for p in vetted.problems)
    return "\n".join(p.message for p in vetted.problems)


def typeset(tmp_path: Path, body_lines: list[str],
            preamble: str = PREAMBLE) -> subprocess.CompletedProcess[str]:
    """Compile a document with one line per entry; the pdflatex result."""
    tex = tmp_path / "formulas.tex"
    body = "".join(f"{line}\\par\n" for line in body_lines)
    tex.write_text(preamble + "\\begin{document}\n" + body + "\\end{document}\n", encoding="utf-8")
    return subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", tex.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )


def tex_errors(result: subprocess.CompletedProcess[str]) -> str:
    return "\n".join(line for line in result.stdout.splitlines() if line.startswith(("!", "l.")))


# ----------------------------------------------------------------------------- breadth


def test_breadth_list_is_big_enough() -> None:
    assert len(BREADTH) >= 200
    assert len(set(BREADTH)) == len(BREADTH)


@pytest.mark.parametrize("formula", BREADTH)
def test_breadth_formula_is_accepted_and_stable(formula: str) -> None:
    latex = accepted(formula)
    assert vet_math(latex).latex == latex  # re-vetting the output changes nothing
    assert vet_math(formula, display=True).latex == latex


@needs_pdflatex
def test_breadth_formulas_typeset(tmp_path: Path) -> None:
    lines = [f"\\({accepted(f)}\\)" for f in BREADTH]
    lines += [f"\\[{accepted(f, display=True)}\\]" for f in BREADTH[::10]]
    result = typeset(tmp_path, lines)
    assert result.returncode == 0, tex_errors(result)
    assert (tmp_path / "formulas.pdf").exists()


def _every_allowed_command() -> list[str]:
    """One accepted formula per allow-listed command, environment and mapped character."""
    dummy = {"m": "{x}", "o": "[y]", "t": "{ab}", "n": "{rank}", "d": "(", "s": "*"}
    out = [f"a \\{name} b" for name in sorted(allow.MATH_SYMBOLS - {"limits", "nolimits"})]
    out += ["\\sum\\limits_a^b", "\\int\\nolimits_0^1"]
    out += [f"\\left\\{d} x \\right\\{d}" for d in sorted(allow.DELIMITERS)]
    for name, sig in sorted(allow.MATH_SIGNATURES.items()):
        if name in ("left", "right", "middle"):
            continue
        out.append(f"a \\{name}{''.join(dummy[k] for k in sig)} b")
    out += ["\\left( x \\middle| y \\right)"]
    for name in sorted(allow.TEXT_COMMANDS - {"symbol"}):
        args = "{e}" * len(allow.TEXT_SIGNATURES.get(name, ""))
        out.append(f"\\text{{x\\{name}{args} y}}")
    out.append("\\text{" + "".join(sorted(allow.TEXT_UNICODE)) + "}")
    out += [f"{c} x" for c in allow.UNICODE_MATH]
    for name, spec in allow.ENVIRONMENTS.items():
        head = {"array": "{c|l}", "subarray": "{l}", "alignedat": "{2}"}.get(name, "")
        body = "a & b \\\\ c & d" if spec.columns != 1 and name != "subarray" else "a \\\\ b"
        out.append(f"\\begin{{{name}}}{head} {body} \\end{{{name}}}")
    return out


@needs_pdflatex
def test_every_allow_listed_command_typesets(tmp_path: Path) -> None:
    """The allow-list holds no command the booklet's preamble lacks."""
    lines = []
    for formula in _every_allowed_command():
        display = "{split}" in formula
        latex = accepted(formula, display=display)
        lines.append(f"\\[{latex}\\]" if display else f"\\({latex}\\)")
    result = typeset(tmp_path, lines)
    assert result.returncode == 0, tex_errors(result)


def _has_french_babel() -> bool:
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return False
    found = subprocess.run([kpsewhich, "french.ldf"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


@needs_pdflatex
@pytest.mark.skipif(not _has_french_babel(), reason="needs babel-french")
def test_formulas_typeset_with_french_shorthands(tmp_path: Path) -> None:
    """The booklet loads babel; French makes : ; ! ? active in \\text{...}."""
    lines = ["\\begin{otherlanguage}{french}"]
    lines += [f"\\({accepted(f)}\\)" for f in BREADTH]
    lines += [f"\\({accepted(f)}\\)" for f in _every_allowed_command() if "{split}" not in f]
    lines += ["\\(" + accepted("\\text{a:b;c!d?e «f» 'g' \"h\" `i` <j> |k| ~l m_n & o^p}") + "\\)"]
    lines += ["\\end{otherlanguage}"]
    preamble = PREAMBLE + "\\usepackage[english,french]{babel}\n"
    result = typeset(tmp_path, lines, preamble)
    assert result.returncode == 0, tex_errors(result)


# ----------------------------------------------------------------------------- hostile input

HOSTILE = [
    ("\\input{/etc/passwd}", "\\input"),
    ("\\include{x}", "\\include"),
    ("\\InputIfFileExists{x}{}{}", "\\InputIfFileExists"),
    ("\\makeatletter\\@@input x", "\\makeatletter"),
    ("\\scantokens{x}", "\\scantokens"),
    ("\\csname input\\endcsname{x}", "\\csname"),
    ("\\catcode`\\^=7", "\\catcode"),
    ("^^5cinput", "^^"),
    ("^^^^005cinput", "^^"),
    ("^^\\input", "^^"),
    ("\\begin{input}{x}\\end{input}", "\\begin{input}"),
    ("\\openin1=x \\read1to\\x", "\\openin"),
    ("\\openout1=x", "\\openout"),
    ("\\write18{ls}", "\\write"),
    ("\\immediate\\write18{ls}", "\\immediate"),
    ("\\directlua{}", "\\directlua"),
    ("\\def\\x{\\x}\\x", "\\def"),
    ("\\loop\\iftrue\\repeat", "\\loop"),
    ("\\shipout\\hbox{}", "\\shipout"),
    ("\\text{\\input{x}}", "\\input"),
    ("\\newcommand{\\x}{y}", "\\newcommand"),
    ("x\\)\\input{/etc/passwd}\\(", "\\)"),
    ("\\lstinputlisting{x}", "\\lstinputlisting"),
    ("\\verbatiminput{x}", "\\verbatiminput"),
    ("\\pdffiledump{x}", "\\pdffiledump"),
    ("\\expandafter", "\\expandafter"),
    ("\\href{x}{y}", "\\href"),
    # more of the same family
    ("\\let\\a=\\input", "\\let"),
    ("\\edef\\x{}", "\\edef"),
    ("\\gdef\\x{}", "\\gdef"),
    ("\\xdef\\x{}", "\\xdef"),
    ("\\renewcommand{\\alpha}{x}", "\\renewcommand"),
    ("\\DeclareMathOperator{\\x}{x}", "\\DeclareMathOperator"),
    ("\\string\\input", "\\string"),
    ("\\meaning\\x", "\\meaning"),
    ("\\detokenize{x}", "\\detokenize"),
    ("\\uccode`a=`b", "\\uccode"),
    ("\\lccode`a=`b", "\\lccode"),
    ("\\special{ps: x}", "\\special"),
    ("\\pdfobj{x}", "\\pdfobj"),
    ("\\url{http://x}", "\\url"),
    ("\\output={}", "\\output"),
    ("\\relax", "\\relax"),
    ("\\begingroup x", "\\begingroup"),
    ("\\vbox{x}", "\\vbox"),
    ("\\hbox{x}", "\\hbox"),
    ("\\lowercase{x}", "\\lowercase"),
    ("\\uppercase{x}", "\\uppercase"),
    ("\\jobname", "\\jobname"),
    ("\\ifx a b \\else c \\fi", "\\ifx"),
    ("\\begin{verbatim}x\\end{verbatim}", "\\begin{verbatim}"),
    ("\\begin{filecontents}{x}y\\end{filecontents}", "\\begin{filecontents}"),
    ("\\operatorname{\\input{x}}", "\\operatorname"),
    ("\\frac{\\input{x}}{2}", "\\input"),
    ("x^{\\write18{rm}}", "\\write"),
    ("\\mathbb{\\csname x\\endcsname}", "\\csname"),
    ("\\text{\\textbf{\\input x}}", "\\input"),
    ("\\left( \\input x \\right)", "\\input"),
    ("\\begin{pmatrix} \\input x \\end{pmatrix}", "\\input"),
    ("\\sqrt[\\input x]{2}", "\\input"),
    ("$\\input x$", "'$'"),
    ("x % comment", "'%'"),
    ("\\[ x \\]", "\\["),
    ("a # b", "'#'"),
    ("\\catcode 37=12", "\\catcode"),
    ("\\par", "\\par"),
    ("\\end{document}", "\\end{document}"),
    ("\\input\u00e9", "\\input"),
]


@pytest.mark.parametrize(("payload", "named"), HOSTILE)
def test_hostile_payload_is_rejected(payload: str, named: str) -> None:
    messages = rejected(payload)
    assert named in messages


def test_hostile_list_covers_the_issue() -> None:
    assert len(HOSTILE) >= 27


@pytest.mark.parametrize(
    ("name", "why"),
    [("input", "it reads files"), ("write", "it writes files"), ("def", "defines"),
     ("catcode", "reads characters"), ("csname", "command names"), ("href", "links")],
)
def test_forbidden_commands_say_why(name: str, why: str) -> None:
    messages = rejected(f"\\{name}")
    assert f"\\{name} is not allowed in mathematics (" in messages
    assert why in messages


# ----------------------------------------------------------------------------- messages and offsets


def test_near_miss_suggests_the_allowed_command() -> None:
    messages = rejected("P(\\mathcall{L})")
    assert "unknown command \\mathcall in mathematics; did you mean \\mathcal?" in messages
    assert "did you mean \\frac?" in rejected("\\fracc{1}{2}")
    assert "did you mean \\alpha?" in rejected("\\aplha")


def test_suggest_command() -> None:
    assert suggest_command("mathcall") == "mathcal"
    assert suggest_command("\\fracc") == "frac"
    assert suggest_command("lamda") == "lambda"
    assert suggest_command("qwertzuiop") is None
    assert suggest_command("frac") is None  # already allowed


def test_hints_for_common_non_allowed_commands() -> None:
    assert "\\mathcal" in rejected("\\mathscr{L}")
    assert "\\mathbb{R}" in rejected("x \\in \\R")
    assert "\\frac" in rejected("{a \\over b}")


@pytest.mark.parametrize(
    ("source", "offset", "fragment"),
    [
        ("a + \\input{x}", 4, "\\input"),
        ("x^2^3", 3, "double superscript"),
        ("\\text{ok \\input{x}}", 9, "\\input"),
        ("\\frac{1}{\\mathcall{L}}", 9, "\\mathcall"),
        ("{a", 0, "never closed"),
        ("a}", 1, "no matching"),
        ("ab % c", 3, "'%'"),
        ("x ^^5c", 2, "'^^'"),
        ("a \\) b", 2, "\\)"),
        ("a\x00b", 1, "U+0000"),
        ("x \\begin{verbatim}y\\end{verbatim}", 2, "\\begin{verbatim}"),
        ("\\begin{aligned} a \\end{gathered}", 18, "\\end{gathered}"),
        ("\\left( x", 0, "\\left"),
        ("x & y", 2, "'&'"),
        ("a \\\\ b", 2, "\\\\"),
        ("\\frac{1}", 0, "\\frac"),
        ("é", 0, "'é'"),
    ],
)
def test_offsets_point_at_the_problem(source: str, offset: int, fragment: str) -> None:
    vetted = vet_math(source)
    assert vetted.latex is None
    first = vetted.problems[0]
    assert (first.offset, first.severity) == (offset, "error"), vetted.problems
    assert fragment in first.message


def test_parse_errors_have_plain_messages() -> None:
    assert "unbalanced braces: a '{' is never closed" in rejected("\\frac{1}{2")
    assert "unbalanced braces: this '}' has no matching '{'" in rejected("x}")
    assert "\\begin{cases} is never closed by \\end{cases}" in rejected("\\begin{cases} a")
    assert "\\end{cases} has no matching \\begin{cases}" in rejected("a \\end{cases}")


# ----------------------------------------------------------------------------- re-serialisation


@pytest.mark.parametrize(
    ("source", "latex"),
    [
        ("\\alpha x", "\\alpha x"),
        ("\\alpha{}x", "\\alpha{}x"),
        ("αx", "\\alpha x"),
        ("\\frac12", "\\frac{1}{2}"),
        ("\\frac\\alpha\\beta", "\\frac{\\alpha}{\\beta}"),
        ("x^\\frac12", "x^{\\frac{1}{2}}"),
        ("x^ 2", "x^2"),
        ("\\sqrt[3]x", "\\sqrt[3]{x}"),
        ("\\sqrt[\\sqrt[3]{2}]{x}", "\\sqrt[{\\sqrt[3]{2}}]{x}"),
        ("a  \t\n b", "a b"),
        ("\\left\\langle x\\right\\rangle", "\\left\\langle x\\right\\rangle"),
        ("\\text{a_b}", "\\text{a\\_b}"),
        ("\\text{R&D}", "\\text{R\\&D}"),
        ("\\text{x^2}", "\\text{x\\textasciicircum{}2}"),
        ("\\text{ if }", "\\text{ if }"),
        ("\\text{caf\u00e9}", "\\text{caf\u00e9}"),
        ("\\text{\\'e}", "\\text{\\'{e}}"),
        ("5\\%", "5\\text{\\symbol{37}}"),
        ("\\text{5\\%}", "\\text{5\\symbol{37}}"),
        ("x ≤ y", "x \\leq y"),
        ("ℝ^n", "\\mathbb{R}^n"),
        ("a − b", "a - b"),
        ("\\begin{aligned} a &= b \\\\[2pt] c &= d \\end{aligned}",
         "\\begin{aligned} a &= b \\\\[2pt] c &= d \\end{aligned}"),
        ("\\begin{aligned} a &= b \\\\ [0,1] &= c \\end{aligned}",
         "\\begin{aligned} a &= b \\\\{} [0,1] &= c \\end{aligned}"),
        ("\\begin{aligned} [0,1] &= c \\end{aligned}",
         "\\begin{aligned}{} [0,1] &= c \\end{aligned}"),
        ("\\operatorname*{arg\\,max}_x", "\\operatorname*{arg\\,max}_x"),
        ("\\begin{array}{ c | c } a & b \\end{array}", "\\begin{array}{c|c} a & b \\end{array}"),
    ],
)
def test_reserialisation(source: str, latex: str) -> None:
    assert accepted(source) == latex
    assert accepted(latex) == latex


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("\\mathbb{\u00e9}", "'é'"),
        ("x \u00b2", "^2"),
        ("\\text{\u03b1}", "\\alpha"),
        ("\u2603", "U+2603"),
        ("a\u200bb", "U+200B"),
    ],
)
def test_unicode_that_is_refused(source: str, fragment: str) -> None:
    assert fragment in rejected(source)


# ----------------------------------------------------------------------------- structure


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("a & b", "'&' separates columns"),
        ("a \\\\ b", "new row"),
        ("\\begin{cases} a & b & c \\end{cases}", "too many '&'"),
        ("\\begin{gathered} a & b \\end{gathered}", "'&'"),
        ("\\begin{array}{p{3cm}} a \\end{array}", "column specification"),
        ("\\begin{array}{c@{}c} a \\end{array}", "column specification"),
        ("\\begin{array}{cc} a & b & c \\end{array}", "too many '&'"),
        ("\\begin{matrix} a \\\\ \\hline b \\end{matrix}", "\\hline"),
        ("\\begin{array}{c} a \\hline \\end{array}", "\\hline"),
        ("\\begin{split} a &= b \\end{split}", "displayed formula"),
        ("x \\limits", "\\limits"),
        ("x^", "needs something after it"),
        ("x_^2", "needs something after it"),
        ("\\right)", "\\right"),
        ("\\left( a & b \\right)", "'&'"),
        ("\\left x \\right)", "delimiter"),
        ("\\sqrt[\\begin{matrix} a \\end{matrix}]{2}", "optional argument"),
        ("\\operatorname{a_b}", "\\operatorname"),
        ("\\text{\\alpha}", "math command"),
        ("\\'e", "\\text"),
        ("\\frac{\\sqrt}{2}", "\\sqrt"),
        ("x^2'", "double superscript"),
        ("x'_1^2", "double superscript"),
        ("x' ^2", "double superscript"),
        ("\\text{a \\\\ b}", "\\\\ cannot be used inside"),
        ("\\mbox{x}", "\\text{...}"),
        ("\\hat{\\sqrt[n]{\\hat{a}}}", "\\hat over a root with an index"),
        ("\\bar{x^{\\sqrt[3]{\\tilde{y}}}}", "\\bar over a root with an index"),
    ],
)
def test_structural_problems(source: str, fragment: str) -> None:
    assert fragment in rejected(source)


def test_accents_near_roots_that_typeset_are_accepted() -> None:
    # only an accent over an indexed root that holds another accent stops TeX
    for source in ("\\hat{\\sqrt[n]{a}+\\dot{b}}", "\\hat{\\sqrt[\\dot{n}]{a}}",
                   "\\widehat{\\sqrt[n]{\\hat{a}}}", "\\hat{\\sqrt{\\hat{a}}}"):
        assert vet_math(source).latex is not None, source


@pytest.mark.parametrize("source", ["x'^2", "x''", "x_1'", "x'_1", "x'^2_3", "x'{}^2", "f'(x)"])
def test_primes_that_typeset(source: str) -> None:
    assert accepted(source) == source


def test_problems_are_capped() -> None:
    vetted = vet_math("\\foo " * 300)
    assert len(vetted.problems) == 11
    assert "290 more problem(s)" in vetted.problems[-1].message
    assert len(vet_math("%" * 100).problems) == 11


def test_split_is_allowed_only_in_a_display() -> None:
    split = "\\begin{split} a &= b \\\\ &= c \\end{split}"
    assert accepted(split, display=True) == split
    assert accepted(f"x + \\left({split}\\right)", display=True)  # amsmath copes when nested
    assert "displayed formula" in rejected(split)


def test_warning_does_not_reject() -> None:
    vetted = vet_math("\\mathbb{r}")
    assert vetted.latex == "\\mathbb{r}"
    assert [p.severity for p in vetted.problems] == ["warning"]


def test_limits_on_length_and_depth() -> None:
    assert "too long" in rejected("x" * 2001)
    assert accepted("x" * 2000)
    vetted = vet_math("x" * 11, max_length=10)
    assert vetted.latex is None and vetted.problems[0].offset == 10
    deep = "{" * 25 + "x" + "}" * 25
    vetted = vet_math(deep)
    assert vetted.latex is None
    assert "nested too deeply" in vetted.problems[0].message
    assert vetted.problems[0].offset == 20
    assert accepted("{" * 20 + "x" + "}" * 20)
    assert vet_math("\\left(" * 21 + "x" + "\\right)" * 21).latex is None
    assert vet_math("{" * 900 + "}" * 900, max_depth=10_000, max_length=5000).latex is None


def test_control_characters_and_newlines() -> None:
    assert accepted("a\nb\tc\r\nd") == "a b c d"
    assert "U+0007" in rejected("a\x07b")
    assert "lone" in rejected("a \\")


# ----------------------------------------------------------------------------- public helpers


def test_math_only_commands() -> None:
    for name in ("mathcal", "mathbb", "frac", "alpha", "min", "oplus", "leq", "sum", "sqrt",
                 "mathrm", "operatorname", "xrightarrow", "left", "infty"):
        assert name in MATH_ONLY_COMMANDS, name
    for name in ("text", "textbf", "quad", "ldots", "emph", "&", "\\", "input", "def"):
        assert name not in MATH_ONLY_COMMANDS, name
    assert all(is_allowed_command(name) for name in MATH_ONLY_COMMANDS)


def test_is_allowed_command() -> None:
    assert is_allowed_command("mathcal")
    assert is_allowed_command("\\frac")
    assert is_allowed_command("textbf")
    assert not is_allowed_command("input")
    assert not is_allowed_command("mathscr")
    assert not is_allowed_command("def")


def test_forbidden_and_allowed_tables_do_not_overlap() -> None:
    assert not set(allow.FORBIDDEN) & allow.ALL_COMMANDS
    assert not set(allow.FORBIDDEN) & set(allow.ENVIRONMENTS)
    assert all(allow.forbidden_reason(name) is None for name in allow.ALL_COMMANDS)


def test_vetted_math_types() -> None:
    vetted = vet_math("x")
    assert isinstance(vetted, VettedMath)
    assert vetted == VettedMath("x", ())
    assert MathProblem(0, "m").severity == "error"


# ----------------------------------------------------------------------------- properties

FRAGMENTS = [
    "a", "x", "1", " ", "+", "=", "(", ")", "[", "]", "|", "'", ",", "{", "}", "^", "_", "&",
    "\\\\", "\\\\[2pt]", "~", "*", "\\frac", "\\sqrt", "\\sqrt[", "\\alpha", "\\left(", "\\right)",
    "\\left.", "\\middle|", "\\big(", "\\sum", "\\limits", "\\int", "\\text{", "\\textbf{",
    "\\mathbb", "\\operatorname", "\\begin{pmatrix}", "\\end{pmatrix}", "\\begin{aligned}",
    "\\end{aligned}", "\\begin{cases}", "\\end{cases}", "\\begin{array}{cc}", "\\end{array}",
    "\\begin{split}", "\\end{split}", "\\hline", "\\not", "\\,", "\\ ", "\\%", "\\_", "\\{", "\\}",
    "α", "≤", "ℝ", "é", "\\'", "\\input", "\\csname", "\\def", "%", "#", "$", "^^", "\\(", "\\)",
    "\\[", "\\]", "\\", "\n", "\x00", "\\begin{input}", "\\end{input}", "\\verb|x|", "\\@",
    "\\catcode", "\\substack{", "\\xrightarrow[", "\\mathcall", "\\overset", "[t]", "\\left\\{",
]
_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|.", re.DOTALL)


def _check_output_is_safe(source: str, display: bool) -> None:
    vetted = vet_math(source, display=display)  # must never raise
    assert isinstance(vetted, VettedMath)
    assert all(isinstance(p, MathProblem) for p in vetted.problems)
    assert all(0 <= p.offset <= len(source) for p in vetted.problems)
    assert not any("internal error" in p.message for p in vetted.problems), vetted.problems
    if vetted.latex is None:
        assert any(p.severity == "error" for p in vetted.problems)
        return
    latex = vetted.latex
    for bad in ("^^", "%", "#", "$", "\\input", "\\csname"):
        assert bad not in latex, (source, latex)
    tokens = set(_TOKEN.findall(latex))
    assert not tokens & {"\\(", "\\)", "\\[", "\\]"}, latex
    commands = {t[1:] for t in tokens if t.startswith("\\")} - {"begin", "end"}
    assert all(is_allowed_command(c) or c == "symbol" for c in commands), (source, latex)
    assert set(re.findall(r"\\(?:begin|end)\{([^}]*)\}", latex)) <= set(allow.ENVIRONMENTS)
    again = vet_math(latex, display=display)
    assert again.latex == latex, (source, latex, again)  # idempotent


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.booleans())
def test_never_raises_on_any_text(source: str, display: bool) -> None:
    _check_output_is_safe(source, display)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join), st.booleans())
def test_never_raises_on_latex_like_text(source: str, display: bool) -> None:
    _check_output_is_safe(source, display)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="\\{}[]^_&'a1 ()$%#~*|.-=+<>!?@\"`/\n\tαé", max_size=40), st.booleans())
def test_never_raises_on_special_characters(source: str, display: bool) -> None:
    _check_output_is_safe(source, display)


# ----------------------------------------------------------------------------- accepted => typesets


def _random_formula(rng: random.Random, depth: int = 0) -> str:
    """A random, mostly well-formed formula (for the 'what is accepted compiles' check)."""
    atoms = ["a", "x", "1", "+", "=", "(", ")", "[", "]", "|", "'", ",", "<", "\\alpha", "\\{",
             "\\}", "\\|", "\\langle", "\\cdots", "\\,", "~", "α", "≤", "ℝ", "\\%", "\\_", "*"]

    def e() -> str:
        return _random_formula(rng, depth + 1)

    def rows(cols: int) -> str:
        return " \\\\ ".join(" & ".join(e() for _ in range(cols)) for _ in range(rng.randint(1, 3)))

    makers = [
        lambda: rng.choice(atoms), lambda: "{" + e() + "}", lambda: f"\\frac{{{e()}}}{{{e()}}}",
        lambda: f"\\sqrt[{e()}]{{{e()}}}", lambda: "^{" + e() + "}",
        lambda: "_" + rng.choice("ab1"),
        lambda: "\\left(" + e() + "\\middle|" + e() + "\\right" + rng.choice([")", ".", "\\}"]),
        lambda: "\\begin{pmatrix}" + rows(rng.randint(1, 3)) + "\\end{pmatrix}",
        lambda: "\\begin{aligned}" + rng.choice(["", "[t]", " [a,b]"]) + rows(2)
        + "\\end{aligned}",
        lambda: "\\begin{cases}" + rows(2) + "\\end{cases}",
        lambda: "\\begin{array}{c|l}\\hline " + rows(2) + "\\end{array}",
        lambda: "\\text{" + rng.choice(["a_b", " if ", "R&D", "x^2", "caf\u00e9", "\\'e"]) + "}",
        lambda: "\\sum" + rng.choice(["", "\\limits"]) + "_{" + e() + "}^{" + e() + "}",
        lambda: f"\\xrightarrow[{e()}]{{{e()}}}", lambda: f"\\underbrace{{{e()}}}_{{{e()}}}",
        lambda: "\\substack{" + e() + "\\\\" + e() + "}", lambda: "\\operatorname*{arg\\,max}",
        lambda: "\\begin{smallmatrix}" + rows(3) + "\\end{smallmatrix}",
    ]
    limit = len(makers) - 1 if depth < 3 else 0
    return "".join(makers[rng.randint(0, limit)]() for _ in range(rng.randint(0, 4)))


def _mutate(rng: random.Random, source: str) -> str:
    for _ in range(rng.randint(0, 2)):
        i = rng.randint(0, len(source))
        noise = rng.choice(["^", "_", "&", "\\\\", "{", "}", "[", "]", "\\right)", "\\left(",
                            "\\limits", "'", "\\hline", "\\\\[2pt]", ""])
        source = source[:i] + noise + source[i + 1:]
    return source


@needs_pdflatex
def test_whatever_is_accepted_typesets(tmp_path: Path) -> None:
    """Random (and randomly broken) formulas: those accepted must compile, all together."""
    rng = random.Random(20240917)
    lines: list[str] = []
    for _ in range(2000):
        source = _random_formula(rng)
        if rng.random() < 0.5:
            source = _mutate(rng, source)
        display = rng.random() < 0.3
        if display and rng.random() < 0.3:
            source = "\\begin{split} a &= " + source + " \\\\ &= b \\end{split}"
        elif display and rng.random() < 0.2:
            source = "x + \\left(\\begin{split} a &= " + source + " \\end{split}\\right)"
        latex = vet_math(source, display=display).latex
        if latex:
            lines.append(f"\\[{latex}\\]" if display else f"\\({latex}\\)")
        if len(lines) >= 250:
            break
    assert len(lines) >= 100
    result = typeset(tmp_path, lines)
    assert result.returncode == 0, tex_errors(result)
