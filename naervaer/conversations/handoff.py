"""'Can I talk to a person?' — who to contact, with the contact details from the store.

A guardian gets their child's contact teacher (name and phone) and the school's phone; everyone else
with a school gets the school's phone; a sender we cannot place is told to contact the school.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.conversations.context import Asker, who_is_asking
from naervaer.i18n import t
from naervaer.models import ClassRole, ClassStaff, Guardianship, Person, Pupil, School, StaffMembership
from naervaer.replies import Reply


def _contact_teacher(session: Session, pupil: Pupil) -> Person | None:
    return session.scalar(
        select(Person).join(ClassStaff, ClassStaff.person_id == Person.id)
        .where(ClassStaff.class_group_id == pupil.class_group_id, ClassStaff.role == ClassRole.CONTACT_TEACHER)
        .order_by(ClassStaff.id).limit(1))


def _school_line(lang: str, school: School) -> str:
    if school.phone:
        return t(lang, "{school}: phone {phone}.", school=school.name, phone=school.phone)
    return t(lang, "{school} (no phone number registered).", school=school.name)


def contact_lines(session: Session, asker: Asker) -> list[str] | None:
    """The people and numbers to contact, or None when we do not know who is asking."""
    lang = asker.lang
    person = who_is_asking(session, asker)
    if person is None:
        return None
    lines: list[str] = []
    schools: list[School] = []
    guardianships = session.scalars(
        select(Guardianship).where(Guardianship.guardian_id == person.id).order_by(Guardianship.pupil_id)).all()
    for guardianship in guardianships:
        child = guardianship.pupil
        # The school's number is public; the contact teacher's only for those with parental responsibility.
        teacher = _contact_teacher(session, child) if guardianship.parental_responsibility else None
        if teacher is not None:
            if teacher.phone:
                lines.append(t(lang, "{child}'s contact teacher is {teacher}, phone {phone}.",
                               child=child.person.given_name, teacher=teacher.full_name, phone=teacher.phone))
            else:
                lines.append(t(lang, "{child}'s contact teacher is {teacher}.", child=child.person.given_name,
                               teacher=teacher.full_name))
        schools.append(child.class_group.school)
    own = session.scalar(select(Pupil).where(Pupil.person_id == person.id))
    if own is not None:
        schools.append(own.class_group.school)
    schools += session.scalars(select(School).join(StaffMembership, StaffMembership.school_id == School.id)
                               .where(StaffMembership.person_id == person.id)).all()
    seen: set[int] = set()
    for school in schools:
        if school.id not in seen:
            seen.add(school.id)
            lines.append(_school_line(lang, school))
    return lines


def contact(session: Session, asker: Asker, *, after_misunderstanding: bool = False) -> Reply:
    lang = asker.lang
    lines = contact_lines(session, asker)
    lead = (t(lang, "I'm sorry, I still don't understand. A person can help you better:") if after_misunderstanding
            else t(lang, "You can talk to a person here:"))
    if not lines:
        return Reply().say(f"{lead}\n" + t(lang, "Contact your school's office or the contact teacher. "
                                                 "(I don't know which school you belong to.)"))
    return Reply().say("\n".join([lead, *lines]))
