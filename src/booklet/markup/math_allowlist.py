"""The tables behind :mod:`booklet.markup.math`: which LaTeX commands a submitted formula may use.

Everything here is data. A command is allowed only if it appears in one of these tables; the
tables list what LaTeX, amsmath, amssymb and mathtools define and what authors actually write
(KaTeX's list of supported functions served as a guide). Commands from other packages
(``\\mathscr`` needs mathrsfs, ``\\bm`` needs bm, ``\\cancel`` needs cancel) are left out, because
the booklet's preamble loads only ``amsmath,amssymb,mathtools``.

Argument signatures use one letter per argument, in order:

=====  ===========================================================================
``m``  mandatory math argument, re-emitted as ``{...}``
``o``  optional math argument, re-emitted as ``[...]`` when present
``t``  mandatory *text* argument (``\\text{...}``): checked and escaped as text
``n``  mandatory operator name (``\\operatorname{...}``): letters, digits, ``-*'./``, spacing
``d``  a delimiter (``\\left(``, ``\\big\\|``): one character or command from DELIMITERS
``s``  an optional star (``\\operatorname*``)
``p``  exactly ``{37}``: ``\\symbol{37}`` is how a percent sign is written out (see PERCENT)
=====  ===========================================================================
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --------------------------------------------------------------------------------------------
# Characters. Everything else (non-ASCII aside, see UNICODE_MATH) is refused; \ { } are syntax,
# % # $ and control characters never get past the first scan. ^ _ & ' are handled in the walk.
# --------------------------------------------------------------------------------------------

_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
MATH_CHARS = frozenset(_ALNUM + "+-=<>()[]/|.,;:!?*@\"`~")  # ~ is a tie, as in LaTeX
TEXT_CHARS = MATH_CHARS | frozenset("'&_^")  # & _ ^ are escaped: see TEXT_ESCAPES
OPERATOR_NAME_CHARS = frozenset(_ALNUM + "-*'./")  # inside \operatorname{...}

# --------------------------------------------------------------------------------------------
# Symbols: commands without arguments.
# --------------------------------------------------------------------------------------------

GREEK = _words("""
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa
    lambda mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
    digamma
    Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega
    varGamma varDelta varTheta varLambda varXi varPi varSigma varUpsilon varPhi varPsi varOmega
""")

LETTERLIKE = _words("""
    aleph beth gimel daleth ell hbar hslash Re Im wp partial nabla infty imath jmath eth
    Bbbk complement mho Finv Game
    forall exists nexists emptyset varnothing neg lnot top bot angle measuredangle
    sphericalangle triangle square blacksquare lozenge blacklozenge bigstar
    blacktriangle blacktriangledown triangledown prime backprime
    flat natural sharp clubsuit diamondsuit heartsuit spadesuit surd checkmark
    circledS maltese diagup diagdown
""")

BINARY_OPERATORS = _words("""
    pm mp times div cdot ast star circ bullet oplus ominus otimes oslash odot bigcirc
    dagger ddagger cup cap uplus sqcup sqcap vee wedge land lor setminus smallsetminus
    wr amalg diamond triangleleft triangleright bigtriangleup bigtriangledown
    boxplus boxminus boxtimes boxdot dotplus divideontimes ltimes rtimes
    leftthreetimes rightthreetimes curlywedge curlyvee barwedge doublebarwedge intercal
    centerdot circledast circledcirc circleddash Cup Cap
""")

RELATIONS = _words("""
    leq le geq ge neq ne equiv approx sim simeq cong propto prec succ preceq succeq ll gg
    subset supset subseteq supseteq subsetneq supsetneq subseteqq supseteqq subsetneqq
    supsetneqq sqsubset sqsupset sqsubseteq sqsupseteq in notin ni owns vdash dashv
    models perp mid nmid parallel nparallel asymp doteq doteqdot bowtie smile frown
    leqslant geqslant leqq geqq lesssim gtrsim lessapprox gtrapprox lll ggg lessgtr
    gtrless approxeq thicksim thickapprox backsim backsimeq eqsim triangleq
    vDash Vdash Vvdash nleq ngeq nless ngtr nleqslant ngeqslant nsubseteq nsupseteq
    lneq gneq lneqq gneqq precsim succsim precapprox succapprox preccurlyeq succcurlyeq
    trianglelefteq trianglerighteq ntriangleleft ntriangleright ntrianglelefteq
    ntrianglerighteq vartriangleleft vartriangleright varpropto therefore because
    between pitchfork ncong nsim nvdash nvDash nVdash nprec nsucc npreceq nsucceq
    shortmid shortparallel nshortmid nshortparallel Subset Supset risingdotseq
    fallingdotseq circeq bumpeq Bumpeq eqcirc
    coloneqq Coloneqq coloneq Coloneq eqqcolon Eqqcolon eqcolon Eqcolon colonapprox
    colonsim dblcolon
