"""The rules engine over the store: which pupils' absence is worrying on a date, by their school's guide."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.absence import AbsenceEvent, AbsenceKind, ReasonCategory
from naervaer.guides.loader import load_guide
from naervaer.guides.schema import Guide
from naervaer.models import AbsenceRecord, ClassGroup, Person, Pupil, School, Subject, level_for_year
from naervaer.rules.engine import Flag, evaluate, evaluate_many, window_bounds
from naervaer.school_calendars import calendar_for


@dataclass(frozen=True)
class PupilFlags:
    pupil_id: int
    given_name: str
    family_name: str
    class_name: str
    school_code: str
    guide_key: str
    flags: list[Flag]

    @property
    def urgency(self) -> tuple[int, float]:
        """More rules crossed first, then the rule crossed furthest beyond its limit."""
        return len(self.flags), max((f.count / f.limit if f.limit else 0.0) for f in self.flags)


def _lookback_start(guides: Iterable[Guide], school_codes: Iterable[str], on: date) -> date:
    start = on
    for code in set(school_codes):
        calendar = calendar_for(code, on)
        for guide in guides:
            for rule in [*guide.thresholds, *guide.judgement_signs.patterns]:
                start = min(start, window_bounds(rule.window, on, calendar)[0])
    return start - timedelta(days=1)


def _events(session: Session, pupil_ids: list[int], since: date, on: date) -> dict[int, list[AbsenceEvent]]:
    events: dict[int, list[AbsenceEvent]] = defaultdict(list)
    rows = session.execute(
        select(AbsenceRecord.pupil_id, AbsenceRecord.on, AbsenceRecord.kind, AbsenceRecord.hours, Subject.code,
               AbsenceRecord.documented, AbsenceRecord.announced_by_home, AbsenceRecord.reason, AbsenceRecord.id)
        .outerjoin(Subject, Subject.id == AbsenceRecord.subject_id)
        .where(AbsenceRecord.on >= since, AbsenceRecord.on <= on, AbsenceRecord.pupil_id.in_(pupil_ids))
    )
    for pupil_id, day, kind, hours, subject, documented, announced, reason, record_id in rows:
        events[pupil_id].append(AbsenceEvent(
            on=day, kind=AbsenceKind(kind), hours=hours or 0.0, subject=subject, documented=documented,
            announced_by_home=announced, reason=ReasonCategory(reason) if reason else None, record_id=record_id))
    return events


def _pupil_rows(session: Session, where) -> list:  # noqa: ANN001 - a SQL condition
    return session.execute(
        select(Pupil.id, Person.given_name, Person.family_name, ClassGroup.name, ClassGroup.year, School.code,
               School.guide_key)
        .join(Person, Person.id == Pupil.person_id).join(ClassGroup, ClassGroup.id == Pupil.class_group_id)
        .join(School, School.id == ClassGroup.school_id).where(where)
    ).all()


def evaluate_pupils(session: Session, rows: list, on: date) -> list[PupilFlags]:
    """Flags for the pupils in `rows` (as returned by `_pupil_rows`), those with any flag only."""
    if not rows:
        return []
    guides = {key: load_guide(key) for key in {r.guide_key for r in rows}}
    since = _lookback_start(guides.values(), [r.code for r in rows], on)
    events: dict[int, list[AbsenceEvent]] = {}
    ids = [r.id for r in rows]
    for i in range(0, len(ids), 5000):  # keep IN lists within every backend's parameter limits
        events.update(_events(session, ids[i:i + 5000], since, on))
    by_id = {r.id: r for r in rows}
    flags = evaluate_many(
        {pid: events.get(pid, []) for pid in ids},
        {pid: guides[by_id[pid].guide_key] for pid in ids},
        {pid: level_for_year(by_id[pid].year) for pid in ids},
        on,
        {pid: calendar_for(by_id[pid].code, on) for pid in ids},
    )
    result = [PupilFlags(pid, by_id[pid].given_name, by_id[pid].family_name, by_id[pid].name, by_id[pid].code,
                         by_id[pid].guide_key, found) for pid, found in flags.items() if found]
    result.sort(key=lambda p: (-p.urgency[0], -p.urgency[1], p.family_name, p.given_name))
    return result


def flags_for_school(session: Session, school_code: str, on: date) -> list[PupilFlags]:
    return evaluate_pupils(session, _pupil_rows(session, School.code == school_code), on)


def flags_for_municipality(session: Session, municipality: str, on: date) -> list[PupilFlags]:
    return evaluate_pupils(session, _pupil_rows(session, School.municipality == municipality), on)


def flags_for_pupils(session: Session, pupil_ids: Iterable[int], on: date) -> dict[int, list[Flag]]:
    ids = list(pupil_ids)
    found = {p.pupil_id: p.flags for p in evaluate_pupils(session, _pupil_rows(session, Pupil.id.in_(ids)), on)}
    return {pid: found.get(pid, []) for pid in ids}


def pupil_flag_history(session: Session, pupil_id: int, on: date, days_back: int) -> tuple[list[Flag], date | None]:
    """The pupil's flags on `on`, and the first day of the unbroken run of flagged days that ends on
    `on` (looking at most `days_back` days back). One query; the engine runs once per day."""
    row = _pupil_rows(session, Pupil.id == pupil_id)[0]
    guide = load_guide(row.guide_key)
    calendar = calendar_for(row.code, on)
    level = level_for_year(row.year)
    since = _lookback_start([guide], [row.code], on - timedelta(days=days_back))
    events = _events(session, [pupil_id], since, on).get(pupil_id, [])
    today_flags = evaluate(events, guide, on, calendar, level)
    if not today_flags:
        return [], None
    first = on
    for back in range(1, days_back + 1):
        day = on - timedelta(days=back)
        if not evaluate(events, guide, day, calendar_for(row.code, day), level):
            break
        first = day
    return today_flags, first
