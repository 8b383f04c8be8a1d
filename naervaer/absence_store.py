"""Writing absence: one record per pupil, day, kind and slot, however often or concurrently it is reported.

What the chat writes and withdraws goes through the functions that take a `Grant`: they write for the
grant's pupil only, as its viewer, and audit it."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.access import AccessDenied, Grant, Permission, audit
from naervaer.clock import now_utc, start_of_day
from naervaer.models import AbsenceRecord, AuditAction, Channel


@dataclass(frozen=True)
class NewAbsence:
    pupil_id: int
    on: date
    kind: AbsenceKind
    channel: Channel
    slot: str = ""
    subject_id: int | None = None
    hours: float = 0.0
    documented: bool = False
    announced_by_home: bool = False
    reason: ReasonCategory | None = None
    registered_by_id: int | None = None
    source: str | None = None
    home_language: str | None = None


# The columns that say *what* was recorded; the rest say who recorded it and how.
CONTENT = ("subject_id", "hours", "documented", "announced_by_home", "reason")


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](AbsenceRecord)


def record_absence(session: Session, new: NewAbsence) -> tuple[AbsenceRecord, bool]:
    """Store `new` unless the same pupil, day, kind and slot is already there.

    Returns the stored record and whether this call created it. Two concurrent calls for the same
    key leave one row: the database's unique constraint decides, not a read-then-write race."""
    values = {f.name: getattr(new, f.name) for f in fields(new)}
    values["created_at"] = now_utc()  # the school's clock, which says what "made today" is (withdrawable)
    stmt = _insert(session).values(**values).on_conflict_do_nothing(
        index_elements=["pupil_id", "on", "kind", "slot"]).returning(AbsenceRecord.id)
    created_id = session.execute(stmt).scalar()
    record = session.scalars(select(AbsenceRecord).where(
        AbsenceRecord.pupil_id == new.pupil_id, AbsenceRecord.on == new.on,
        AbsenceRecord.kind == new.kind, AbsenceRecord.slot == new.slot)).one()
    if created_id is None:
        session.refresh(record)
    return record, created_id is not None


def update_content(record: AbsenceRecord, new: NewAbsence) -> bool:
    """Bring an existing record's content in line with `new`; True if anything changed."""
    changed = False
    for name in CONTENT:
        if getattr(record, name) != getattr(new, name):
            setattr(record, name, getattr(new, name))
            changed = True
    return changed


def record_home_report(session: Session, grant: Grant, days: Iterable[date], kind: AbsenceKind,
                       reason: ReasonCategory, home_language: str | None = None) -> int:
    """Store the home's report that the grant's pupil is away on `days`, made in `home_language`; returns how
    many days it stored or newly explained (0: the same report was already there)."""
    pupil = grant.pupil_for(Permission.REPORT_ABSENCE)
    fresh = 0
    for day in sorted(days):
        record, created = record_absence(session, NewAbsence(
            pupil_id=pupil.id, on=day, kind=kind, channel=Channel.CHAT, announced_by_home=True, reason=reason,
            registered_by_id=grant.viewer.id, home_language=home_language))
        if created:
            audit(session, grant.viewer, pupil, AuditAction.CREATE, "absence_record", record.id)
        elif not record.announced_by_home or record.reason != reason:
            # The school registered the absence first; the home's report now explains it.
            record.announced_by_home, record.reason, record.home_language = True, reason, home_language
            audit(session, grant.viewer, pupil, AuditAction.UPDATE, "absence_record", record.id)
        else:
            continue
        fresh += 1
    return fresh


def home_language(session: Session, grant: Grant) -> str | None:
    """The language of the latest report from home for the grant's pupil (None: none made in the chat)."""
    pupil = grant.pupil_for(Permission.VIEW_STATUS)
    return session.scalar(
        select(AbsenceRecord.home_language)
        .where(AbsenceRecord.pupil_id == pupil.id, AbsenceRecord.home_language.is_not(None))
        .order_by(AbsenceRecord.created_at.desc(), AbsenceRecord.id.desc()).limit(1))


def register_school_absence(session: Session, grant: Grant, on: date) -> tuple[AbsenceRecord, bool]:
    """Staff register the grant's pupil away the whole day `on`; returns the record and whether it is new."""
    # The status is what separates the school's staff from the home (the home never has it); registering
    # is reporting absence, which the resource team may not (docs/store.md).
    grant.pupil_for(Permission.VIEW_STATUS)
    pupil = grant.pupil_for(Permission.REPORT_ABSENCE)
    record, created = record_absence(session, NewAbsence(
        pupil_id=pupil.id, on=on, kind=AbsenceKind.DAY, channel=Channel.CHAT, registered_by_id=grant.viewer.id))
    if created:
        audit(session, grant.viewer, pupil, AuditAction.CREATE, "absence_record", record.id)
    return record, created


def withdrawable(session: Session, grant: Grant, made_on: date) -> list[AbsenceRecord]:
    """What the grant's viewer may still take back: their chat reports made on `made_on` (an Oslo day)
    for that day or later."""
    pupil = grant.pupil_for(Permission.REPORT_ABSENCE)
    return list(session.scalars(select(AbsenceRecord).where(
        AbsenceRecord.pupil_id == pupil.id, AbsenceRecord.registered_by_id == grant.viewer.id,
        AbsenceRecord.channel == Channel.CHAT, AbsenceRecord.on >= made_on,
        AbsenceRecord.created_at >= start_of_day(made_on)).order_by(AbsenceRecord.id)))


def withdraw(session: Session, grant: Grant, records: list[AbsenceRecord]) -> None:
    """Delete `records` (the grant's pupil's, from `withdrawable`), each deletion audited."""
    pupil = grant.pupil_for(Permission.REPORT_ABSENCE)
    if any(record.pupil_id != pupil.id for record in records):
        raise AccessDenied("withdraw: a record of another pupil")
    for record in records:
        audit(session, grant.viewer, pupil, AuditAction.DELETE, "absence_record", record.id)
    session.execute(delete(AbsenceRecord).where(AbsenceRecord.id.in_([record.id for record in records])))
