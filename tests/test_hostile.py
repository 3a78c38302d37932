"""The whole pipeline against the hostile corpus: no secret leaks, nothing is written, it ends."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hostile_corpus import ABSTRACTS, NAMES, TITLES

SECRET = "TOPSECRET-b00k1e7"


def yaml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


def contribution(
    n: int, title: str, abstract: str, family: str = "Doe", affiliation: str = "Somewhere"
) -> str:
    return (
        f"---\nid: h{n}\ntitle: {yaml_string(title)}\nstart: 2024-05-23 19:00\nduration: 5\n"
        f"speakers:\n  - family: {yaml_string(family)}\n    given: Jo\n"
        f"    affiliation: {yaml_string(affiliation)}\n---\n{abstract}\n"
    )


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("hostile")
    secret_dir = root / "private"
    secret_dir.mkdir()
    secret = secret_dir / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    (secret_dir / "secret.txt.pdf").write_text(SECRET, encoding="utf-8")
    pwned = root / "pwned"
    content = root / "content"
    (content / "contributions").mkdir(parents=True)
    reference = Path(__file__).resolve().parents[1] / "content"
    (content / "event.yaml").write_text(
        (reference / "event.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for path in (reference / "contributions").glob("*.md"):
        (content / "contributions" / path.name).write_text(
            path.read_text(encoding="utf-8"), encoding="utf-8"
        )

    def fill(text: str) -> str:
        return text.replace("SECRET", str(secret)).replace("PWNED", str(pwned))

    files: dict[str, str] = {}
    n = 0
    for name, abstract in ABSTRACTS.items():
        n += 1
        files[name] = f"h{n:03d}.md"
        (content / "contributions" / files[name]).write_text(
            contribution(n, f"Payload {name}", fill(abstract)), encoding="utf-8"
        )
    for name, title in TITLES.items():
        n += 1
        files[name] = f"h{n:03d}.md"
        (content / "contributions" / files[name]).write_text(
            contribution(n, fill(title), "Plain abstract."), encoding="utf-8"
        )
    for name, value in NAMES.items():
        n += 1
        files[name] = f"h{n:03d}.md"
        text = (
            contribution(n, f"Payload {name}", "Plain abstract.", family=fill(value))
            if name.startswith("name")
            else contribution(n, f"Payload {name}", "Plain abstract.", affiliation=fill(value))
        )
        (content / "contributions" / files[name]).write_text(text, encoding="utf-8")

    before = {p for p in root.rglob("*")}
    out = root / "out"
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "booklet", "build",
         "--keep-going", "--content", str(content), "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    seconds = time.monotonic() - started
    created = {p for p in root.rglob("*") if p not in before and out not in p.parents and p != out}
    return {
        "root": root, "out": out, "status": proc.returncode, "stderr": proc.stderr,
        "seconds": seconds, "created": created, "files": files, "pwned": pwned,
    }  # fmt: skip


def test_the_build_ends_and_produces_the_booklet(hostile_build: dict) -> None:
    assert hostile_build["status"] in (0, 1), hostile_build["stderr"][-2000:]
    assert (hostile_build["out"] / "booklet.pdf").is_file(), hostile_build["stderr"][-2000:]
    assert "Traceback" not in hostile_build["stderr"]
    assert hostile_build["seconds"] < 300


def test_no_secret_in_any_output(hostile_build: dict) -> None:
    out: Path = hostile_build["out"]
    # decompress every PDF so that text in compressed streams is searched too
    for pdf in list(out.rglob("*.pdf")):
        subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(pdf) + ".qdf"],
            check=False, capture_output=True,
        )  # fmt: skip
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=False
        ).stdout
        assert SECRET not in text
    forms = [
        SECRET.encode(),
        SECRET.encode().hex().encode(),
        SECRET.encode().hex().upper().encode(),
    ]
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(form in data for form in forms), f"secret found in {path}"
    assert SECRET not in hostile_build["stderr"]


def test_nothing_written_outside_the_output_folder(hostile_build: dict) -> None:
    assert not hostile_build["pwned"].exists()
    assert hostile_build["created"] == set()


def test_reference_contributions_survive(hostile_build: dict) -> None:
    text = subprocess.run(
        ["pdftotext", str(hostile_build["out"] / "booklet.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for title in (
        "How can Machine Learning Help Mathematicians",
        "Three Problems in the Mathematics of Deep Learning",
    ):
        assert title in text
    assert "This is joint work with Stéphane Gaubert." in text


# Everything in $…$ goes through the allow-list, and images are refused; the
# rest (raw TeX, HTML, code) is printed as written, which the leak tests cover.
PAYLOADS = {**ABSTRACTS, **TITLES}
MUST_BE_REJECTED = [
    name for name, text in PAYLOADS.items() if "$" in text or name.startswith("image")
]


@pytest.mark.parametrize("name", MUST_BE_REJECTED)
def test_payloads_in_mathematics_are_reported_with_their_file(
    hostile_build: dict, name: str
) -> None:
    file = hostile_build["files"][name]
    errors = [
        line for line in hostile_build["stderr"].splitlines()
        if f"/{file}:" in line and ": error: " in line
    ]  # fmt: skip
    assert errors, f"{name} ({file}) was not reported"
