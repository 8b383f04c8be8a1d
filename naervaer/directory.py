"""Who stands around a pupil or a person: the school, the contact teachers, the guardians, the school's
phone, a person's schools and roles. The one place these are looked up, so every answer agrees.

This module says who *is* related; whether they may see or do something is `naervaer.access`'s call.
The orders are defined once here:
- a class's contact teachers in the order they were assigned (the first is "the" contact teacher);
- guardians by person id (the school system's order of registration);
- a person's schools: where they work, then their children's schools, then their own school as a
  pupil, each by school id (a child's school only where `access.guardian_may_know_school`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.absence import SchoolLevel
from naervaer.access import guardian_acts_for, guardian_may_know_school
from naervaer.clock import today
from naervaer.models import ClassRole, ClassStaff, Guardianship, Person, Pupil, School, StaffMembership


@dataclass(frozen=True)
class SchoolTie:
    """One school a person belongs to, how, and the school levels that concern them there."""

    school: School
    roles: frozenset[str]  # "staff", "parent", "pupil"
    levels: frozenset[SchoolLevel]


def school_of(pupil: Pupil) -> School:
    return pupil.class_group.school


def contact_teachers(session: Session, pupil: Pupil) -> list[Person]:
    return list(session.scalars(
        select(Person).join(ClassStaff, ClassStaff.person_id == Person.id)
        .where(ClassStaff.class_group_id == pupil.class_group_id, ClassStaff.role == ClassRole.CONTACT_TEACHER)
        .order_by(ClassStaff.id)))


def contact_teacher(session: Session, pupil: Pupil) -> Person | None:
    teachers = contact_teachers(session, pupil)
    return teachers[0] if teachers else None


def guardians(session: Session, pupil: Pupil, on: date) -> list[tuple[Guardianship, Person]]:
    """The guardians who act for the pupil on `on` (`access.guardian_acts_for`: with parental
    responsibility, and none once the pupil is 18): the home side of calls, contacts and meetings."""
    rows = session.execute(
        select(Guardianship, Person).join(Person, Person.id == Guardianship.guardian_id)
        .where(Guardianship.pupil_id == pupil.id).order_by(Person.id)).tuples()
    return [(link, person) for link, person in rows if guardian_acts_for(link, pupil, on)]


@dataclass(frozen=True)
class HomeSide:
    """Whom the school contacts about a pupil: the home side of every call, contact, meeting and reminder.

    Under 18 it is the guardians who act for the pupil. From 18 it is the pupil alone (parental
    responsibility ends at 18): Trøndelag's guide has the school contact the pupil over 18 themselves,
    and the parents only if the pupil cannot be reached, mindful of the duty of confidentiality
    (seed 002_dabd3cb9f2f4589c.txt, lines 1510-1514). `fallback` holds those parents: the guardians
    registered with parental responsibility, who held it until the 18th birthday, and nobody when the
    pupil has a confidential address. They are only ever named as a fallback; they see nothing
    (`access.grant_for` gives them no permission)."""

    pupil: Pupil
    adult: bool
    people: tuple[Person, ...]    # contacted, invited and reminded as the home
    fallback: tuple[Person, ...] = ()

    @property
    def role(self) -> str:
        """The people's role in a meeting: the adult pupil takes part as the pupil, the guardians as the home."""
        return "pupil" if self.adult else "home"


def home_side(session: Session, pupil: Pupil, on: date) -> HomeSide:
    """The people the school contacts about `pupil` on `on` (see `HomeSide`)."""
    if not pupil.is_adult(on):
        return HomeSide(pupil, False, tuple(person for _link, person in guardians(session, pupil, on)))
    fallback = () if pupil.person.confidential_address else tuple(session.scalars(
        select(Person).join(Guardianship, Guardianship.guardian_id == Person.id)
        .where(Guardianship.pupil_id == pupil.id, Guardianship.parental_responsibility.is_(True))
        .order_by(Person.id)))
    return HomeSide(pupil, True, (pupil.person,), fallback)


def guardianships_of(session: Session, person: Person) -> list[Guardianship]:
    """Every child the person is registered as guardian of, with or without parental responsibility."""
    return list(session.scalars(
        select(Guardianship).where(Guardianship.guardian_id == person.id).order_by(Guardianship.pupil_id)))


def own_pupil(session: Session, person: Person) -> Pupil | None:
    """The person as a pupil, when they are one."""
    return session.scalar(select(Pupil).where(Pupil.person_id == person.id))


def person_by_id(session: Session, person_id: int) -> Person | None:
    """A person by the store's number (e.g. a meeting participant)."""
    return session.get(Person, person_id)


def pupil_by_id(session: Session, pupil_id: str) -> Pupil | None:
    """A pupil by the school system's id, or by the store's number (the operator's commands)."""
    pupil = session.scalar(select(Pupil).join(Person, Person.id == Pupil.person_id)
                           .where(Person.external_id == pupil_id))
    if pupil is None and pupil_id.isdigit():
        pupil = session.get(Pupil, int(pupil_id))
    return pupil


def staff_with_role(session: Session, school: School, role: str) -> list[Person]:
    return list(session.scalars(
        select(Person).join(StaffMembership, StaffMembership.person_id == Person.id)
        .where(StaffMembership.school_id == school.id, StaffMembership.role == role).order_by(Person.id)))


def school_ties(session: Session, person: Person, on: date | None = None) -> list[SchoolTie]:
    on = on or today()
    roles: dict[int, set[str]] = {}
    levels: dict[int, set[SchoolLevel]] = {}
    schools: dict[int, School] = {}

    def add(school: School, role: str, found: set[SchoolLevel]) -> None:
        schools.setdefault(school.id, school)
        roles.setdefault(school.id, set()).add(role)
        levels.setdefault(school.id, set()).update(found)

    for school in session.scalars(select(School).join(StaffMembership, StaffMembership.school_id == School.id)
                                  .where(StaffMembership.person_id == person.id).order_by(School.id)):
        add(school, "staff", {c.level for c in school.classes})
    children = sorted((g.pupil for g in guardianships_of(session, person) if guardian_may_know_school(g, g.pupil, on)),
                      key=lambda p: (p.class_group.school_id, p.id))
    for child in children:
        add(child.class_group.school, "parent", {child.class_group.level})
    own = own_pupil(session, person)
    if own is not None:
        add(own.class_group.school, "pupil", {own.class_group.level})
    return [SchoolTie(schools[i], frozenset(roles[i]), frozenset(levels[i])) for i in schools]


def schools_of(session: Session, person: Person, on: date | None = None) -> list[School]:
    return [tie.school for tie in school_ties(session, person, on)]


def school_phone(session: Session, person: Person) -> str | None:
    """The phone number of the first of the person's schools that has one."""
    return next((s.phone for s in schools_of(session, person) if s.phone), None)


def role_of(session: Session, person: Person | None) -> str:
    """staff, parent, pupil, or unknown: which answers and buttons fit the person (staff first)."""
    if person is None:
        return "unknown"
    if session.scalar(select(StaffMembership.id).where(StaffMembership.person_id == person.id).limit(1)):
        return "staff"
    if session.scalar(select(Guardianship.id).where(Guardianship.guardian_id == person.id).limit(1)):
        return "parent"
    if own_pupil(session, person) is not None:
        return "pupil"
    return "unknown"
