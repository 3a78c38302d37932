"""Session slides for the projector, read back from the PDFs: pages, sizes, text and where
the text lies on the page."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from booklet.cli import main
from booklet.compile import compile_tex
from booklet.diagnostics import Diagnostics
from booklet.load import load_programme
from booklet.markup import Fragments
from booklet.markup.escape import NoEscape
from booklet.model import Programme
from booklet.slide_views import slide_decks
from booklet.views import Views
from pdfread import page_texts, pdftotext

CONTENT = Path(__file__).resolve().parents[1] / "content"

LONG_TITLE = (
    r"A tropical $(\min,+)$ approach to the geometry of directed metric polyhedra "
    r"$P(\mathcal{L}) \subseteq \mathbb{R}^{n}_{\max}$ and the Yoneda embedding of enriched "
    r"categories of texts, with applications to the training dynamics of very large "
    r"transformer language models"
)
AFFILIATIONS = [
    "Laboratoire de Mathématiques d'Orsay, Université Paris-Saclay, CNRS",
    "Max Planck Institute for Mathematics in the Sciences, Leipzig",
    "Department of Applied Mathematics and Theoretical Physics, University of Cambridge",
    "Institut des Hautes Études Scientifiques",
]
PEOPLE = [
    ("Abramowitz-Stegun", "Maximilian"), ("Vlassopoulos", "Yiannis"), ("Gaubert", "Stéphane"),
    ("Kempe", "Julia"), ("Charton", "François"), ("Dudzik", "Andrew"),
    ("Synnaeve", "Gabriel"), ("Hayat", "Amaury"), ("Lovelace", "Ada"), ("Noether", "Emmy"),
    ("Grothendieck", "Alexander"), ("Kowalevskaya", "Sofia"),
]  # fmt: skip

EVENT = """\
title: International Workshop on Tropical Geometry and the Mathematics of Machine Learning
short_title: Tropical Geometry and Machine Learning
language: en
timezone: Europe/Paris
slides: {aspect: 4:3}
sessions:
  - id: plenary
    title: "Plenary session: tropical methods in learning theory, a long session title"
    chair: Jean-Baptiste de la Fontaine-Villeneuve
    room: Grand Amphithéâtre Henri Poincaré
  - id: short
    title: Short talks
    room: Room B