""")

ARROWS = _words("""
    leftarrow rightarrow to gets leftrightarrow Leftarrow Rightarrow Leftrightarrow
    longleftarrow longrightarrow longleftrightarrow Longleftarrow Longrightarrow
    Longleftrightarrow mapsto longmapsto hookrightarrow hookleftarrow
    nearrow searrow swarrow nwarrow
    rightharpoonup rightharpoondown leftharpoonup leftharpoondown upharpoonleft
    upharpoonright downharpoonleft downharpoonright rightleftharpoons leftrightharpoons
    twoheadrightarrow twoheadleftarrow rightarrowtail leftarrowtail rightsquigarrow
    leftrightsquigarrow leadsto implies impliedby iff dashrightarrow dashleftarrow
    leftleftarrows rightrightarrows leftrightarrows rightleftarrows upuparrows
    downdownarrows circlearrowleft circlearrowright curvearrowleft curvearrowright
    looparrowleft looparrowright Lsh Rsh Lleftarrow Rrightarrow multimap
    nrightarrow nleftarrow nRightarrow nLeftarrow nleftrightarrow nLeftrightarrow
""")

# Characters and commands that may follow \left, \right, \middle and \big & co.
DELIMITER_CHARS = frozenset("()[]|/.<>")
DELIMITERS = _words("""
    langle rangle lfloor rfloor lceil rceil lvert rvert lVert rVert vert Vert
    { } | lbrace rbrace lbrack rbrack backslash
    uparrow downarrow updownarrow Uparrow Downarrow Updownarrow
    ulcorner urcorner llcorner lrcorner lgroup rgroup lmoustache rmoustache
""")

BIG_OPERATORS = _words("""
    sum prod coprod int iint iiint iiiint idotsint oint bigcup bigcap bigsqcup bigvee
    bigwedge bigoplus bigotimes bigodot biguplus
""")

NAMED_OPERATORS = _words("""
    arccos arcsin arctan arg cos cosh cot coth csc deg det dim exp gcd hom inf injlim ker
    lg lim liminf limsup ln log max min Pr projlim sec sin sinh sup tan tanh
    varinjlim varliminf varlimsup varprojlim
""")

DOTS = _words("cdots ldots dots vdots ddots dotsc dotsb dotsm dotsi dotso")

SPACING = frozenset([",", ";", ":", "!", ">", " ", "quad", "qquad", "enspace", "thinspace",
                     "medspace", "thickspace", "negthinspace", "negmedspace", "negthickspace"])

MISC_MATH = _words("""
    displaystyle textstyle scriptstyle scriptscriptstyle limits nolimits
    not colon bmod mathstrut
""") | frozenset(["|", "{", "}", "&", "_", "%"])

# --------------------------------------------------------------------------------------------
# Commands with arguments (signature letters: see the module docstring).
# --------------------------------------------------------------------------------------------

_ACCENTS = """
    hat widehat tilde widetilde bar overline underline vec dot ddot dddot ddddot acute grave
    check breve mathring overrightarrow overleftarrow overleftrightarrow underrightarrow
    underleftarrow underleftrightarrow overbrace underbrace
"""
_FONTS = "mathbb mathcal mathfrak mathrm mathbf mathit mathsf mathtt mathnormal boldsymbol pmb"
_BOXES = "boxed phantom hphantom vphantom mathclap mathllap mathrlap substack pmod pod mod"
_LABELLED_ARROWS = """
    xrightarrow xleftarrow xleftrightarrow xhookrightarrow xhookleftarrow xmapsto
    xRightarrow xLeftarrow xLeftrightarrow
    xrightharpoonup xrightharpoondown xleftharpoonup xleftharpoondown xrightleftharpoons
    xleftrightharpoons
