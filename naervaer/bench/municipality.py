"""A synthetic municipality in the store: N pupils in 40 schools over the guides, with a full
school year of absence at realistic rates (naervaer.rules.synthetic)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Engine, insert, text

from naervaer.guides.loader import GUIDE_KEYS, load_guide
from naervaer.migrate import upgrade
from naervaer.models import AbsenceRecord, Base, ClassGroup, Person, Pupil, School, Subject, level_for_year
from naervaer.rules.synthetic import SUBJECTS, synthetic_events
from naervaer.school_calendars import calendar_for

MUNICIPALITY = "Benchby"
CHUNK = 20_000


def reset(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def build(engine: Engine, n_pupils: int, on: date, n_schools: int = 40, seed: int = 7) -> int:
    """Fill an emptied store; returns the number of absence records."""
    upgrade(engine)
    reset(engine)
    start = date(on.year if on.month >= 8 else on.year - 1, 8, 17)
    with engine.begin() as conn:
        conn.execute(insert(Subject), [{"id": i + 1, "code": c, "name": c} for i, c in enumerate(SUBJECTS)])
        subject_id = {c: i + 1 for i, c in enumerate(SUBJECTS)}
        schools, classes = [], []
        for s in range(n_schools):
            guide = GUIDE_KEYS[s % len(GUIDE_KEYS)]
            schools.append({"id": s + 1, "code": f"bench-{s:02d}", "name": f"Skole {s}", "municipality": MUNICIPALITY,
                            "guide_key": guide, "phone": None})
            # The years of the guide's own school levels (upper secondary: 11-13; a kindergarten has none).
            levels = load_guide(guide).school_levels
            years = [y for y in range(1, 14) if level_for_year(y) in levels]
            for y in years:
                classes.append({"id": len(classes) + 1, "school_id": s + 1, "name": f"{y}A", "year": y})
        conn.execute(insert(School), schools)
        conn.execute(insert(ClassGroup), classes)
        people, pupils = [], []
        for p in range(n_pupils):
            group = classes[p % len(classes)]
            people.append({"id": p + 1, "external_id": f"B{p}", "given_name": f"Elev{p}", "family_name": "Bench",
                           "confidential_address": False})
            pupils.append({"id": p + 1, "person_id": p + 1, "class_group_id": group["id"],
                           "birth_date": date(2026 - 5 - group["year"], 6, 1)})
        for i in range(0, n_pupils, CHUNK):
            conn.execute(insert(Person), people[i:i + CHUNK])
            conn.execute(insert(Pupil), pupils[i:i + CHUNK])

        events = synthetic_events(n_pupils, start, on, seed=seed, calendar=calendar_for("bench-00", on))
        rows, total = [], 0
        for pupil, evs in events.items():
            lesson_no: dict[date, int] = defaultdict(int)
            for e in evs:
                slot = ""
                if e.subject:
                    lesson_no[e.on] += 1
                    slot = f"{e.subject}:{lesson_no[e.on]}"
                rows.append({"pupil_id": pupil + 1, "on": e.on, "kind": e.kind.value, "slot": slot,
                             "subject_id": subject_id.get(e.subject) if e.subject else None, "hours": e.hours,
                             "documented": e.documented, "announced_by_home": e.announced_by_home,
                             "reason": e.reason.value if e.reason else None, "channel": "import", "source": "bench"})
                if len(rows) >= CHUNK:
                    conn.execute(insert(AbsenceRecord), rows)
                    total += len(rows)
                    rows = []
        if rows:
            conn.execute(insert(AbsenceRecord), rows)
            total += len(rows)
        if engine.dialect.name == "postgresql":
            for table in ("people", "pupils", "schools", "class_groups", "subjects", "absence_records"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    return total