"""


def flat(text: str) -> str:
    return " ".join(text.split())


def words(text: str) -> str:
    """Words only: pdftotext drops a hyphen that ends a line ("Task -" / "the")."""
    return flat(text.replace("-", " "))


def contribution(cid: int, title: str, start: str | None, session: str | None,
                 speakers: list[tuple[str, str, str]], duration: int = 30,
                 room: str | None = None) -> str:  # fmt: skip
    lines = ["---", f"id: {cid}", f"title: '{title}'"]
    if start:
        lines += [f"start: {start}", f"duration: {duration}"]
    if session:
        lines.append(f"session: {session}")
    if room:
        lines.append(f"room: {room}")
    lines.append("speakers:")
    for family, given, affiliation in speakers:
        lines += [f"  - family: {family}", f"    given: {given}"]
        if affiliation:
            lines.append(f'    affiliation: "{affiliation}"')
    return "\n".join([*lines, "---", "An abstract with $x^2$.", ""])


def write_synthetic(content: Path) -> Path:
    """Two sessions on one day (a very long title with 12 speakers, an unscheduled talk),
    then talks without a session on the next day, in two rooms."""
    folder = content / "contributions"
    folder.mkdir(parents=True)
    (content / "event.yaml").write_text(EVENT, encoding="utf-8")
    twelve = [(f, g, AFFILIATIONS[n % 4]) for n, (f, g) in enumerate(PEOPLE)]
    talks = [
        contribution(1, LONG_TITLE, "2025-03-10 09:00", "plenary", twelve, 45),
        contribution(2, r"Short: $(\min,+)$ projectors", "2025-03-10 09:45", "plenary",
                     [twelve[0]]),
        contribution(3, "An unscheduled talk", None, "plenary", [twelve[1]]),
        contribution(4, "Lightning talk on optimal transport", "2025-03-10 11:00", "short",
                     [("Gaubert", "Stéphane", AFFILIATIONS[2]),
                      ("Kempe", "Julia", AFFILIATIONS[2])], 15),
        contribution(5, "A talk without a session", "2025-03-11 09:00", None,
                     [("Charton", "François", AFFILIATIONS[3])], 20, room="Salle 101"),
        contribution(6, "Another one elsewhere", "2025-03-11 09:30", None,
                     [("Dudzik", "Andrew", "")], 20, room="Salle 102"),
    ]  # fmt: skip
    for n, text in enumerate(talks, start=1):
        (folder / f"{n:03d}.md").write_text(text, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def reference_slides(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("slides") / "build"
    assert main(["build", "slides", "--content", str(CONTENT), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def synthetic_slides(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    content = write_synthetic(root / "content")
    out = root / "build"
    assert main(["build", "slides", "--content", str(content), "--out", str(out)]) == 0
    return out


def reference_programme() -> Programme:
    programme = load_programme(CONTENT, Diagnostics())
    assert programme is not None
    return programme


def page_size(pdf: Path, page: int = 0) -> tuple[float, float]:
    box = PdfReader(pdf).pages[page].mediabox
    return float(box.width), float(box.height)


# ---- the reference event ------------------------------------------------------------


def test_one_deck_per_session_with_a_slide_per_talk_at_16_9(reference_slides: Path) -> None:
    folder = reference_slides / "slides"
    assert sorted(p.name for p in folder.glob("*.pdf")) == ["afternoon.pdf", "morning.pdf"]
    programme = reference_programme()
    for session in ("morning", "afternoon"):
        talks = [c for c in programme.contributions if c.session == session]
        pdf = folder / f"{session}.pdf"
        reader = PdfReader(pdf)
        assert len(reader.pages) == 1 + len(talks) + 1
        for n in range(len(reader.pages)):
            width, height = page_size(pdf, n)
            assert width / height == pytest.approx(16 / 9, rel=1e-3)
        assert reader.metadata is not None
        assert reader.metadata.title.startswith("Mathematics for and by Large Language Models – ")


def test_each_holding_slide_shows_its_talk(reference_slides: Path) -> None:
    programme = reference_programme()
    for session in ("morning", "afternoon"):
        talks = [c for c in programme.contributions if c.session == session]
        pages = [flat(p) for p in page_texts(reference_slides / "slides" / f"{session}.pdf")]
        for n, c in enumerate(talks):
            page = pages[1 + n]
            assert words(c.title) in words(page)
            for s in c.speakers:
                assert s.name in page
                assert s.affiliation in page
            assert c.start is not None
            assert c.start.strftime("%H:%M") in page and f"{c.duration} min" in page
            if n + 1 < len(talks):  # what comes next: the next talk, with its time
                following = talks[n + 1]
                assert f"À suivre {following.start.strftime('%H:%M')}" in page
                assert following.speakers[0].name in page.split("À suivre", 1)[1]


def test_session_and_closing_slides(reference_slides: Path) -> None:
    morning = [flat(p) for p in page_texts(reference_slides / "slides" / "morning.pdf")]
    afternoon = [flat(p) for p in page_texts(reference_slides / "slides" / "afternoon.pdf")]
    assert "Session du matin" in morning[0]
    assert "jeudi 23 mai 2024 • 09:30–13:00" in morning[0]
    for title in ("How can Machine Learning Help Mathematicians", "Synthetic Data"):
        assert title in morning[0]  # the session's talks, listed
    # after the morning: the afternoon session, the same day
    assert "Session suivante" in morning[-1] and "14:30" in morning[-1]
    assert "Session de l’après-midi" in morning[-1] or "Session de l'après-midi" in morning[-1]
    assert "Session suivante 14:30 Session de l" in morning[-2]  # on the last talk's slide
    assert "Fin de la conférence" in afternoon[-1] and "Fin de la conférence" in afternoon[-2]
    for page in morning + afternoon:  # the event, small, in the footer of every slide
        assert "Mathematics for and by Large Language Models" in page


def test_fonts_are_latin_modern_type1_embedded(reference_slides: Path) -> None:
    run = subprocess.run(["pdffonts", str(reference_slides / "slides" / "morning.pdf")],
                         capture_output=True, text=True, check=True)  # fmt: skip
    rows = run.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        assert "Type 1" in row and " yes yes " in row, row
        assert "+LM" in row, row


def test_the_source_is_kept_and_compiles_on_its_own(reference_slides: Path, tmp_path: Path):
    src = reference_slides / "src"
    for name in ("slides.tex", "slides.sty"):
        shutil.copy(src / name, tmp_path / name)
    result = compile_tex(tmp_path, "slides.tex", single_pass=True)
    assert result.ok, result.error
    assert len(PdfReader(tmp_path / "slides.pdf").pages) == 10


# ---- text stays on the slides ------------------------------------------------------------


def char_boxes(pdf: Path) -> Iterator[tuple[int, float, float, list[tuple[str, tuple]]]]:
    """Per page: its number, width, height, and each printed character with its tight box
    (left, bottom, right, top) in PDF points."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        for number in range(len(document)):
            page = document[number]
            width, height = page.get_size()
            text = page.get_textpage()
            chars = []
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                if char.strip():
                    chars.append((char, text.get_charbox(i)))
            yield number + 1, width, height, chars
            text.close()
            page.close()
    finally:
        document.close()