"""
_SIZED = """
    left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr
    bigm Bigm biggm Biggm
"""
TEXT_ARGUMENT_COMMANDS = _words("text textrm textbf textit textsf texttt textup textnormal "
                                "textsl textsc emph")

MATH_SIGNATURES: dict[str, str] = {
    **dict.fromkeys(_ACCENTS.split() + _FONTS.split() + _BOXES.split(), "m"),
    **dict.fromkeys("frac dfrac tfrac cfrac binom dbinom tbinom overset underset stackrel".split(),
                    "mm"),
    "sqrt": "om",
    **dict.fromkeys(_LABELLED_ARROWS.split(), "om"),
    **dict.fromkeys(_SIZED.split(), "d"),
    **dict.fromkeys(TEXT_ARGUMENT_COMMANDS, "t"),
    "operatorname": "sn",
}

# Big operators in the wide sense: commands after which \limits / \nolimits make sense.
OPERATOR_LIKE = BIG_OPERATORS | NAMED_OPERATORS | frozenset(["operatorname", "overbrace",
                                                             "underbrace"])
# \mathbb and \mathcal only have capital letters in the fonts the booklet uses.
CAPITALS_ONLY_FONTS = frozenset(["mathbb", "mathcal"])

# --------------------------------------------------------------------------------------------
# Text mode: inside \text{...} and friends.
# --------------------------------------------------------------------------------------------

TEXT_SYMBOLS = frozenset(["&", "_", "{", "}", ",", " ", "-", "textasciitilde", "textasciicircum",
                          "textbackslash", "textdollar", "textbar", "textless", "textgreater",
                          "textendash", "textemdash", "textdegree", "ldots", "dots", "quad",
                          "qquad", "S", "P", "ss", "o", "O", "aa", "AA", "ae", "AE", "oe", "OE",
                          "l", "L", "i", "j"])
TEXT_ACCENTS = frozenset(["'", "`", "^", '"', "~", "=", ".", "c", "v", "u", "H", "r"])
# \symbol{37} is how a percent sign (\%) is emitted, so that the output never holds a '%';
# signature "p" accepts exactly that argument.
TEXT_SIGNATURES: dict[str, str] = {**dict.fromkeys(TEXT_ARGUMENT_COMMANDS, "t"),
                                   **dict.fromkeys(TEXT_ACCENTS, "t"), "symbol": "p"}
PERCENT = "\\symbol{37}"
TEXT_COMMANDS = TEXT_SYMBOLS | frozenset(TEXT_SIGNATURES)

# Text-mode replacements for characters that are special in text.
TEXT_ESCAPES = {"_": "\\_", "&": "\\&", "^": "\\textasciicircum{}"}

# Non-ASCII characters allowed as-is in text (T1 + utf8 cover them).
TEXT_UNICODE = frozenset(
    [chr(c) for c in range(0xC0, 0x180) if chr(c) not in "×÷ĦħĸĿŀŉŦŧſ"] + list("“”‘’–—…«»¡¿§°")
)

# --------------------------------------------------------------------------------------------
# Environments.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnvSpec:
    columns: int | None  # maximum number of columns (None: unlimited; \\ and & both allowed)
    argument: str = ""  # "c": column spec like {lcr}; "n": a number (alignedat)
    position: bool = False  # takes an optional [t]/[b]/[c] after \begin{...}
    display_only: bool = False  # only in a displayed formula (split)
    hline: bool = False  # \hline allowed at the start of a row


_MATRIX = EnvSpec(columns=10)  # amsmath's MaxMatrixCols
ENVIRONMENTS: dict[str, EnvSpec] = {
    **dict.fromkeys("matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix".split(), _MATRIX),
    "smallmatrix": EnvSpec(columns=None),
    **dict.fromkeys("cases dcases rcases drcases".split(), EnvSpec(columns=2)),
    "aligned": EnvSpec(columns=None, position=True),
    "alignedat": EnvSpec(columns=None, argument="n"),  # its [t] comes before {n}: not offered
    "gathered": EnvSpec(columns=1, position=True),
    "split": EnvSpec(columns=2, display_only=True),
    "array": EnvSpec(columns=None, argument="c", hline=True),
    "subarray": EnvSpec(columns=None, argument="c"),
}

# --------------------------------------------------------------------------------------------
# Forbidden for safety: a plain reason, shown as "\X is not allowed in mathematics (<reason>)".
# --------------------------------------------------------------------------------------------

_FORBIDDEN_GROUPS = {
    "it defines new commands": """
        def edef gdef xdef let futurelet newcommand renewcommand providecommand
        DeclareMathOperator DeclareRobustCommand DeclareDocumentCommand NewDocumentCommand
        newenvironment renewenvironment chardef mathchardef countdef dimendef skipdef toksdef
        newcount newdimen newskip newtoks newif newbox global long outer protected
        DeclarePairedDelimiter""",
    "it changes how TeX reads characters": """
        catcode uccode lccode sfcode mathcode delcode makeatletter makeatother endlinechar
        escapechar newlinechar""",
    "it builds or inspects command names": """
        csname endcsname expandafter noexpand string meaning scantokens detokenize unexpanded
        romannumeral number the afterassignment aftergroup""",
    "it reads files": """
        input include includeonly InputIfFileExists IfFileExists openin read readline closein
        lstinputlisting verbatiminput VerbatimInput inputminted includegraphics pdffiledump
        pdfmdfivesum pdffilesize pdffilemoddate filecontents newread""",
    "it writes files": "openout write closeout immediate newwrite",
    "it runs programs or Lua code": "directlua latelua luaexec ShellEscape",
    "it inserts raw PDF or driver code": """
        special pdfobj pdfliteral pdfannot pdfximage pdfrefximage pdfstartlink pdfendlink
        pdfoutline pdfdest pdfcatalog pdfinfo pdfpagesattr pdfresources pdfextension
        pdfvariable""",
    "it inserts links": "href url nolinkurl hyperref hyperlink hypertarget",
    "it changes the page layout or output": """
        shipout output vbox hbox vtop vcenter setbox box copy unvbox unhbox raise lower
        vskip hskip vspace hspace newpage clearpage pagebreak penalty documentclass
        usepackage begingroup endgroup bgroup egroup relax par end dump batchmode
        nonstopmode errorstopmode scrollmode show showbox showthe showlists errmessage
        message typeout jobname""",
    "it is TeX programming": """
        loop repeat else fi or unless if ifx ifnum ifdim ifcase ifcat ifodd ifvoid ifmmode
        iftrue iffalse ifdefined ifcsname ifeof ifhmode ifvmode""",
    "it changes letter case": "lowercase uppercase MakeUppercase MakeLowercase",
    "it is verbatim text": "verb verbatim",
}
FORBIDDEN: dict[str, str] = {
    name: reason for reason, names in _FORBIDDEN_GROUPS.items() for name in names.split()
}


def forbidden_reason(name: str) -> str | None:
    """Why ``\\name`` is refused outright, or None if it is not a known dangerous command."""
    if name in FORBIDDEN:
        return FORBIDDEN[name]
    if name in ALL_COMMANDS:  # e.g. \\iff, which is no conditional
        return None
    if name.startswith("pdf"):
        return "it is a pdfTeX primitive"
    if name.startswith("if"):
        return "it is TeX programming"
    if "input" in name.lower():
        return "it reads files"
    return None


# Extra advice for commands that are neither allowed nor dangerous.
HINTS: dict[str, str] = {
    "mathscr": "it needs the mathrsfs package; use \\mathcal",
    "bm": "use \\boldsymbol",
    "over": "write \\frac{...}{...}",
    "choose": "write \\binom{...}{...}",
    "atop": "write \\genfrac or a \\begin{matrix}",
    "R": "write \\mathbb{R}", "N": "write \\mathbb{N}", "Z": "write \\mathbb{Z}",
    "Q": "write \\mathbb{Q}", "C": "write \\mathbb{C}",
    "abs": "write \\lvert x \\rvert", "norm": "write \\lVert x \\rVert",
    "tag": "equation numbers and tags are not supported in the booklet",
    "label": "cross-references are not supported in the booklet",
    "ref": "cross-references are not supported in the booklet",
    "eqref": "cross-references are not supported in the booklet",
    "mathop": "write \\operatorname{...}", "mathbin": "write \\operatorname{...}",
    "mathrel": "write \\operatorname{...}",
    "color": "colours are not supported", "textcolor": "colours are not supported",
    "cancel": "the cancel package is not loaded",
    "mbox": "write \\text{...}", "makebox": "write \\text{...}",
}

# --------------------------------------------------------------------------------------------
# Unicode characters in math: mapped to commands (or ASCII) so that authors may paste them.
# --------------------------------------------------------------------------------------------

_GREEK_UNICODE = dict(zip(
    "αβγδεζηθικλμνξπρστυφχψωϵϑϰϕϱϖςΓΔΘΛΞΠΣΥΦΨΩ",
    ("alpha beta gamma delta varepsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma "
     "tau upsilon varphi chi psi omega epsilon vartheta varkappa phi varrho varpi varsigma "
     "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split(),
    strict=True,
))
_SYMBOL_UNICODE = dict(zip(
    "≤≥≠≈≡∼≃≅∝∈∉∋⊂⊃⊆⊇∪∩∅∞∂∇∀∃¬∧∨×÷±∓⋅·∘→←↔⇒⇐⇔↦⊕⊗⊙⊖∑∏∫∮…⋯⋮⋱ℓℏ⟨⟩‖∣⊥⊤≪≫⊢⊨∖∗⋆⌊⌋⌈⌉ℵ↪∥⊊⊋≺≻⪯⪰∎□",
    ("leq geq neq approx equiv sim simeq cong propto in notin ni subset supset subseteq supseteq "
     "cup cap emptyset infty partial nabla forall exists neg wedge vee times div pm mp cdot cdot "
     "circ to leftarrow leftrightarrow Rightarrow Leftarrow Leftrightarrow mapsto oplus otimes "
     "odot ominus sum prod int oint ldots cdots vdots ddots ell hbar langle rangle Vert mid perp "
     "top ll gg vdash models setminus ast star lfloor rfloor lceil rceil aleph hookrightarrow "
     "parallel subsetneq supsetneq prec succ preceq succeq blacksquare square").split(),
    strict=True,
))
UNICODE_MATH: dict[str, str] = {
    **{char: "\\" + name for char, name in (_GREEK_UNICODE | _SYMBOL_UNICODE).items()},
    **{char: "\\mathbb{" + letter + "}" for char, letter in zip("ℝℕℤℚℂ", "RNZQC", strict=True)},
    "−": "-", "′": "'", "″": "''", "∶": ":",
}
UNICODE_HINTS = {"²": "write ^2", "³": "write ^3", "¹": "write ^1", "°": "write ^{\\circ}"}

# --------------------------------------------------------------------------------------------
# Derived sets.
# --------------------------------------------------------------------------------------------

MATH_SYMBOLS = (GREEK | LETTERLIKE | BINARY_OPERATORS | RELATIONS | ARROWS | DELIMITERS
                | BIG_OPERATORS | NAMED_OPERATORS | DOTS | SPACING | MISC_MATH)
# \\ and \hline are allowed only in environments; they are handled separately.
STRUCTURE = frozenset(["\\", "hline"])
MATH_COMMANDS = MATH_SYMBOLS | frozenset(MATH_SIGNATURES) | STRUCTURE
ALL_COMMANDS = MATH_COMMANDS | TEXT_COMMANDS

# Allow-listed commands that only make sense in math mode: used to spot math written outside
# $...$ (``\mathcal{L}`` in running text). Text commands, spacing and \{ \} & co. are excluded.
MATH_ONLY_COMMANDS: frozenset[str] = frozenset(
    name for name in MATH_COMMANDS - TEXT_COMMANDS - STRUCTURE - SPACING - MISC_MATH
    if name.isalpha()
) | frozenset(["displaystyle", "textstyle", "limits", "nolimits", "not", "colon", "bmod"])


def is_allowed_command(name: str) -> bool:
    """Whether ``\\name`` may appear in a formula (in math or inside ``\\text{...}``)."""
    return name.removeprefix("\\") in ALL_COMMANDS


_SUGGESTIBLE = sorted(c for c in ALL_COMMANDS if c.isalpha() and len(c) > 1)


@functools.lru_cache(maxsize=1024)
def suggest_command(name: str) -> str | None:
    """The allow-listed command nearest to a near miss (``mathcall`` -> ``mathcal``), or None."""
    name = name.removeprefix("\\")
    if not name or name in ALL_COMMANDS:
        return None
    matches = difflib.get_close_matches(name, _SUGGESTIBLE, n=1, cutoff=0.75)
    return matches[0] if matches else None
