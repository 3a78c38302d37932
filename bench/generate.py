"""A synthetic conference for benchmarks: N contributions, 3 days, 8 parallel sessions.

Abstracts read like real ones (150 to 260 words, two or three paragraphs),
with inline and display mathematics, accented names from many languages,
and a few lists and emphasis. Deterministic for a given seed.
"""

from __future__ import annotations

# ruff: noqa: E501
import argparse
import random
from datetime import date, datetime, timedelta
from pathlib import Path

GIVEN = ["Amaury", "Julia", "Yiannis", "François", "Andrew", "Gabriel", "Émilie", "Zoë", "Łukasz",
         "Søren", "Ingrid", "José", "Małgorzata", "Chiara", "Hélène", "Jürgen", "Ana", "Björn",
         "Dvořák", "Nuño", "Aoife", "Mehmet", "Aleksandra", "Renée", "Çağla", "Tomáš"]
FAMILY = ["Hayat", "Kempe", "Vlassopoulos", "Charton", "Dudzik", "Synnaeve", "Du Châtelet",
          "Łukasiewicz", "Gödel", "Nuñez", "Ørsted", "Kierkegaard", "Müller", "Ñúñez", "García",
          "Øberg", "Åström", "Sørensen", "Dupré", "Leñero", "Çelik", "Ševčík", "O'Brien",
          "van der Berg", "de la Vallée Poussin", "Noether", "Kovalevskaya", "Ramanujan"]
AFFILIATIONS = ["École des Ponts ParisTech & CERMICS", "Meta AI Research", "Google DeepMind",
                "Athena Research Center & IHES", "Université Paris-Saclay", "ETH Zürich",
                "Universidad Complutense de Madrid", "Københavns Universitet",
                "NYU Center for Data Science", "Uniwersytet Warszawski",
                "Technische Universität München"]
TOPICS = ["tropical geometry", "large language models", "automated theorem proving",
          "optimal transport", "scaling laws", "category theory", "random matrices",
          "reinforcement learning", "formal verification", "persistent homology"]
WORDS = ("we study the structure of models trained on synthetic data and show that the "
         "resulting estimates are stable under perturbation while the error decays with the "
         "number of samples our approach relies on a careful analysis of the underlying "
         "geometry and yields new bounds that improve on previous work in several regimes "
         "we also discuss experiments and open problems").split()
# {v} {w}: variable letters, {V} {W}: capitals, {i} {k}: numbers, so that formulas
# rarely repeat exactly (as in a real conference) and no cache makes the benchmark easy.
INLINE = [r"$P(\mathcal{{{V}}})$", r"$(\min, +)$", r"$\mathbb{{R}}^{{{k}}}$",
          r"$O({v} \log {v})$", r"${v} \oplus {w} = \max({v}, {w})$",
          r"$\|{v}\|_{{L^{k}}} \leq C_{i}$", r"$\alpha_{i} \in (0, {k})$",
          r"$\mathbb{{E}}[{V}_{i}] = \mu_{k}$", r"$\operatorname{{rank}}({V}) = {k}$",
          r"${v} \colon {V} \to {W}$", r"${v}_{{{i}{k}}}$", r"$\frac{{{v}}}{{{w}+{k}}}$"]
DISPLAY = [
    r"$$\sum_{{{v}=1}}^{{{k}}} {w}_{v}^{i} \leq \left(\sum_{{{v}=1}}^{{{k}}} |{w}_{v}|\right)^{i}$$",
    r"$$\bigoplus_{{{v} \in {V}}} a_{v} \odot {w}_{v} = \min_{{{v} \in {V}}} (a_{v} + {w}_{v})$$",
    r"$$\begin{{pmatrix}} {v} & {i} \\ {k} & {w} \end{{pmatrix}} \begin{{pmatrix}} {v} \\ {w} "
    r"\end{{pmatrix}} = \lambda_{i} \begin{{pmatrix}} {v} \\ {w} \end{{pmatrix}}$$",
    r"$$\mathcal{{L}}(\theta) = -\frac{{1}}{{{V}}} \sum_{{t=1}}^{{{V}}} \log p_\theta({w}_t \mid {w}_{{<t}})$$",
]


