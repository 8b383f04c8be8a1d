"""How much absence a pupil has, for the people allowed to see it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.absence import AbsenceKind
from naervaer.access import Grant, Permission
from naervaer.models import AbsenceRecord


def school_year_start(on: date) -> date:
    """Norwegian school years start in August."""
    return date(on.year if on.month >= 8 else on.year - 1, 8, 1)


@dataclass(frozen=True)
class AbsenceSummary:
    since: date
    until: date
    days: int
    hours: float
    late: int
    left_early: int


def summarise(session: Session, grant: Grant, on: date, since: date | None = None) -> AbsenceSummary:
    """The grant's pupil's absence from `since` (the start of the school year by default) up to and
    including `on`, limited to what `grant` may see (a subject teacher: hours in their subjects)."""
    pupil = grant.pupil_for(Permission.VIEW_HOUR_ABSENCE)
    since = since or school_year_start(on)
    rows = session.execute(
        select(AbsenceRecord.kind, AbsenceRecord.on, AbsenceRecord.hours, AbsenceRecord.subject_id)
        .where(AbsenceRecord.pupil_id == pupil.id, AbsenceRecord.on >= since, AbsenceRecord.on <= on)
    ).all()
    days: set[date] = set()
    hours = 0.0
    late = left_early = 0
    for kind, day, n_hours, subject_id in rows:
        if kind == AbsenceKind.HOUR:
            if grant.hour_subjects is None or subject_id in grant.hour_subjects:
                hours += n_hours
            continue
        if grant.hour_subjects is not None:
            continue  # a subject teacher sees hour absence in their subjects, nothing else
        if kind == AbsenceKind.DAY:
            days.add(day)
        elif kind == AbsenceKind.LATE:
            late += 1
        elif kind == AbsenceKind.LEFT_EARLY:
            left_early += 1
    return AbsenceSummary(since=since, until=on, days=len(days), hours=hours, late=late, left_early=left_early)
