"""``booklet import csv``: a spreadsheet and a mapping file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from import_helpers import DATA, by_id, load, run_import


@pytest.fixture()
def sheet_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    content = tmp_path / "content"
    status, err = run_import(capsys, "csv", DATA / "talks.csv", "--content", content)
    assert status == 0, err
    return content, err


def test_cp1252_semicolon_sheet_with_its_mapping(sheet_import: tuple[Path, str]) -> None:
    """talks.csv: Windows-1252 with ';' (a French Excel export), its mapping found beside it."""
    content, err = sheet_import
    assert "talks.csv:1: warning: csv: the file is not UTF-8 (byte 0xb0); read as " \
        "Windows-1252 (cp1252)" in err
    programme = load(content)
    assert programme.event.title == "Journée des moteurs analytiques"
    assert programme.event.timezone == "Europe/Paris"
    assert [(s.id, s.title) for s in programme.event.sessions] == [("matin", "Matin"),
                                                                   ("posters", "Posters")]
    talks = by_id(programme)
    assert sorted(talks) == ["7", "8", "9"]
    seven = talks["7"]
    assert seven.start.isoformat() == "2024-05-23T09:30:00+02:00"  # start_format: dd/mm/yyyy
    assert (seven.duration, seven.type, seven.room, seven.session) == (30, "Exposé", "Amphi A",
                                                                       "matin")  # fmt: skip
    assert seven.abstract == "Let $f(x) = x^2$.\nA second line."  # a cell on two lines
    # Co-speakers with affiliations in parentheses; Ada listed again is not doubled.
    assert [(s.family, s.given, s.affiliation) for s in seven.speakers] == [
        ("Lovelace", "Ada", "Analytical Society"), ("Babbage", "Charles", "Trinity College")]
    assert talks["8"].duration == 45  # 0:45
    assert talks["9"].title == "Théorème de Fermat : un cas"
    assert talks["9"].abstract == "Un *résumé* en HTML."
    assert talks["9"].start is None


def test_problems_are_reported_with_their_row_line(sheet_import: tuple[Path, str]) -> None:
    _, err = sheet_import
    assert "talks.csv:4: warning: csv: row 2 'Une conférence sans orateur': no speaker; " \
        "written without speakers" in err  # the row after a cell on two lines
    assert "talks.csv:6: warning: csv: row 3 'Théorème de Fermat : un cas': speaker " \
        "'Carl Friedrich Gauss': more than two words" in err


def test_utf8_bom_tab_separated_without_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Columns named after booklet's fields need no mapping; no timezone: UTC, said so."""
    source = tmp_path / "export.tsv"
    source.write_bytes(
        "\ufeffid\ttitle\tname\taffiliation\tabstract\tstart\tduration\n"
        "a1\tOn $x$\tAda Lovelace\tLondon\tOne $x^2$.\t2024-05-23 09:30\t20\n"
        .encode()
    )
    content = tmp_path / "content"
    status, err = run_import(capsys, "csv", source, "--content", content)
    assert status == 0, err
    assert "export.tsv:1: warning: csv: no timezone is known for the event" in err
    programme = load(content)
    assert programme.event.title == "export" and programme.event.timezone == "UTC"
    talk = by_id(programme)["a1"]
    assert (talk.speakers[0].family, talk.speakers[0].given) == ("Lovelace", "Ada")
    assert talk.abstract == "One $x^2$." and talk.duration == 20


def test_mapping_naming_a_missing_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DATA / "talks.csv", tmp_path / "talks.csv")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  title: Titel\n  family: Nom\n  speaker: Nom\n")
    status, err = run_import(capsys, "csv", tmp_path / "talks.csv", "--mapping", mapping,
                             "--content", tmp_path / "content")  # fmt: skip
    assert status == 1
    assert "map.yaml:4: error: mapping: unknown field 'speaker'" in err
    assert "talks.csv:1: error: csv: no column 'Titel' (for title) in the header; did you " \
        "mean 'Titre'?" in err


def test_unreadable_start_is_an_error_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "s.csv"
    source.write_text("title,start\nA talk,23/05/2024 9h30\n", encoding="utf-8")
    status, err = run_import(capsys, "csv", source, "--content", tmp_path / "content")
    assert status == 1
    assert "s.csv:2: error: csv: row 1 'A talk': cannot read the start '23/05/2024 9h30'; " \
        "write YYYY-MM-DD HH:MM, or give start_format in the mapping" in err


