"""The roster: schools, classes, subjects, pupils, guardians and staff, from one or more CSV files.

Each file's kind is known by its header row (docs/store.md lists them). The files are applied in
dependency order whatever order they are given in, all in one transaction."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from naervaer.guides.loader import GUIDE_KEYS
from naervaer.i18n import t
from naervaer.imports.csvfile import CsvFile, FileProblem, Row, read_csv
from naervaer.imports.values import (
    CellError,
    LIMITS,
    check_cells,
    parse_bool,
    parse_date,
    parse_relation,
    required,
    shown,
    too_long,
)
from naervaer.models import (
    ClassGroup,
    ClassRole,
    ClassStaff,
    Guardianship,
    Person,
    Pupil,
    School,
    StaffMembership,
    StaffRole,
    Subject,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileKind:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


KINDS = (  # in the order they are applied
    FileKind("schools", ("school_code", "name", "municipality", "guide"), ("phone",)),
    FileKind("subjects", ("subject_code", "subject_name")),
    FileKind("classes", ("school_code", "class", "year")),
    FileKind("pupils", ("pupil_id", "given_name", "family_name", "birth_date", "school_code", "class"),
             ("phone", "email")),
    FileKind("guardians", ("guardian_id", "given_name", "family_name", "pupil_id", "parental_responsibility"),
             ("phone", "email", "confidential_address", "relation")),
    FileKind("staff", ("staff_id", "given_name", "family_name", "school_code", "role"),
             ("class", "subject", "phone", "email")),
)

ROLE_NAMES = {
    "contact_teacher": StaffRole.CONTACT_TEACHER, "kontaktlærer": StaffRole.CONTACT_TEACHER,
    "subject_teacher": StaffRole.SUBJECT_TEACHER, "faglærer": StaffRole.SUBJECT_TEACHER,
    "department_head": StaffRole.DEPARTMENT_HEAD, "avdelingsleder": StaffRole.DEPARTMENT_HEAD,
    "principal": StaffRole.PRINCIPAL, "rektor": StaffRole.PRINCIPAL,
    "resource_team": StaffRole.RESOURCE_TEAM, "ressursteam": StaffRole.RESOURCE_TEAM,
    "absence_officer": StaffRole.ABSENCE_OFFICER, "fraværsansvarlig": StaffRole.ABSENCE_OFFICER,
    "fråværsansvarleg": StaffRole.ABSENCE_OFFICER,
}


@dataclass
class RowProblem:
    file: str
    line: int
    message: str
    whole_file: bool = False  # the message already names the file

    def render(self, lang: str) -> str:
        if self.whole_file:
            return self.message
        return t(lang, "{file}, line {line}: {message}", file=self.file, line=self.line, message=self.message)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


def kind_of(csv_file: CsvFile, lang: str) -> FileKind:
    header = set(csv_file.header)
    for kind in KINDS:
        if set(kind.required) <= header:
            return kind
    expected = "; ".join(f"{k.name}: {', '.join(k.required)}" for k in KINDS)
    raise FileProblem(t(lang, "{file}: the header row ({header}) does not match any roster file. Expected one of: "
                              "{expected}", file=csv_file.path.name,
                        header=shown(", ".join(csv_file.header), 200),
                        expected=expected))


def _set(obj: object, **values: object) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class RosterImport:
    def __init__(self, session: Session, lang: str) -> None:
        self.session = session
        self.lang = lang
        self.report = ImportReport()

    # --- lookups -----------------------------------------------------------------------------
    def school(self, code: str) -> School:
        school = self.session.scalar(select(School).where(School.code == code))
        if school is None:
            raise CellError(t(self.lang, "unknown school {code}", code=shown(code)))
        return school

    def class_group(self, school: School, name: str) -> ClassGroup:
        group = self.session.scalar(select(ClassGroup).where(ClassGroup.school_id == school.id,
                                                             ClassGroup.name == name))
        if group is None:
            raise CellError(t(self.lang, "unknown class {name} at school {code}", name=shown(name),
                              code=shown(school.code)))
        return group

    def subject(self, code: str) -> Subject:
        if len(code.upper()) > LIMITS["subject"]:  # upper() can lengthen: "ß" is "SS"
            raise CellError(too_long("subject", LIMITS["subject"], self.lang))
        subject = self.session.scalar(select(Subject).where(Subject.code == code.upper()))
        if subject is None:
            subject = Subject(code=code.upper(), name=code.upper())
            self.session.add(subject)
            self.session.flush()
        return subject

    def person(self, external_id: str, values: dict[str, str], **extra: object) -> tuple[Person, bool, bool]:
        person = self.session.scalar(select(Person).where(Person.external_id == external_id))
        fields = dict(given_name=required(values, "given_name", self.lang),
                      family_name=required(values, "family_name", self.lang),
                      phone=values.get("phone") or None, email=values.get("email") or None, **extra)
        if person is None:
            person = Person(external_id=external_id, **fields)
            self.session.add(person)
            self.session.flush()
            return person, True, True
        return person, False, _set(person, **fields)

    # --- one row of each kind ------------------------------------------------------------------
    def schools(self, v: dict[str, str]) -> tuple[bool, bool]:
        guide = required(v, "guide", self.lang).lower()
        if guide not in GUIDE_KEYS:
            raise CellError(t(self.lang, "unknown guide {guide} (one of {keys})", guide=shown(guide),
                              keys=", ".join(GUIDE_KEYS)))
        code = required(v, "school_code", self.lang)
        fields = dict(name=required(v, "name", self.lang), municipality=required(v, "municipality", self.lang),
                      guide_key=guide, phone=v.get("phone") or None)
        school = self.session.scalar(select(School).where(School.code == code))
        if school is None:
            self.session.add(School(code=code, **fields))
            self.session.flush()
            return True, True
        return False, _set(school, **fields)

    def subjects(self, v: dict[str, str]) -> tuple[bool, bool]:
        code = required(v, "subject_code", self.lang).upper()
        existing = self.session.scalar(select(Subject).where(Subject.code == code))
        if existing is None:
            self.session.add(Subject(code=code, name=required(v, "subject_name", self.lang)))
            self.session.flush()
            return True, True
        return False, _set(existing, name=required(v, "subject_name", self.lang))

    def classes(self, v: dict[str, str]) -> tuple[bool, bool]:
        school = self.school(required(v, "school_code", self.lang))
        name = required(v, "class", self.lang)
        try:
            year = int(required(v, "year", self.lang))
        except ValueError:
            year = 0
        if not 1 <= year <= 13:
            raise CellError(t(self.lang, "\"{value}\" is not a school year from 1 to 13", value=shown(v.get("year"))))
        group = self.session.scalar(select(ClassGroup).where(ClassGroup.school_id == school.id,
                                                             ClassGroup.name == name))
        if group is None:
            self.session.add(ClassGroup(school_id=school.id, name=name, year=year))
            self.session.flush()
            return True, True
        return False, _set(group, year=year)

    def pupils(self, v: dict[str, str]) -> tuple[bool, bool]:
        born = parse_date(required(v, "birth_date", self.lang), self.lang)
        group = self.class_group(self.school(required(v, "school_code", self.lang)), required(v, "class", self.lang))
        person, created, changed = self.person(required(v, "pupil_id", self.lang), v)
        pupil = self.session.scalar(select(Pupil).where(Pupil.person_id == person.id))
        if pupil is None:
            self.session.add(Pupil(person_id=person.id, class_group_id=group.id, birth_date=born))
            self.session.flush()
            return created, True
        return created, _set(pupil, class_group_id=group.id, birth_date=born) or changed

    def guardians(self, v: dict[str, str]) -> tuple[bool, bool]:
        pupil_ext = required(v, "pupil_id", self.lang)
        pupil = self.session.scalar(select(Pupil).join(Person, Person.id == Pupil.person_id)
                                    .where(Person.external_id == pupil_ext))
        if pupil is None:
            raise CellError(t(self.lang, "unknown pupil {id}", id=shown(pupil_ext)))
        responsibility = parse_bool(required(v, "parental_responsibility", self.lang), self.lang)
        relation = parse_relation(v.get("relation", ""), self.lang)
        confidential = parse_bool(v.get("confidential_address", ""), self.lang)
        person, created, changed = self.person(required(v, "guardian_id", self.lang), v,
                                               confidential_address=confidential)
        link = self.session.scalar(select(Guardianship).where(Guardianship.pupil_id == pupil.id,
                                                              Guardianship.guardian_id == person.id))
        if link is None:
            self.session.add(Guardianship(pupil_id=pupil.id, guardian_id=person.id,
                                          parental_responsibility=responsibility, relation=relation))
            self.session.flush()
            return created, True
        return created, _set(link, parental_responsibility=responsibility, relation=relation) or changed

    def staff(self, v: dict[str, str]) -> tuple[bool, bool]:
        school = self.school(required(v, "school_code", self.lang))
        role_name = required(v, "role", self.lang).lower()
        role = ROLE_NAMES.get(role_name)
        if role is None:
            raise CellError(t(self.lang, "unknown role {role} (one of {roles})", role=shown(role_name),
                              roles=", ".join(r.value for r in StaffRole)))
        group = self.class_group(school, v["class"]) if v.get("class") else None
        if role in (StaffRole.CONTACT_TEACHER, StaffRole.SUBJECT_TEACHER) and group is None:
            raise CellError(t(self.lang, "a {role} needs a class", role=role.value))
        subject = self.subject(v["subject"]) if v.get("subject") else None
        if role == StaffRole.SUBJECT_TEACHER and subject is None:
            raise CellError(t(self.lang, "a subject_teacher needs a subject"))
        person, created, changed = self.person(required(v, "staff_id", self.lang), v)
        membership = self.session.scalar(select(StaffMembership).where(
            StaffMembership.person_id == person.id, StaffMembership.school_id == school.id,
            StaffMembership.role == role))
        if membership is None:
            self.session.add(StaffMembership(person_id=person.id, school_id=school.id, role=role))
            changed = True
        if group is not None:
            class_role = ClassRole.CONTACT_TEACHER if role == StaffRole.CONTACT_TEACHER else ClassRole.SUBJECT_TEACHER
            subject_id = subject.id if subject and class_role == ClassRole.SUBJECT_TEACHER else None
            exists = self.session.scalar(select(ClassStaff).where(
                ClassStaff.class_group_id == group.id, ClassStaff.person_id == person.id,
                ClassStaff.role == class_role,
                ClassStaff.subject_id.is_(None) if subject_id is None else ClassStaff.subject_id == subject_id))
            if exists is None:
                self.session.add(ClassStaff(class_group_id=group.id, person_id=person.id, role=class_role,
                                            subject_id=subject_id))
                changed = True
        self.session.flush()
        return created, changed

    # --- the whole file ------------------------------------------------------------------------
    def apply(self, csv_file: CsvFile, kind: FileKind) -> None:
        handler: Callable[[dict[str, str]], tuple[bool, bool]] = getattr(self, kind.name)
        for row in csv_file.rows:
            self.apply_row(csv_file, row, handler)

    def apply_row(self, csv_file: CsvFile, row: Row, handler: Callable[[dict[str, str]], tuple[bool, bool]]) -> None:
        if "__extra__" in row.values:
            self.report.problems.append(RowProblem(csv_file.path.name, row.line,
                                                   t(self.lang, "more cells than columns in the header")))
            return
        try:
            with self.session.begin_nested():  # a failed row leaves no half-written trace before the rollback
                check_cells(row.values, self.lang)
                created, changed = handler(row.values)
        except CellError as err:
            self.report.problems.append(RowProblem(csv_file.path.name, row.line, str(err)))
            return
        except DBAPIError as err:  # a value the checks above let through and the database refused
            log.warning("import: the database refused a row (%s)", type(err.orig).__name__)
            self.report.problems.append(RowProblem(csv_file.path.name, row.line, t(
                self.lang, "the database refused the row ({error})", error=type(err.orig).__name__)))
            return
        self.report.count(created, changed)


def import_roster(session: Session, paths: list[Path], lang: str = "nb") -> ImportReport:
    """Apply the roster files. On any problem the caller must roll back (see `run_import`)."""
    job = RosterImport(session, lang)
    files = []
    for path in paths:
        try:
            csv_file = read_csv(path, lang)
            files.append((csv_file, kind_of(csv_file, lang)))
        except FileProblem as err:
            job.report.problems.append(RowProblem(path.name, 1, str(err), whole_file=True))
    for kind in KINDS:
        for csv_file, file_kind in files:
            if file_kind is kind:
                job.apply(csv_file, kind)
    return job.report
