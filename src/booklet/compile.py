"""Stage 4, compile: latexmk in a sandbox.

TeX can read and write files and loop forever; what it typesets comes from
untrusted submitters. Whatever the earlier stages let through, a run here:

- starts latexmk with ``-norc`` (no rc file is read) and ``-no-shell-escape``;
- works in a directory that holds only generated files;
- gets an environment built from scratch, with kpathsea told to refuse
  reading and writing outside that directory (``openin_any=p``,
  ``openout_any=p``) and to refuse ``\\write18`` (``shell_escape=f``);
- reads nothing from stdin;
- runs in its own process group, killed whole on a wall-clock timeout
  (killing latexmk alone would leave pdflatex running);
- is limited in CPU time, address space and size of any file it writes.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

WALL_TIMEOUT_S = 120.0
CPU_LIMIT_S = 120
MEMORY_LIMIT = 2 * 1024**3
FILE_SIZE_LIMIT = 512 * 1024**2
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass(frozen=True)
class CompileResult:
    ok: bool
    pdf: Path | None
    log: str
    seconds: float
    timed_out: bool = False
    error: TexError | None = None


@dataclass(frozen=True)
class TexError:
    message: str  # TeX's words, first line
    tex_line: int | None  # line in the .tex file
    context: str  # the lines TeX printed after the message


def tex_environment(workdir: Path) -> dict[str, str]:
    """The whole environment of a TeX run: nothing is inherited but the system PATH."""
    env = {
        "PATH": SYSTEM_PATH,
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TEXMFOUTPUT": str(workdir),
        "TEXMFVAR": str(workdir / ".texmf-var"),
        "TEXMFCONFIG": str(workdir / ".texmf-config"),
        "openin_any": "p",
        "openout_any": "p",
        "shell_escape": "f",
        "max_print_line": "10000",
    }
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():  # reproducible builds
        env["SOURCE_DATE_EPOCH"] = os.environ["SOURCE_DATE_EPOCH"]
        env["FORCE_SOURCE_DATE"] = "1"
    return env


def _limits(nice: int = 0) -> None:  # runs in the child, before exec
    if nice:
        os.nice(nice)
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


PDFLATEX = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
            "-no-shell-escape"]  # fmt: skip


def latexmk_command(tex_name: str, *options: str) -> list[str]:
    """latexmk runs pdflatex as often as cross-references need.

    ``-g``: at least once. The caller compiles only a source that changed (see
    BuildContext.compile); latexmk, judging by file times and sizes, would miss a
    change of the same length made within the second of its last run."""
    engine = " ".join([*PDFLATEX, "%O", "%S"])
    return [
        "latexmk", "-norc", "-pdf", "-g", "-no-shell-escape", "-interaction=nonstopmode",
        "-halt-on-error", "-file-line-error", f"-pdflatex={engine}", "-silent", *options, tex_name,
    ]  # fmt: skip


# latexmk runs pdflatex once; when another pass is due it stops and exits non-zero
# ("'pdflatex' needed too many passes") although pdflatex succeeded
FIRST_PASS_ONLY = ("-e", "$max_repeat=1")
# Without a reference pass, a cold build's first pass is a draft: the next pass replaces
# its PDF, and what is cut from it is kept only where the final pages are drawn alike (at
# any compression). zlib's quickest level saves some 6 % of the pass; the last pass
# compresses as pdfTeX always does. (A document whose first pass resolves everything keeps
# that pass, compressed quickly.) With a reference pass most of the first pass's pages are
# final: it is compressed as ever, and told so (FIRST_OF_TWO).
DRAFT_COMPRESSION = (
    "-pdflatex=" + " ".join([*PDFLATEX, "%O", '"\\pdfcompresslevel=1 \\input{%S}"']),
)


# what a label must be to go on TeX's command line (the reference pass's list)
COMMAND_LINE_LABEL = re.compile(r"[A-Za-z0-9_.:-]+")


def reference_pass_command(tex_name: str, job: str, typeset: list[str]) -> list[str]:
    """One pdflatex pass of a document's cross-referencing pages only (refpass.py): the
    style file drops every contribution whose label is not in ``typeset``."""
    if not all(COMMAND_LINE_LABEL.fullmatch(label) for label in typeset):
        raise ValueError("labels reach TeX's command line: letters, digits and _.:- only")
    labels = ",".join(typeset)
    return [*PDFLATEX, f"-jobname={job}",
            f"\\def\\abstractbookreferencepass{{{labels}}}\\input{{{tex_name}}}"]  # fmt: skip


# A cold first pass followed by a reference pass (refpass.py) says so to the style file.
FIRST_OF_TWO = (
    "-pdflatex=" + " ".join([*PDFLATEX, "%O", '"\\def\\abstractbookfirstpass{}\\input{%S}"']),
)


def single_pass_command(tex_name: str) -> list[str]:
    """One pdflatex pass, for documents without cross-references."""
    return [*PDFLATEX, tex_name]


def check_tools() -> str | None:
    """A message naming what is missing to compile, or None."""
    missing = [t for t in ("latexmk", "pdflatex") if shutil.which(t, path=SYSTEM_PATH) is None]
    if missing:
        return (
            f"{' and '.join(missing)} not found: install TeX Live "
            "(on Debian/Ubuntu `make booklet` does it; see README)"
        )
    return None


def compile_tex(
    workdir: Path, tex_name: str, timeout: float = WALL_TIMEOUT_S, *, single_pass: bool = False,
    between_passes: Callable[[], None] | None = None, nice: int = 0,
    reference_pass: Callable[[float], bool] | None = None,
) -> CompileResult:
    """Run latexmk (or one pdflatex pass) on ``workdir/tex_name`` in the sandbox.

    ``between_passes`` is called once, after the first pdflatex pass, when latexmk
    finds that another pass is needed (a cold build: cross-references unresolved):
    the first pass has the final page breaks already, and a caller may start work
    on its PDF while the next pass runs. latexmk then goes on as it would have.

    ``nice`` lowers the run's priority: a short document compiled beside a long one
    should not slow down the long one, whose end the whole build waits for.

    ``reference_pass``, when the first pass was cold (no ``.aux`` before it), may do
    the rest instead of latexmk's next passes (see refpass.py): it gets the seconds
    left and returns True when it wrote the final PDF.
    """
    started, wall_start = time.monotonic(), time.time()
    deadline = started + timeout
    if single_pass:
        commands = [single_pass_command(tex_name)]
    elif between_passes is None and reference_pass is None:
        commands = [latexmk_command(tex_name)]
    else:
        cold = not (workdir / (Path(tex_name).stem + ".aux")).exists()  # another pass is due
        if not cold:
            reference_pass = None
        # the first pass is a draft unless a reference pass keeps most of its pages
        prelude = () if not cold else FIRST_OF_TWO if reference_pass else DRAFT_COMPRESSION
        first = (*FIRST_PASS_ONLY, *prelude)
        commands = [latexmk_command(tex_name, *first), latexmk_command(tex_name)]
    log_path = workdir / (Path(tex_name).stem + ".log")
    pdf = workdir / (Path(tex_name).stem + ".pdf")
    for number, command in enumerate(commands):
        left = deadline - time.monotonic()
        returncode, stdout, timed_out = run_sandboxed(command, workdir, left, nice)
        if timed_out or returncode == 0 or number == len(commands) - 1:
            break
        if not _written_since(pdf, wall_start) or first_error(read_output(log_path)):
            break  # a real failure: no new PDF, or TeX's error
        if between_passes is not None:
            between_passes()
        if reference_pass is not None and reference_pass(deadline - time.monotonic()):
            returncode = 0
            break
    seconds = time.monotonic() - started
    log = read_output(log_path)
    if os.environ.get("BOOKLET_DEBUG_TEX"):  # for developers: what latexmk did
        print(stdout.decode(errors="replace")[-3000:], file=sys.stderr)
    ok = returncode == 0 and not timed_out and pdf.exists()
    error = None if ok else first_error(log)
    return CompileResult(ok, pdf if ok else None, log, seconds, timed_out, error)


def _written_since(path: Path, moment: float) -> bool:
    try:
        return path.stat().st_mtime >= moment - 1  # file times may be coarser than ours
    except OSError:
        return False


def read_output(path: Path) -> str:
    """A file a TeX run wrote (log, .aux...), or "" when it wrote none."""
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def run_sandboxed(command: list[str], workdir: Path, timeout: float,
         nice: int = 0) -> tuple[int, bytes, bool]:  # fmt: skip
    """One sandboxed process (group): its exit code, its output, whether it timed out."""
    with open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(
            command,
            cwd=workdir,
            env=tex_environment(workdir),
            stdin=devnull,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=partial(_limits, nice),
        )
        timed_out = False
        stdout = b""
        try:
            stdout, _ = proc.communicate(timeout=max(timeout, 0.1))
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
            stdout, _ = proc.communicate()
        _kill_group(proc)  # nothing the run started may outlive it
    return proc.returncode, stdout, timed_out


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


ERROR_LINE = re.compile(r"^(?:\./)?[^\s:]+\.tex:(\d+): (.*)$", re.MULTILINE)
TEX_BANG = re.compile(r"^! (.*)$", re.MULTILINE)


def first_error(log: str) -> TexError | None:
    """TeX's first error in a log written with ``-file-line-error``."""
    match = ERROR_LINE.search(log) or TEX_BANG.search(log)
    if match is None:
        return None
    line = int(match.group(1)) if match.re is ERROR_LINE else None
    message = match.group(match.lastindex or 1).strip()
    context = log[match.end() : match.end() + 400].strip()
    return TexError(message, line, context)
