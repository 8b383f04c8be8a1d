"""The rules engine over the store: which pupils' absence is worrying on a date, by their school's guide.

Readers pass what `naervaer.access` handed them: a `Scope` for many pupils, a `Grant` for one."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.absence import AbsenceEvent, AbsenceKind, ReasonCategory
from naervaer.access import Grant, Permission, Scope
from naervaer.clock import day_of
from naervaer.guides.loader import load_guide
from naervaer.guides.schema import Guide
from naervaer.models import (
    AbsenceRecord, ClassGroup, Contact, ContactMethod, Initiator, Person, Pupil, School, Subject, level_for_year,
)
from naervaer.rules.engine import Flag, evaluate, evaluate_many, window_bounds
from naervaer.rules.streaks import ContactEvent, FirstDayDue, Streak, absence_streak, first_day_due
from naervaer.school_calendars import calendar_for


@dataclass(frozen=True)
class PupilLine:
    """Who a line of a teacher's list is about: the fields the overview and the digest word."""

    pupil_id: int
    given_name: str
    family_name: str
    class_name: str
    school_code: str
    guide_key: str


@dataclass(frozen=True)
class PupilFlags(PupilLine):
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


_KINDS = {k.value: k for k in AbsenceKind}
_REASONS = {r.value: r for r in ReasonCategory}


def _driver_rows(session: Session, stmt) -> list[tuple]:  # noqa: ANN001 - a Core select
    """Plain DBAPI tuples: for hundreds of thousands of rows, building SQLAlchemy Row objects and
    running their type processors costs more than the query itself."""
    connection = session.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _events(session: Session, pupils, since: date, on: date) -> dict[int, list[AbsenceEvent]]:  # noqa: ANN001
    """Events of the pupils selected by `pupils` (a list of ids or a subquery of ids) in [since, on]."""
    events: dict[int, list[AbsenceEvent]] = defaultdict(list)
    records = AbsenceRecord.__table__.c
    subjects = Subject.__table__.c
    rows = _driver_rows(session, (
        select(records.pupil_id, records.on, records.kind, records.hours, subjects.code, records.documented,
               records.announced_by_home, records.reason, records.id)
        .select_from(AbsenceRecord.__table__.outerjoin(Subject.__table__, subjects.id == records.subject_id))
        .where(records.on >= since, records.on <= on, records.pupil_id.in_(pupils))))
    kinds, reasons, iso = _KINDS, _REASONS, date.fromisoformat
    for pupil_id, day, kind, hours, subject, documented, announced, reason, record_id in rows:
        # SQLite hands back dates as text and booleans as 0/1; PostgreSQL as date and bool.
        events[pupil_id].append(AbsenceEvent(day if isinstance(day, date) else iso(day), kinds[kind], hours or 0.0,
                                             subject, bool(documented), bool(announced),
                                             reasons[reason] if reason else None, record_id))
    return events


def _pupils_where(where):  # noqa: ANN001, ANN202 - a SQL condition on pupils, classes and schools
    return (select(Pupil.id, Person.given_name, Person.family_name, ClassGroup.name, ClassGroup.year, School.code,
                   School.guide_key)
            .join(Person, Person.id == Pupil.person_id).join(ClassGroup, ClassGroup.id == Pupil.class_group_id)
            .join(School, School.id == ClassGroup.school_id).where(where))


def _pupil_rows(session: Session, where) -> list:  # noqa: ANN001
    return session.execute(_pupils_where(where)).all()


def _in_scope(scope: Scope, where):  # noqa: ANN001, ANN202
    return where if scope.pupil_ids is None else (where & Pupil.id.in_(sorted(scope.pupil_ids)))


def _evaluate_pupils(session: Session, where, on: date) -> list[PupilFlags]:  # noqa: ANN001
    """Flags for the pupils matching `where` (a condition on pupils, classes, schools); flagged ones only."""
    rows = _pupil_rows(session, where)
    if not rows:
        return []
    guides = {key: load_guide(key) for key in {r.guide_key for r in rows}}
    since = _lookback_start(guides.values(), [r.code for r in rows], on)
    # One pass over the records of the date range, joined to the same pupils (no long IN lists).
    events = _events(session, _pupils_where(where).with_only_columns(Pupil.id).scalar_subquery(), since, on)
    ids = [r.id for r in rows]
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


def flags_in_scope(session: Session, scope: Scope, on: date) -> list[PupilFlags]:
    """The flagged pupils of the scope, most urgent first."""
    return _evaluate_pupils(session, _in_scope(scope, Pupil.id.is_not(None)), on)


def flags_for_school(session: Session, scope: Scope, school_code: str, on: date) -> list[PupilFlags]:
    return _evaluate_pupils(session, _in_scope(scope, School.code == school_code), on)


def flags_for_municipality(session: Session, scope: Scope, municipality: str, on: date) -> list[PupilFlags]:
    return _evaluate_pupils(session, _in_scope(scope, School.municipality == municipality), on)


def flags_for_pupils(session: Session, scope: Scope, pupil_ids: Iterable[int], on: date) -> dict[int, list[Flag]]:
    ids = [pid for pid in pupil_ids if scope.covers(pid)]
    found = {p.pupil_id: p.flags for p in _evaluate_pupils(session, Pupil.id.in_(ids), on)}
    return {pid: found.get(pid, []) for pid in ids}


def pupil_flag_history(session: Session, grant: Grant, on: date, days_back: int) -> tuple[list[Flag], date | None]:
    """The pupil's flags on `on`, and the first day of the unbroken run of flagged days that ends on
    `on` (looking at most `days_back` days back). One query; the engine runs once per day."""
    pupil_id = grant.pupil_for(Permission.VIEW_STATUS).id
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