def assert_text_stays_on_the_slides(pdf: Path) -> None:
    """Every character lies within the page, inside the side margins, and no two
    characters far apart in the text overlap (text set over other text)."""
    for number, width, height, chars in char_boxes(pdf):
        assert chars, f"{pdf.name}: page {number} has no text"
        margin = 0.05 * width
        for char, (left, bottom, right, top) in chars:
            where = f"{pdf.name}: page {number}: {char!r} at ({left:.1f}, {bottom:.1f})"
            assert margin - 1 <= left and right <= width - margin + 1, where
            assert bottom >= 0 and top <= height, where
        for i, (a, box_a) in enumerate(chars):
            for b, box_b in chars[i + 4 :]:
                dx = min(box_a[2], box_b[2]) - max(box_a[0], box_b[0])
                dy = min(box_a[3], box_b[3]) - max(box_a[1], box_b[1])
                smaller = min((box_a[2] - box_a[0]) * (box_a[3] - box_a[1]),
                              (box_b[2] - box_b[0]) * (box_b[3] - box_b[1]))  # fmt: skip
                assert dx <= 0 or dy <= 0 or dx * dy < 0.2 * smaller, (
                    f"{pdf.name}: page {number}: {a!r} and {b!r} overlap"
                )


def test_no_text_runs_off_the_reference_slides(reference_slides: Path) -> None:
    for pdf in sorted((reference_slides / "slides").glob("*.pdf")):
        assert_text_stays_on_the_slides(pdf)


def test_long_title_and_twelve_speakers_fit_at_4_3(synthetic_slides: Path) -> None:
    folder = synthetic_slides / "slides"
    assert sorted(p.stem for p in folder.glob("*.pdf")) == ["day-2025-03-11", "plenary", "short"]
    for pdf in folder.glob("*.pdf"):
        width, height = page_size(pdf)
        assert width / height == pytest.approx(4 / 3, rel=1e-3)
        assert_text_stays_on_the_slides(pdf)
    page = flat(pdftotext(folder / "plenary.pdf", first=2, last=2))
    for family, given in PEOPLE:  # every speaker, wrapped, none lost
        assert f"{given} {family}" in page
    for affiliation in AFFILIATIONS:
        assert flat(affiliation).replace("'", "’") in page.replace("'", "’")
    assert "transformer language models" in page


