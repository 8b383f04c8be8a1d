"""The absence the chat received, as CSV for the school system to take back (same columns as the import)."""
from __future__ import annotations

import csv
from datetime import date
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.access import Scope
from naervaer.models import AbsenceRecord, Channel, ClassGroup, Person, Pupil, School, Subject

COLUMNS = ("pupil_id", "date", "kind", "subject", "lesson", "hours", "documented", "announced_by_home", "reason")


def export_chat_absence(session: Session, scope: Scope, out: TextIO, since: date, until: date,
                        school_code: str | None = None, delimiter: str = ";") -> int:
    """The chat's absence records of the pupils in `scope` (the operator's: `access.system_scope`)."""
    stmt = (
        select(AbsenceRecord, Person.external_id, Subject.code)
        .join(Pupil, Pupil.id == AbsenceRecord.pupil_id).join(Person, Person.id == Pupil.person_id)
        .join(ClassGroup, ClassGroup.id == Pupil.class_group_id).join(School, School.id == ClassGroup.school_id)
        .outerjoin(Subject, Subject.id == AbsenceRecord.subject_id)
        .where(AbsenceRecord.channel == Channel.CHAT, AbsenceRecord.on >= since, AbsenceRecord.on <= until)
        .order_by(AbsenceRecord.on, Person.external_id, AbsenceRecord.kind, AbsenceRecord.slot)
    )
    if school_code:
        stmt = stmt.where(School.code == school_code)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for record, pupil_ext, subject_code in session.execute(stmt):
        if not scope.covers(record.pupil_id):
            continue
        lesson = record.slot.split(":", 1)[1] if ":" in record.slot else ""
        writer.writerow([
            pupil_ext or f"naervaer-{record.pupil_id}", record.on.isoformat(), record.kind.value, subject_code or "",
            lesson, f"{record.hours:g}" if record.hours else "", "ja" if record.documented else "nei",
            "ja" if record.announced_by_home else "nei", record.reason.value if record.reason else "",
        ])
        count += 1
    return count
