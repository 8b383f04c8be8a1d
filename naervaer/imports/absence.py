"""Absence records from a school system's CSV export."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.absence import AbsenceKind
from naervaer.absence_store import NewAbsence, record_absence, update_content
from naervaer.i18n import t
from naervaer.imports.csvfile import FileProblem, read_csv
from naervaer.imports.roster import ImportReport, RosterImport, RowProblem
from naervaer.imports.values import (
    CellError,
    parse_bool,
    parse_date,
    parse_hours,
    parse_kind,
    parse_reason,
    required,
    shown,
    too_long,
)
from naervaer.models import AbsenceRecord, Channel, Person, Pupil

REQUIRED = ("pupil_id", "date", "kind")
OPTIONAL = ("subject", "lesson", "hours", "documented", "announced_by_home", "reason")


class AbsenceImport(RosterImport):
    def __init__(self, session: Session, lang: str, source: str) -> None:
        super().__init__(session, lang)
        self.source = source

    def absence(self, v: dict[str, str]) -> tuple[bool, bool]:
        pupil_ext = required(v, "pupil_id", self.lang)
        pupil = self.session.scalar(select(Pupil).join(Person, Person.id == Pupil.person_id)
                                    .where(Person.external_id == pupil_ext))
        if pupil is None:
            raise CellError(t(self.lang, "unknown pupil {id}", id=shown(pupil_ext)))
        on = parse_date(required(v, "date", self.lang), self.lang)
        kind = parse_kind(required(v, "kind", self.lang), self.lang)
        subject_id, slot, hours = None, "", 0.0
        if kind == AbsenceKind.HOUR:
            subject = self.subject(required(v, "subject", self.lang))
            lesson = required(v, "lesson", self.lang)
            room = AbsenceRecord.__table__.c.slot.type.length - len(subject.code) - 1  # slot is "MAT:3"
            if len(lesson) > room:
                raise CellError(too_long("lesson", room, self.lang))
            subject_id, slot, hours = subject.id, f"{subject.code}:{lesson}", parse_hours(v.get("hours", ""), self.lang)
        new = NewAbsence(
            pupil_id=pupil.id, on=on, kind=kind, channel=Channel.IMPORT, slot=slot, subject_id=subject_id,
            hours=hours, documented=parse_bool(v.get("documented", ""), self.lang),
            announced_by_home=parse_bool(v.get("announced_by_home", ""), self.lang),
            reason=parse_reason(v.get("reason", ""), self.lang), source=self.source,
        )
        record, created = record_absence(self.session, new)
        return created, False if created else update_content(record, new)


def import_absence(session: Session, path: Path, lang: str = "nb", source: str = "import") -> ImportReport:
    job = AbsenceImport(session, lang, source)
    try:
        csv_file = read_csv(path, lang)
    except FileProblem as err:
        job.report.problems.append(RowProblem(path.name, 1, str(err), whole_file=True))
        return job.report
    missing = [c for c in REQUIRED if c not in csv_file.header]
    if missing:
        job.report.problems.append(RowProblem(path.name, 1, t(
            lang, "{file}: the header row lacks {missing}. Expected the columns {expected}.", file=path.name,
            missing=", ".join(missing), expected=", ".join(REQUIRED + OPTIONAL)), whole_file=True))
        return job.report
    for row in csv_file.rows:
        job.apply_row(csv_file, row, job.absence)
    return job.report
