"""Words and dates in the event's language.

Templates hold no wording of their own: every label comes from this table,
and dates and times are formatted by Babel (CLDR), so ``jeudi 23 mai 2024``
is spelt as French readers expect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date, format_time

from booklet.markup.charset import normalize_spaces

# LaTeX babel's name for each language we typeset.
BABEL_NAMES = {"fr": "french", "en": "english"}
# Babel (CLDR) locales for dates: British English writes "Thursday 23 May 2024".
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@dataclass(frozen=True)
class Labels:
    programme: str
    abstracts: str
    speaker_index: str
    session: str
    chair: str
    room: str
    unscheduled: str
    contents: str
    minutes: str
    booklet_title: str
    colon: str  # French puts a (thin) space before a colon
    not_typeset: str
    proof_mark: str
    proofs: str
    notes: str  # the heading of the pages that fill a printed booklet to 4n pages
    # session slides
    next: str
    next_session: str
    end_of_session: str
    end_of_day: str
    end_of_conference: str
    et_al: str
    shown_as_written: str
    # the HTML page (html target)
    back_to_programme: str
    abstract_unavailable: str


LABELS: dict[str, Labels] = {
    "fr": Labels(
        programme="Programme",
        abstracts="Résumés",
        speaker_index="Index des orateurs",
        session="Session",
        chair="Présidence",
        room="Salle",
        unscheduled="Non programmé",
        contents="Sommaire",
        minutes="min",
        booklet_title="Programme et résumés",
        colon=" : ",
        not_typeset="Contribution non imprimée : elle n’a pas pu être composée",
        proof_mark="PROOF",
        proofs="Épreuves des résumés",
        notes="Notes",
        next="À suivre",
        next_session="Session suivante",
        end_of_session="Fin de la session",
        end_of_day="Fin de la journée",
        end_of_conference="Fin de la conférence",
        et_al="et al.",
        shown_as_written="Titre affiché tel quel : cette contribution comporte des erreurs",
        back_to_programme="Retour au programme",
        abstract_unavailable="Résumé indisponible : cette contribution comporte des erreurs",
    ),
    "en": Labels(
        programme="Programme",
        abstracts="Abstracts",
        speaker_index="Index of speakers",
        session="Session",
        chair="Chair",
        room="Room",
        unscheduled="Unscheduled",
        contents="Contents",
        minutes="min",
        booklet_title="Programme and abstracts",
        colon=": ",
        not_typeset="Not printed: this contribution could not be typeset",
        proof_mark="PROOF",
        proofs="Proofs of the abstracts",
        notes="Notes",
        next="Next",
        next_session="Next session",
        end_of_session="End of the session",
        end_of_day="End of the day",
        end_of_conference="End of the conference",
        et_al="et al.",
        shown_as_written="Title shown as written: this contribution has errors",
        back_to_programme="Back to the programme",
        abstract_unavailable="Abstract unavailable: this contribution has errors",
    ),
}


class Formatter:
    """Dates, times and spans for one language."""

    def __init__(self, language: str) -> None:
        self.locale = LOCALES[language]

    def day(self, day: date) -> str:
        """``jeudi 23 mai 2024``."""
        return normalize_spaces(format_date(day, format="full", locale=self.locale))

    def days(self, days: tuple[date, ...]) -> str:
        """One day in full, or a span: ``22–24 mai 2024``, ``30 mai – 2 juin 2024``."""
        if not days:
            return ""
        if len(days) == 1 or days[0] == days[-1]:
            return self.day(days[0])
        first, last = days[0], days[-1]
        end = format_date(last, "d MMMM y", locale=self.locale)
        if (first.year, first.month) == (last.year, last.month):
            start = format_date(first, "d", locale=self.locale)
            return normalize_spaces(f"{start}–{end}")
        pattern = "d MMMM" if first.year == last.year else "d MMMM y"
        return normalize_spaces(f"{format_date(first, pattern, locale=self.locale)} – {end}")

    def time(self, moment: datetime) -> str:
        """``09:30``: 24-hour time, as programmes print it."""
        return normalize_spaces(format_time(moment, format="HH:mm", locale=self.locale))

    def time_span(self, start: datetime, end: datetime | None) -> str:
        return f"{self.time(start)}–{self.time(end)}" if end else self.time(start)
