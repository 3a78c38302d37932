"""The compile layer holds on its own: hostile LaTeX run straight through compile_tex.

These tests bypass the mark-up stage on purpose: the sandbox must hold even
when the allow-list is bypassed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from booklet.compile import compile_tex

SECRET = "TOPSECRET-7c1e9a"

FILE_READS = {
    "input": r"\input{SECRET}",
    "input-relative": r"\input{../secret/secret.txt}",
    "include": r"\include{SECRET}",
    "InputIfFileExists": r"\InputIfFileExists{SECRET}{}{}",
    "at-at-input": r"\makeatletter\@@input SECRET\relax",
    "openin-read": r"\newread\r\openin\r=SECRET \read\r to\x \x",
    "csname": r"\csname input\endcsname{SECRET}",
    "caret": r"^^5cinput{SECRET}",
    "scantokens": r"\scantokens{\input{SECRET}}",
    "pdffiledump": r"\pdffiledump offset 0 length 17 {SECRET}",
    "pdfximage": r"\pdfximage{SECRET}\pdfrefximage\pdflastximage",
    "verbatiminput": r"\usepackage{verbatim}\verbatiminput{SECRET}",
    "IfFileExists": r"\IfFileExists{SECRET}{\input{SECRET}}{}",
}
WRITES = {
    "openout": r"\immediate\openout9=PWNED \immediate\write9{x}\immediate\closeout9",
    "write18": r"\immediate\write18{touch PWNED}",
    "write18-deferred": r"\write18{touch PWNED}x",
    "directlua": r"\directlua{os.execute('touch PWNED')}",
}


def document(body: str) -> str:
    # Payloads that need the preamble (\usepackage) put it there.
    preamble, _, body = body.rpartition(r"\usepackage{verbatim}")
    if _:
        preamble = r"\usepackage{verbatim}"
    return (
        f"\\documentclass{{article}}\n{preamble}\n\\begin{{document}}\nstart\n{body}\nend\n"
        "\\end{document}\n"
    )


@pytest.fixture()
def planted(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(work folder, secret file, a path outside work that nothing may create)."""
    secret_dir = tmp_path / "secret"
    secret_dir.mkdir()
    secret = secret_dir / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    return work, secret, tmp_path / "pwned.txt"


def all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def leaked(folder: Path) -> bool:
    data = all_bytes(folder)
    return any(
        form in data
        for form in (
            SECRET.encode(),
            SECRET.encode().hex().encode(),
            SECRET.encode().hex().upper().encode(),
        )
    )


@pytest.mark.parametrize("name", sorted(FILE_READS))
def test_no_file_outside_the_work_folder_can_be_read(
    name: str, planted: tuple[Path, Path, Path]
) -> None:
    work, secret, _ = planted
    body = FILE_READS[name].replace("SECRET", str(secret))
    (work / "t.tex").write_text(document(body), encoding="utf-8")
    result = compile_tex(work, "t.tex", timeout=30)
    assert not result.timed_out
    assert not leaked(work), f"{name}: the secret reached the output"
    # the PDF, when there is one, holds no trace either (decompressed streams too)
    if result.pdf is not None:
        import subprocess

        qdf = work / "qdf.pdf"
        subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(result.pdf), str(qdf)],
            check=False,
            capture_output=True,
        )
        assert not leaked(work)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_nothing_is_written_or_run_outside_the_work_folder(
    name: str, planted: tuple[Path, Path, Path]
) -> None:
    work, _, pwned = planted
    before = set(pwned.parent.rglob("*"))
    body = WRITES[name].replace("PWNED", str(pwned))
    (work / "t.tex").write_text(document(body), encoding="utf-8")
    result = compile_tex(work, "t.tex", timeout=30)
    assert not result.timed_out
    assert not pwned.exists()
    created = {p for p in set(pwned.parent.rglob("*")) - before if work not in p.parents}
    assert created == set(), created


@pytest.mark.parametrize(
    "loop",
    [
        r"\def\x{\x}\x",
        r"\loop\iftrue\repeat",
        r"\def\x{\shipout\hbox{x}\x}\x",
        r"\def\x{x\x}\x",
    ],
)
def test_endless_runs_are_stopped_and_leave_no_process(
    loop: str, planted: tuple[Path, Path, Path]
) -> None:
    work, _, _ = planted
    (work / "t.tex").write_text(document(loop), encoding="utf-8")
    started = time.monotonic()
    result = compile_tex(work, "t.tex", timeout=4)
    elapsed = time.monotonic() - started
    assert elapsed < 20
    assert not result.ok
    # no process of the run survives it (killing latexmk alone would leave pdflatex)
    assert processes_in(work) == []


def processes_in(folder: Path) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if Path(os.readlink(entry / "cwd")) == folder:
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def test_environment_is_not_inherited(planted: tuple[Path, Path, Path]) -> None:
    work, _, _ = planted
    os.environ["BOOKLET_CANARY"] = "inherited"
    try:
        (work / "t.tex").write_text(
            document(r"\immediate\write16{CANARY=[\detokenize\expandafter{\jobname}]}"),
            encoding="utf-8",
        )
        from booklet.compile import tex_environment

        env = tex_environment(work)
        assert "BOOKLET_CANARY" not in env
        assert env["openin_any"] == "p" and env["openout_any"] == "p"
        assert env["shell_escape"] == "f"
        assert compile_tex(work, "t.tex", timeout=30).ok
    finally:
        del os.environ["BOOKLET_CANARY"]
