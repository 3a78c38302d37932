"""The loader's errors: exact place and words, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from booklet.cli import main
from booklet.diagnostics import Diagnostics
from booklet.load import load_programme

GOOD = """---
id: {id}
title: A talk
start: 2024-05-23 09:30
duration: 30
session: morning
speakers:
  - family: Doe
    given: Jane
---
An abstract.
"""


def load(content: Path) -> tuple[object, list[str]]:
    diags = Diagnostics()
    programme = load_programme(content, diags)
    return programme, [str(d) for d in diags]


def write(content: Path, name: str, text: str) -> Path:
    path = content / "contributions" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reference_event_loads_cleanly(content_copy: Path) -> None:
    programme, messages = load(content_copy)
    assert [m for m in messages if "error" in m] == []
    assert programme is not None
    assert [c.id for c in programme.contributions] == ["1", "2", "3", "4", "5", "6"]
    event = programme.event
    assert event.language == "fr" and event.paper == "a5"
    assert [s.id for s in event.sessions] == ["morning", "afternoon"]
    c3 = programme.contributions[2]
    assert c3.speakers[0].family == "Vlassopoulos"
    assert c3.start is not None and c3.start.isoformat() == "2024-05-23T12:00:00+02:00"
    assert c3.duration == 60 and c3.session == "morning" and c3.language == "en"
    assert c3.abstract.startswith("Large Language Models are transformer")


def test_missing_required_field(content_copy: Path) -> None:
    write(content_copy, "900.md", GOOD.format(id=900).replace("title: A talk\n", ""))
    _, messages = load(content_copy)
    assert any(
        m.endswith("900.md:2: error: contribution: missing required field 'title'")
        for m in messages
    ), messages


def test_bad_time(content_copy: Path) -> None:
    write(
        content_copy, "900.md", GOOD.format(id=900).replace("2024-05-23 09:30", "23/05/2024 9h30")
    )
    _, messages = load(content_copy)
    assert any(
        "900.md:4: error: contribution: bad start time '23/05/2024 9h30'" in m for m in messages
    ), messages


def test_unknown_session(content_copy: Path) -> None:
    write(
        content_copy, "900.md", GOOD.format(id=900).replace("session: morning", "session: evening")
    )
    _, messages = load(content_copy)
    assert any(
        "900.md:6: error: contribution: unknown session 'evening' (sessions in event.yaml: "
        "morning, afternoon)" in m
        for m in messages
    ), messages


def test_duplicate_id(content_copy: Path) -> None:
    write(content_copy, "900.md", GOOD.format(id=3))
    programme, messages = load(content_copy)
    assert any(
        "900.md:2: error: contribution id '3' is already used by 003.md" in m for m in messages
    ), messages
    assert programme is not None and len(programme.contributions) == 6


def test_yaml_syntax_error_has_its_line(content_copy: Path) -> None:
    bad = GOOD.format(id=900).replace("title: A talk", "title: [unclosed")
    write(content_copy, "900.md", bad)
    _, messages = load(content_copy)
    errors = [m for m in messages if "900.md" in m and "YAML syntax error" in m]
    assert errors, messages
    # the parser notices at the next line; the message points inside the front matter
    line = int(errors[0].split(":")[1])
    assert 3 <= line <= 5


def test_yaml_error_in_event_file(content_copy: Path) -> None:
    (content_copy / "event.yaml").write_text("title: x\nlanguage: fr\n  bad: indent\n", "utf-8")
    _, messages = load(content_copy)
    assert any("event.yaml:3: error: YAML syntax error" in m for m in messages), messages


def test_unknown_field_suggests_the_right_one(content_copy: Path) -> None:
    write(content_copy, "900.md", GOOD.format(id=900).replace("duration:", "durtion:"))
    _, messages = load(content_copy)
    assert any(
        "900.md:5: warning: contribution: unknown field 'durtion' is ignored; did you mean "
        "'duration'?" in m
        for m in messages
    ), messages


def test_session_ids_that_name_the_handouts_of_talks_without_a_session(
    content_copy: Path,
) -> None:
    """A session 'unscheduled' or 'day-2024-05-23' would write (or, on macOS, overwrite
    with another case) the handout and the slides of the talks without a session."""
    event = content_copy / "event.yaml"
    event.write_text(event.read_text("utf-8") + "  - id: Unscheduled\n    title: Posters\n"
                     "  - id: day-2024-05-23\n    title: Evening\n", "utf-8")  # fmt: skip
    _, messages = load(content_copy)
    for line, name in ((16, "Unscheduled"), (18, "day-2024-05-23")):
        assert any(f"event.yaml:{line}: error: session" in m and f"'id' cannot be '{name}': "
                   "the handouts and slides of talks without a session have that name" in m
                   for m in messages), messages  # fmt: skip


def test_unsafe_id_is_refused(content_copy: Path) -> None:
    write(content_copy, "900.md", GOOD.format(id="../../etc"))
    _, messages = load(content_copy)
    assert any(
        "900.md:2: error: contribution: 'id' must be a number or a short code" in m
        for m in messages
    ), messages


def test_missing_front_matter_and_empty_file(content_copy: Path) -> None:
    write(content_copy, "900.md", "Just an abstract.\n")
    write(content_copy, "901.md", "")
    _, messages = load(content_copy)
    assert any("900.md:1: error: a contribution file must start with '---'" in m for m in messages)
    assert any("901.md:1: error: the file is empty" in m for m in messages)


def test_not_utf8(content_copy: Path) -> None:
    (content_copy / "contributions" / "900.md").write_bytes(
        GOOD.format(id=900).encode("utf-8").replace(b"An abstract.", b"Caf\xe9.")
    )
    _, messages = load(content_copy)
    assert any("900.md:11: error: the file is not UTF-8" in m for m in messages), messages


def test_bom_and_crlf_are_fine(content_copy: Path) -> None:
    text = "\ufeff" + GOOD.format(id=900).replace("\n", "\r\n")
    (content_copy / "contributions" / "900.md").write_bytes(text.encode("utf-8"))
    programme, messages = load(content_copy)
    assert not [m for m in messages if "900.md" in m], messages
    assert programme is not None and "900" in [c.id for c in programme.contributions]


def test_bad_timezone_and_language(content_copy: Path) -> None:
    event = content_copy / "event.yaml"
    event.write_text(
        event.read_text("utf-8")
        .replace("Europe/Paris", "Europe/Pari")
        .replace("language: fr", "language: de"),
        "utf-8",
    )
    _, messages = load(content_copy)
    assert any("unknown timezone 'Europe/Pari'" in m and "Europe/Paris" in m for m in messages)
    assert any("'language' must be one of fr, en, not 'de'" in m for m in messages)


def test_check_command_prints_compiler_style_lines_and_exits_1(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(content_copy, "900.md", GOOD.format(id=900).replace("duration: 30", "duration: long"))
    status = main(["check", "--content", str(content_copy)])
    err = capsys.readouterr().err
    assert status == 1
    assert "900.md:5: error: contribution: 'duration' must be a whole number" in err


def test_check_passes_on_the_reference_event_with_the_bare_math_warnings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = Path(__file__).resolve().parents[1]
    status = main(["check", "--content", str(root / "content")])
    err = capsys.readouterr().err
    assert status == 0
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    # talk 3 writes \mathcal{L} outside $…$ four times: each is reported with its line
    assert len(warnings) == 4
    assert all("003.md:" in w and "\\mathcal{L}" in w for w in warnings)
    assert sorted(int(w.split(":")[1]) for w in warnings) == [14, 14, 16, 18]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "nonsense"]) == 2
    assert "unknown target nonsense" in capsys.readouterr().err
    assert main([]) == 2
    assert main(["check", "--content", "/nonexistent/folder"]) == 2


@pytest.mark.parametrize(
    "text",
    [
        "---\n- a list\n---\n",
        "---\nid: 1\ntitle: x\nspeakers: nope\n---\n",
        "---\nid: 1\ntitle: x\nspeakers:\n  - nope\n---\n",
        "---\nid: 1\ntitle: x\nspeakers:\n  - {given: only}\n---\n",
        "---\nid: &a 1\ntitle: *a\n---\n",
        "---\nid: 1\ntitle: {a: b}\n---\n",
        "---\nid: 1\nid: 2\ntitle: x\n---\n",
        "---\n\tid: 1\n---\n",
        "---\nid: 1\ntitle: x\nstart: 2024-02-30 10:00\nduration: -5\n---\n",
        "---\nid: 1\ntitle: x\n",
    ],
)
def test_malformed_files_never_raise(content_copy: Path, text: str) -> None:
    write(content_copy, "900.md", text)
    _, messages = load(content_copy)
    assert any("900.md" in m and ": error: " in m for m in messages), messages


def test_no_traceback_from_the_console_script(content_copy: Path) -> None:
    write(content_copy, "900.md", "---\nid: [\n---\n")
    run = subprocess.run(
        [sys.executable, "-m", "booklet", "check", "--content", str(content_copy)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "900.md:" in run.stderr and "YAML syntax error" in run.stderr


def test_contribution_outside_the_event_days(content_copy: Path) -> None:
    event = content_copy / "event.yaml"
    event.write_text(event.read_text("utf-8") + "start_date: 2024-05-23\n", "utf-8")
    write(
        content_copy, "900.md", GOOD.format(id=900).replace("2024-05-23 09:30", "2024-05-24 09:30")
    )
    _, messages = load(content_copy)
    assert any(
        "900.md:4: error: contribution 900 starts on 2024-05-24, outside the event's days "
        "(2024-05-23)" in m
        for m in messages
    ), messages


def test_two_talks_in_one_room_and_a_speaker_in_two_places(content_copy: Path) -> None:
    a = GOOD.format(id=900).replace("session: morning\n", "room: Amphi A\n")
    b = a.replace("id: 900", "id: 901").replace("09:30", "09:45")
    write(content_copy, "900.md", a)
    write(content_copy, "901.md", b)
    _, messages = load(content_copy)
    assert any(
        "901.md:4: warning: contribution 901 overlaps contribution 900 (900.md) in room Amphi A"
        in m
        for m in messages
    ), messages
    assert any(
        "901.md:4: warning: Jane Doe also speaks at the same time in contribution 900" in m
        for m in messages
    ), messages


def test_abstract_over_the_configured_length(content_copy: Path) -> None:
    event = content_copy / "event.yaml"
    event.write_text(event.read_text("utf-8") + "abstract_max_words: 50\n", "utf-8")
    _, messages = load(content_copy)
    long_ones = sorted(m for m in messages if "more than the 50 allowed" in m)
    # talks 1-4 are longer than 50 words (78, 166, 278, 76); 5 has 49, 6 ("TBA") one
    assert len(long_ones) == 4
    assert "003.md:12: error: the abstract has 278 words, more than the 50 allowed" in long_ones[2]


@pytest.mark.parametrize("bad", ["con", "a b", "../x", "-lead", "x" * 65, "é"])
def test_ids_must_be_safe_file_names(content_copy: Path, bad: str) -> None:
    write(content_copy, "900.md", GOOD.format(id=json.dumps(bad)))
    _, messages = load(content_copy)
    assert any("900.md:2: error: contribution: 'id' " in m for m in messages), messages


def test_messages_for_common_slips(content_copy: Path) -> None:
    contributions = content_copy / "contributions"
    write(content_copy, "900.md", GOOD.format(id=900).replace("title: A talk", "title: Talk #2"))
    write(
        content_copy, "901.md", GOOD.format(id=901).replace("2024-05-23 09:30", "2024-02-30 09:30")
    )
    write(content_copy, "902.md", GOOD.format(id=902).replace("---\nAn abstract", "An abstract"))
    write(content_copy, "903.md", GOOD.format(id=903).replace("An abstract.", "Un λ perdu."))
    (contributions / "904.MD").write_text(GOOD.format(id=904), encoding="utf-8")
    (contributions / "notes.txt").write_text("x", encoding="utf-8")
    programme, messages = load(content_copy)
    assert any(
        "900.md:3: warning: the text after 'Talk #' is a YAML comment" in m for m in messages
    )
    assert any(
        "901.md:4: error: contribution: there is no such date or time: '2024-02-30 09:30'" in m
        for m in messages
    ), messages
    assert any("902.md:1: error: the fields are not closed" in m for m in messages), messages
    assert any("notes.txt:1: warning: ignored: contributions are .md files" in m for m in messages)
    assert programme is not None and "904" in [c.id for c in programme.contributions]


def test_unprintable_greek_letter_suggests_the_command(content_copy: Path) -> None:
    from booklet.markup.charset import advice

    assert advice("λ") == "; in mathematics write $\\lambda$"
    assert advice("Δ") == "; in mathematics write $\\Delta$"


def test_missing_contributions_folder(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text("title: X\ntimezone: Europe/Paris\n", "utf-8")
    _, messages = load(tmp_path)
    assert any(
        "contributions:1: error: the contributions folder is missing" in m for m in messages
    ), messages


def test_parallel_sessions_are_listed_one_heading_each(content_copy: Path) -> None:
    """Talks of two sessions held at the same times alternate in time order; the
    programme at a glance (booklet and web page) still lists each session once."""
    from booklet.markup import mark_up
    from booklet.views import Views

    event = content_copy / "event.yaml"
    event.write_text(
        event.read_text(encoding="utf-8").replace(
            "  - id: afternoon\n",
            "  - id: parallel\n    title: Session parallèle\n  - id: afternoon\n",
        ),
        encoding="utf-8",
    )
    for n, start in ((11, "09:30"), (12, "10:30")):
        write(content_copy, f"{n}.md", f"---\nid: {n}\ntitle: Parallel talk {n}\n"
              f"start: 2024-05-23 {start}\nduration: 60\nsession: parallel\n---\nText.\n")
    diags = Diagnostics()
    programme = load_programme(content_copy, diags)
    assert programme is not None and not diags.has_errors
    views = Views(programme, mark_up(programme, diags))
    [day] = views.programme_days()
    headings = [block.title for block in day.sessions]
    assert headings == ["Session du matin", "Session parallèle", "Session de l'après-midi"]
    parallel = day.sessions[1]
    assert [e.label for e in parallel.entries] == ["contribution-11", "contribution-12"]
    # the booklet's abstracts follow the programme: session by session
    assert [c.id for c in views.in_programme_order()] == ["1", "2", "3", "11", "12", "4", "5", "6"]


def test_messages_show_control_characters_instead_of_sending_them() -> None:
    from booklet.diagnostics import Diagnostic, Origin

    line = str(Diagnostic(Origin(Path("talk.md"), 3), "error", "title '\x1b]0;pwned\x07x\x9b'"))
    assert line == "talk.md:3: error: title '\\x1b]0;pwned\\x07x\\x9b'"
