"""Large import sources, as a new user would meet them: an Indico export and a frab schedule.

    python bench/import_sources.py OUT [-n 300]

writes ``OUT/indico.json`` (Indico's ``detail=sessions`` export, times in UTC, the event
in Europe/Paris: 3 days, 8 parallel sessions) and ``OUT/schedule.json`` (a pretalx
schedule.json). The abstracts are those of bench/generate.py (mathematics in ``$…$``);
like real sources, some are HTML, some contributions have no speaker set (only primary
authors) or none at all, a few are not in the timetable, names come as Indico and pretalx
give them, and the frab side has prices in dollars. Deterministic for a given seed. Then:

    booklet import indico OUT/indico.json --content OUT/indico
    booklet build booklet --content OUT/indico --out OUT/indico-build
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import AFFILIATIONS, FAMILY, GIVEN, TOPICS, WORDS, abstract

SESSIONS = 8
SLOT_MINUTES = 30
PARIS_OFFSET = timedelta(hours=2)  # June: CEST


def when(moment: datetime) -> dict[str, str]:
    utc = moment.astimezone(UTC)
    return {"date": utc.date().isoformat(), "time": utc.strftime("%H:%M:%S"), "tz": "UTC"}


def person(rng: random.Random) -> dict[str, object]:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    return {"_type": "ContributionParticipation", "first_name": given, "last_name": family,
            "fullName": f"{family}, {given}", "affiliation": rng.choice(AFFILIATIONS),
            "id": str(rng.randint(1, 10**6))}  # fmt: skip


def plain_sentence(rng: random.Random) -> str:
    text = " ".join(rng.sample(WORDS, rng.randint(9, 16)))
    return text[0].upper() + text[1:] + "."


def html(text: str) -> str:
    return "".join(f"<p>{escape(p, quote=False)}</p>" for p in text.split("\n\n"))


def indico(n: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    paris = timezone(PARIS_OFFSET)
    first_day = datetime(2024, 6, 10, 9, 0, tzinfo=paris)
    per_block = 7
    blocks: dict[tuple[int, int, int], list[dict[str, object]]] = {}
    loose: list[dict[str, object]] = []
    for i in range(1, n + 1):
        text = abstract(rng)
        number = i - 1
        day, rest = divmod(number, SESSIONS * per_block * 2)
        half, rest = divmod(rest, SESSIONS * per_block)
        session, slot = divmod(rest, per_block)
        start = first_day + timedelta(days=day, hours=4 * half, minutes=SLOT_MINUTES * slot)
        speakers = [person(rng) for _ in range(rng.choice([1, 1, 1, 2]))]
        contribution: dict[str, object] = {
            "_type": "Contribution", "id": str(i), "db_id": 500000 + i, "friendly_id": i,
            "title": f"On {rng.choice(TOPICS)} and $P(\\mathcal{{L}}_{{{i}}})$",
            "startDate": when(start), "endDate": when(start + timedelta(minutes=25)),
            "duration": 25, "roomFullname": f"Room {session + 1}", "room": f"Room {session + 1}",
            "location": "Campus", "type": rng.choice(["Talk", "Talk", "Contributed talk"]),
            "description": html(text) if i % 7 == 0 else text.replace("\n", "\r\n"),
            "speakers": speakers, "primaryauthors": speakers, "coauthors": [],
            "track": rng.choice(TOPICS), "session": f"Session {session + 1}", "code": "",
        }  # fmt: skip
        if i % 23 == 0:  # the speaker is not set, the authors are
            contribution["speakers"] = []
        if i % 97 == 0:  # nobody at all
            contribution["speakers"], contribution["primaryauthors"] = [], []
        if i % 50 == 0:  # not in the timetable: Indico lists it outside every block
            contribution.update(startDate=None, endDate=None, session=None, roomFullname=None,
                                room=None)  # fmt: skip
            loose.append(contribution)
            continue
        key = (day, half, session)
        blocks.setdefault(key, []).append(contribution)
    sessions = []
    for (day, half, session), contributions in sorted(blocks.items()):
        start = first_day + timedelta(days=day, hours=4 * half)
        parent = {"_type": "Session", "id": str(session + 1), "friendly_id": session + 1,
                  "title": f"Session {session + 1}", "roomFullname": f"Room {session + 1}",
                  "sessionConveners": [person(rng)]}  # fmt: skip
        sessions.append({
            "_type": "SessionSlot", "id": 9000 + len(sessions), "startDate": when(start),
            "endDate": when(start + timedelta(hours=3)), "title": parent["title"],
            "slotTitle": "", "room": f"Room {session + 1}", "roomFullname": f"Room {session + 1}",
            "conveners": [], "session": parent, "contributions": contributions,
        })  # fmt: skip
    days = max(3, -(-n // (SESSIONS * per_block * 2)))  # the event lasts as long as needed
    last = first_day + timedelta(days=days - 1, hours=9)
    event = {"_type": "Conference", "id": "7777", "title": "Synthetic Conference on Mathematics",
             "startDate": when(first_day), "endDate": when(last), "timezone": "Europe/Paris",
             "location": "Campus", "contributions": loose, "sessions": sessions}  # fmt: skip
    return {"count": 1, "_type": "HTTPAPIResult", "complete": True, "results": [event]}


def frab(n: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed + 1)
    days: dict[str, dict[str, list[dict[str, object]]]] = {}
    berlin = timezone(timedelta(hours=2))
    for i in range(1, n + 1):
        number = i - 1
        day, rest = divmod(number, 8 * 12)
        room, slot = divmod(rest, 12)
        start = datetime(2024, 8, 20 + day, 10, 0, tzinfo=berlin) + timedelta(minutes=45 * slot)
        text = "\n\n".join(" ".join(plain_sentence(rng) for _ in range(rng.randint(3, 6)))
                           for _ in range(rng.randint(1, 3)))  # hackers' abstracts: no formulas
        text += f"\n\nThe kit costs ${rng.randint(5, 80)}."  # ... but prices
        names = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(rng.choice([1, 2]))]
        days.setdefault(start.date().isoformat(), {}).setdefault(f"Hall {room + 1}", []).append({
            "id": 1000 + i, "guid": f"00000000-0000-5000-8000-{i:012d}", "logo": "",
            "date": start.isoformat(), "start": start.strftime("%H:%M"), "duration": "00:40",
            "room": f"Hall {room + 1}", "slug": f"synth-{1000 + i}", "url": "",
            "title": f"Hacking {rng.choice(TOPICS)} for ${rng.randint(5, 99)}", "subtitle": "",
            "track": rng.choice(TOPICS), "type": "Talk", "language": rng.choice(["en", "de"]),
            "abstract": html(text) if i % 5 == 0 else text, "description": "",
            "persons": [{"id": j, "code": "X", "public_name": name, "biography": ""}
                        for j, name in enumerate(names)],
            "links": [], "attachments": [], "answers": [],
        })  # fmt: skip
    conference = {
        "acronym": "synth24", "title": "Synthetic Hack Camp", "start": min(days),
        "end": max(days), "daysCount": len(days), "timeslot_duration": "00:05",
        "time_zone_name": "Europe/Berlin",
        "days": [{"index": k + 1, "date": d, "day_start": f"{d}T04:00:00+02:00",
                  "day_end": f"{d}T23:59:00+02:00", "rooms": rooms}
                 for k, (d, rooms) in enumerate(sorted(days.items()))],
    }  # fmt: skip
    return {"schedule": {"version": "1", "conference": conference}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=300, help="contributions in each source")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "indico.json").write_text(json.dumps(indico(args.n, args.seed), indent=4))
    (args.out / "schedule.json").write_text(json.dumps(frab(args.n, args.seed), indent=2))
    print(f"wrote {args.out / 'indico.json'} and {args.out / 'schedule.json'}")


if __name__ == "__main__":
    main()