def varied(rng: random.Random, formula: str) -> str:
    letters = "abcdfghmnpqrsuvxyz"
    capitals = "ABCDFGHKLMNPQRSTUVXYZ"
    return formula.format(
        v=rng.choice(letters), w=rng.choice(letters), V=rng.choice(capitals),
        W=rng.choice(capitals), i=rng.randint(0, 9), k=rng.randint(2, 99),
    )


def sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(9, 16))
    if rng.random() < 0.5:
        words.insert(rng.randint(1, len(words) - 1), varied(rng, rng.choice(INLINE)))
    if rng.random() < 0.1:
        words.insert(rng.randint(1, len(words) - 1), f"**{rng.choice(TOPICS)}**")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def abstract(rng: random.Random) -> str:
    paragraphs = []
    target = rng.randint(110, 200)
    words = 0
    while words < target:
        para = " ".join(sentence(rng) for _ in range(rng.randint(3, 5)))
        words += len(para.split())
        paragraphs.append(para)
        if rng.random() < 0.25:
            paragraphs.append(varied(rng, rng.choice(DISPLAY)))
    if rng.random() < 0.1:
        paragraphs.append("\n".join(f"- {sentence(rng)}" for _ in range(3)))
    return "\n\n".join(paragraphs)


def generate(folder: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    days = [date(2025, 6, 2) + timedelta(days=d) for d in range(3)]
    rooms = [f"Room {chr(65 + r)}" for r in range(8)]
    slots_per_day = 6  # sessions of 90 minutes from 9:00 to 18:00
    talk_minutes = 12
    sessions = []
    for d, day in enumerate(days):
        for s in range(slots_per_day):
            for r, room in enumerate(rooms):
                sessions.append((f"d{d + 1}-s{s + 1}-{chr(97 + r)}", day, s, room))
    per_session = min(90 // talk_minutes, max(1, -(-n // len(sessions))))
    (folder / "contributions").mkdir(parents=True, exist_ok=True)
    lines = ["title: Synthetic Conference on Mathematics and Machine Learning",
             "subtitle: A benchmark event", "language: en", "timezone: Europe/Paris",
             "venue: Somewhere", "paper: a5", "abstract_max_words: 1000", "sessions:"]
    for sid, _day, _slot, room in sessions:
        lines += [f"  - id: {sid}", f"    title: {rng.choice(TOPICS).capitalize()} {sid}",
                  f"    room: {room}", f"    chair: {rng.choice(GIVEN)} {rng.choice(FAMILY)}"]
    (folder / "event.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for i in range(n):
        sid, day, s, room = sessions[(i // per_session) % len(sessions)]
        if i >= per_session * len(sessions):
            raise SystemExit(f"at most {per_session * len(sessions)} contributions fit the schedule")
        slot_start = datetime(day.year, day.month, day.day, 9) + timedelta(minutes=90 * s)
        start = slot_start + timedelta(minutes=talk_minutes * (i % per_session))
        speakers = []
        for k in range(rng.choice([1, 1, 1, 2, 3])):
            speakers += [f"  - family: \"{rng.choice(FAMILY)}\"",
                         f"    given: \"{rng.choice(GIVEN)} {i}.{k}\"",
                         f"    affiliation: \"{rng.choice(AFFILIATIONS)}\""]
        title = f"On {rng.choice(TOPICS)} and {rng.choice(TOPICS)}"
        if rng.random() < 0.2:
            title += f" in {varied(rng, rng.choice(INLINE))}"
        front = [f"id: {i + 1}", f"title: \"{title.replace(chr(92), chr(92) * 2)}\"",
                 f"start: {start:%Y-%m-%d %H:%M}", f"duration: {talk_minutes}",
                 f"session: {sid}", "speakers:", *speakers]
        text = "---\n" + "\n".join(front) + "\n---\n" + abstract(rng) + "\n"
        (folder / "contributions" / f"{i + 1:04d}.md").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.folder, args.n, args.seed)


if __name__ == "__main__":
    main()
