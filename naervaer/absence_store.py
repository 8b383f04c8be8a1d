"""Writing absence: one record per pupil, day, kind and slot, however often or concurrently it is reported."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.models import AbsenceRecord, Channel


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