def test_a_title_with_min_plus_typesets_as_mathematics(synthetic_slides: Path) -> None:
    pdf = synthetic_slides / "slides" / "plenary.pdf"
    page = flat(pdftotext(pdf, first=3, last=3))  # the holding slide of talk 2
    assert "Short: (min, +) projectors" in page
    assert "$" not in page and "\\" not in page
    fonts = subprocess.run(["pdffonts", "-f", "3", "-l", "3", str(pdf)],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "LMMathItalic" in fonts  # the comma of (min,+), in the mathematics' own font
    assert "LMRoman" in fonts  # min and +: upright mathematics, not the slides' sans serif


def test_decks_without_sessions_unscheduled_talks_and_closings(synthetic_slides: Path):
    folder = synthetic_slides / "slides"
    plenary = [flat(p) for p in page_texts(folder / "plenary.pdf")]
    assert len(plenary) == 1 + 3 + 1
    assert "Room: Grand Amphithéâtre Henri Poincaré" in plenary[0]
    assert "Chair: Jean-Baptiste de la Fontaine-Villeneuve" in plenary[0]
    assert "An unscheduled talk" in plenary[3] and "min" not in plenary[3].split("talk")[0]
    assert "Next session Short talks" in plenary[4] and "11:00 · Room: Room B" in plenary[4]
    short = [flat(p) for p in page_texts(folder / "short.pdf")]
    assert "End of the day" in short[-1]
    assert "Programme · Tuesday, 11 March 2025" in short[-1] and "09:00" in short[-1]
    day = [flat(p) for p in page_texts(folder / "day-2025-03-11.pdf")]
    assert len(day) == 1 + 2 + 1
    assert "20 min · Room: Salle 101" in day[1]  # a talk's own room, when the deck has none
    assert "End of the conference" in day[-1]


# ---- what the decks hold (no TeX) -------------------------------------------------


def views_of(content: Path) -> Views:
    programme = load_programme(content, Diagnostics())
    assert programme is not None
    fragments = {c.id: Fragments(NoEscape(c.title), c.title, NoEscape(""))
                 for c in programme.contributions}  # fmt: skip
    return Views(programme, fragments)


def test_what_follows_each_session(tmp_path: Path) -> None:
    content = write_synthetic(tmp_path / "content")
    decks = {d.key: d for d in slide_decks(views_of(content))}
    assert list(decks) == ["plenary", "short", "day-2025-03-11"]
    plenary = decks["plenary"]
    assert [t.start for t in plenary.talks] == ["09:00", "09:45", ""]
    assert plenary.closing.title == "Short talks" and plenary.closing.when == "11:00"
    assert plenary.talks[-1].next.label == "Next session"
    assert decks["short"].closing.heading == "End of the day"
    assert decks["short"].closing.when == "09:00"  # the day is in the title of that deck
    assert decks["day-2025-03-11"].heading == "Programme"
    assert decks["day-2025-03-11"].closing.heading == "End of the conference"
    byline = plenary.talks[0].byline
    assert byline is not None and len(byline.names) == 12 and len(byline.affiliations) == 4
    assert [n.mark for n in byline.names[:5]] == ["1", "2", "3", "4", "1"]
    assert plenary.talks[1].byline is None
    assert [g.names for g in decks["short"].talks[0].speakers] == ["Stéphane Gaubert, Julia Kempe"]


def test_the_next_session_in_the_same_room_comes_first(tmp_path: Path) -> None:
    content = write_synthetic(tmp_path / "content")
    text = (content / "event.yaml").read_text("utf-8")
    text = text.replace("sessions:\n", "end_date: 2025-03-12\nsessions:\n")
    text += ("  - id: parallel\n    title: Parallel session\n"
             "    room: Grand Amphithéâtre Henri Poincaré\n")  # fmt: skip
    (content / "event.yaml").write_text(text, "utf-8")
    (content / "contributions" / "007.md").write_text(
        contribution(7, "Late talk in the big room", "2025-03-10 16:00", "parallel",
                     [("Noether", "Emmy", "")]), "utf-8")  # fmt: skip
    decks = {d.key: d for d in slide_decks(views_of(content))}
    assert decks["plenary"].closing.title == "Parallel session"  # not Short talks, in Room B
    assert decks["short"].closing.title == "Parallel session"  # none in Room B: the next one
    assert decks["parallel"].closing.heading == "End of the day"
    # the event lasts one more day than its talks: not yet the end of the conference
    assert decks["day-2025-03-11"].closing.heading == "End of the day"
    assert decks["day-2025-03-11"].closing.title == ""


def test_talks_outside_sessions_before_and_after_a_session(tmp_path: Path) -> None:
    """A welcome before the first session does not hide the keynote after it: the session's
    closing slide announces the keynote's time and room, not the end of the day."""
    content = write_synthetic(tmp_path / "content")
    folder = content / "contributions"
    (folder / "007.md").write_text(
        contribution(7, "Welcome", "2025-03-10 08:30", None, [("Noether", "Emmy", "")], 15,
                     room="Hall"), "utf-8")  # fmt: skip
    (folder / "008.md").write_text(
        contribution(8, "Keynote", "2025-03-10 14:00", None, [("Hayat", "Amaury", "")], 60,
                     room="Salle 101"), "utf-8")  # fmt: skip
    decks = {d.key: d for d in slide_decks(views_of(content))}
    short = decks["short"]  # 11:00-11:15, the day's last session
    assert (short.closing.heading, short.closing.label) == ("", "Next session")
    assert short.closing.title == "Programme · Monday, 10 March 2025"
    assert (short.closing.when, short.closing.room) == ("14:00", "Room: Salle 101")
    assert short.talks[-1].next.time == "14:00"
    assert decks["day-2025-03-10"].closing.heading == "End of the day"


# ---- the setting --------------------------------------------------------------------------


def test_aspect_setting_is_checked_with_its_line(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = content_copy / "event.yaml"
    base = event.read_text("utf-8")
    line = base.count("\n") + 1
    event.write_text(base + "slides: {aspect: 3:2}\n", "utf-8")
    assert main(["check", "--content", str(content_copy)]) == 1
    err = capsys.readouterr().err
    assert f"event.yaml:{line}: error: event: slides: 'aspect' must be one of 16:9, 16:10, " \
           "4:3, not '3:2'" in err  # fmt: skip
    event.write_text(base + "slides: 4:3\n", "utf-8")
    assert main(["check", "--content", str(content_copy)]) == 1
    assert f"event.yaml:{line}: error: event: 'slides' must be a mapping" in capsys.readouterr().err
    event.write_text(base + "slides:\n  aspect: 16:10\n  ratio: 4:3\n", "utf-8")
    assert main(["check", "--content", str(content_copy)]) == 0
    assert f"event.yaml:{line + 2}: warning: event: slides: unknown field 'ratio'" in (
        capsys.readouterr().err
    )
    programme = load_programme(content_copy, Diagnostics())
    assert programme is not None and programme.event.slides.aspect == "16:10"


# ---- hostile input ------------------------------------------------------------------------


def test_hostile_titles_names_and_sessions_reach_no_slide(tmp_path: Path) -> None:
    """The corpus's payloads in titles, names, affiliations and the session's fields: the
    slides are built (errors become titles shown as written), and nothing leaks or is made."""
    import json

    from hostile_corpus import NAMES, TITLES

    secret = tmp_path / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("TOPSECRET-s1ides\n", encoding="utf-8")
    pwned = tmp_path / "pwned"

    def fill(text: str) -> str:
        return json.dumps(text.replace("SECRET", str(secret)).replace("PWNED", str(pwned)))

    content = tmp_path / "content"
    (content / "contributions").mkdir(parents=True)
    payloads = [*TITLES.values(), *NAMES.values()]
    (content / "event.yaml").write_text(
        f"title: Hostile\ntimezone: Europe/Paris\nsessions:\n  - id: s\n"
        f"    title: {fill(payloads[0])}\n    chair: {fill(payloads[-1])}\n"
        f"    room: {fill(payloads[-2])}\n", encoding="utf-8")  # fmt: skip
    for n, payload in enumerate(payloads, start=1):
        text = (f"---\nid: {n}\ntitle: {fill(payload)}\nstart: 2024-05-23 {8 + n}:00\n"
                f"duration: 30\nsession: s\nspeakers:\n  - family: {fill(payload)}\n"
                f"    affiliation: {fill(payload)}\n---\nPlain abstract.\n")  # fmt: skip
        (content / "contributions" / f"{n}.md").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    status = main(["build", "slides", "--keep-going", "--content", str(content),
                   "--out", str(out)])  # fmt: skip
    assert status in (0, 1)
    deck = out / "slides" / "s.pdf"
    assert len(PdfReader(deck).pages) == 1 + len(payloads) + 1
    assert not pwned.exists()
    for path in out.rglob("*"):
        if path.is_file():
            assert b"TOPSECRET" not in path.read_bytes(), path
    assert "TOPSECRET" not in pdftotext(deck)
    assert_text_stays_on_the_slides(deck)  # long unbreakable paths included