def test_importing_a_sheet_again_keeps_the_event_it_made(
    sheet_import: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The sessions (and the title) the first import wrote are the sheet's: importing the
    same sheet again must not take them back out of event.yaml."""
    content, _ = sheet_import
    status, err = run_import(capsys, "csv", DATA / "talks.csv", "--content", content)
    assert status == 0, err
    assert "files were: 4 unchanged" in err
    programme = load(content)
    assert programme.event.title == "Journée des moteurs analytiques"
    assert [s.id for s in programme.event.sessions] == ["matin", "posters"]


def test_sheet_without_event_title_imported_again_after_edits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The title made from the file's name, edited here, is kept without a conflict; a
    session the sheet adds is added, one it no longer names is removed; hand-written
    fields stay."""
    source = tmp_path / "talks.csv"
    rows = ["id,title,family,start,duration,session",
            "t1,One,Riemann,2025-06-02 09:00,50,Morning",
            "t2,Two,Zhang,2025-06-02 10:00,50,Morning"]  # fmt: skip
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    content = tmp_path / "content"
    status, err = run_import(capsys, "csv", source, "--content", content)
    assert status == 0, err
    event_yaml = content / "event.yaml"
    text = event_yaml.read_text(encoding="utf-8")
    assert "title: talks\n" in text
    event_yaml.write_text(text.replace("title: talks\n", "title: Number Theory Day\n")
                          .replace("timezone: UTC", "timezone: Europe/Paris"),
                          encoding="utf-8")  # fmt: skip
    rows[2] = "t2,Two,Zhang,2025-06-02 10:00,50,Afternoon"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    status, err = run_import(capsys, "csv", source, "--content", content)
    assert status == 0, err
    assert "conflict" not in err and not (content / "event.yaml.upstream").exists()
    programme = load(content)
    assert (programme.event.title, programme.event.timezone) == (
        "Number Theory Day", "Europe/Paris")  # fmt: skip
    assert [(s.id, s.title) for s in programme.event.sessions] == [
        ("morning", "Morning"), ("afternoon", "Afternoon")]  # fmt: skip
    rows[1] = "t1,One,Riemann,2025-06-02 09:00,50,Afternoon"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    status, err = run_import(capsys, "csv", source, "--content", content)
    assert status == 0, err
    assert [s.id for s in load(content).event.sessions] == ["afternoon"]


def test_a_quoted_cell_never_closed_is_an_error_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """csv reads the rest of the file into such a cell without a word: the rows after it
    would vanish (and, importing again, their files be removed)."""
    source = tmp_path / "talks.csv"
    source.write_text('id,title,family\n1,First,Ada\n2,"Second, unclosed,Bob\n3,Third,Carl\n',
                      encoding="utf-8")  # fmt: skip
    content = tmp_path / "content"
    status, err = run_import(capsys, "csv", source, "--content", content)
    assert status == 1
    assert "talks.csv:3: error: csv: a quoted cell on this line is not closed" in err
    assert not content.exists()
    # quotes the import accepts are not taken for one: doubled, or inside a cell
    source.write_text('id,title,family\n1,"A ""quoted"" title",Ada\n2,5" screens,Bob\n',
                      encoding="utf-8")  # fmt: skip
    status, err = run_import(capsys, "csv", source, "--content", content)
    assert status == 0, err
    assert [c.title for c in load(content).contributions] == ['A "quoted" title', '5" screens']


def test_a_binary_file_is_refused_without_echoing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "sheet.csv"
    zipped = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x1b[31m"  # an .xlsx begins so
    sheet.write_bytes(zipped + bytes(range(256)))
    status, err = run_import(capsys, "csv", sheet, "--content", tmp_path / "content")
    assert status != 0
    assert "sheet.csv:1: error: csv: this is not a text file (it holds NUL bytes)" in err
    assert "\x1b" not in err and "\x00" not in err
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize("session", ["Unscheduled", "Day 2024-05-23"])
def test_a_session_named_like_the_files_of_talks_without_one_gets_another_id(
    session: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(f"id,title,speakers,session\n1,A talk,Ada Lovelace,{session}\n",
                     encoding="utf-8")  # fmt: skip
    content = tmp_path / "content"
    status, err = run_import(capsys, "csv", sheet, "--content", content)
    assert status == 0, err
    programme = load(content)  # the loader refuses 'unscheduled' and 'day-…' as session ids
    assert [(s.title, s.id.endswith("-session")) for s in programme.event.sessions] == [
        (session, True)]
    assert by_id(programme)["1"].session == programme.event.sessions[0].id