def pupil_events(session: Session, grant: Grant, since: date, on: date) -> list[AbsenceEvent]:
    pupil_id = grant.pupil_for(Permission.VIEW_ABSENCE).id
    return _events(session, [pupil_id], since, on).get(pupil_id, [])


# --- first-day rules computed from runs of absence (naervaer.rules.streaks) ---------------------------
# "Contact today" (e.g. Trøndelag's dialogue after days of unannounced absence) and "the parents should
# have phoned" (Tynset's more than three days) are not thresholds: they are listed apart from the
# worrying pupils. Only pupils away the whole day `on` can have one, so those are found first, and
# their records and contacts read back to the start of the school year (a run may be long).


@dataclass(frozen=True)
class PupilFirstDay(PupilLine):
    due: list[FirstDayDue]

    @property
    def contact_today(self) -> list[FirstDayDue]:
        return [d for d in self.due if d.kind == "contact_today"]

    @property
    def phone_expected(self) -> list[FirstDayDue]:
        return [d for d in self.due if d.kind == "phone_expected"]


def _school_year_start(on: date) -> date:
    return date(on.year if on.month >= 8 else on.year - 1, 8, 1)


def contact_events(session: Session, pupil_ids: Iterable[int], since: date, on: date) -> dict[int, list[ContactEvent]]:
    """The logged contacts of these pupils from `since` to `on` (Oslo days), as the first-day rules see them."""
    ids = list(pupil_ids)
    out: dict[int, list[ContactEvent]] = defaultdict(list)
    if not ids:
        return out
    rows = session.execute(select(Contact.pupil_id, Contact.at, Contact.initiated_by, Contact.reached, Contact.method)
                           .where(Contact.pupil_id.in_(ids))).all()
    for pupil_id, at, initiated_by, reached, method in rows:
        day = day_of(at)
        if since <= day <= on:
            out[pupil_id].append(ContactEvent(day, initiated_by == Initiator.HOME, bool(reached),
                                              method == ContactMethod.PHONE))
    return out


def _first_day_rows(session: Session, where, on: date) -> list:  # noqa: ANN001
    away_today = select(AbsenceRecord.pupil_id).where(AbsenceRecord.on == on, AbsenceRecord.kind == AbsenceKind.DAY)
    return _pupil_rows(session, where & Pupil.id.in_(away_today) & (Person.left_on.is_(None) | (Person.left_on > on)))


def _first_day_for_rows(session: Session, rows, on: date, *, digest_fallback: bool = False) -> list[PupilFirstDay]:  # noqa: ANN001
    if not rows:
        return []
    since = _school_year_start(on)
    ids = [r.id for r in rows]
    events = _events(session, ids, since, on)
    contacts = contact_events(session, ids, since, on)
    out = []
    for r in rows:
        calendar = calendar_for(r.code, on)
        if not calendar.is_school_day(on):
            continue
        due = first_day_due(events.get(r.id, []), contacts.get(r.id, []), load_guide(r.guide_key), on, calendar,
                            digest_fallback=digest_fallback)
        if due:
            out.append(PupilFirstDay(r.id, r.given_name, r.family_name, r.name, r.code, r.guide_key, due))
    out.sort(key=lambda p: (-max(d.streak.length for d in p.due), p.class_name, p.family_name, p.given_name))
    return out


def first_day_in_scope(session: Session, scope: Scope, on: date, *, digest_fallback: bool = False
                       ) -> list[PupilFirstDay]:
    """The pupils of the scope for whom a computed first-day rule of their guide is due on `on` (contact
    today; the parents should have phoned), longest run first. Apart from `flags_in_scope`: not worrying
    absence by a threshold, but something the guide asks the school to do now."""
    return _first_day_for_rows(session, _first_day_rows(session, _in_scope(scope, Pupil.id.is_not(None)), on), on,
                               digest_fallback=digest_fallback)


def first_day_for_school(session: Session, scope: Scope, school_code: str, on: date) -> list[PupilFirstDay]:
    return _first_day_for_rows(session, _first_day_rows(session, _in_scope(scope, School.code == school_code), on), on)


def first_day_for_pupils(session: Session, scope: Scope, pupil_ids: Iterable[int], on: date, *,
                         digest_fallback: bool = False) -> dict[int, list[FirstDayDue]]:
    ids = [pid for pid in pupil_ids if scope.covers(pid)]
    rows = _first_day_rows(session, Pupil.id.in_(ids), on) if ids else []
    found = {p.pupil_id: p.due for p in _first_day_for_rows(session, rows, on, digest_fallback=digest_fallback)}
    return {pid: found.get(pid, []) for pid in ids}


def pupil_first_day(session: Session, grant: Grant, on: date) -> list[FirstDayDue]:
    """The computed first-day rules due for the grant's pupil on `on` (for the status answer)."""
    pupil_id = grant.pupil_for(Permission.VIEW_STATUS).id
    rows = _first_day_rows(session, Pupil.id == pupil_id, on)
    found = _first_day_for_rows(session, rows, on)
    return found[0].due if found else []


def pupil_absence_streak(session: Session, grant: Grant, through: date) -> Streak | None:
    """The grant's pupil's run of school days in a row of whole-day absence ending on `through` (which may
    be a day ahead that the home has reported), or None."""
    pupil_id = grant.pupil_for(Permission.VIEW_ABSENCE).id
    row = _pupil_rows(session, Pupil.id == pupil_id)[0]
    events = _events(session, [pupil_id], _school_year_start(through), through).get(pupil_id, [])
    return absence_streak(events, through, calendar_for(row.code, through))
