"""'Can I talk to a person?' — who to contact, with the contact details from the store.

A guardian who acts for their child gets the child's contact teacher (name and phone) and the school's
phone; everyone else with a school gets the school's phone; a sender we cannot place is told to
contact the school.

Compute, then word: `decide_contacts` finds the people and numbers, `render_contacts` words them.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from naervaer.access import guardian_acts_for
from naervaer.conversations.context import Asker, who_is_asking
from naervaer.directory import contact_teacher, guardianships_of, schools_of
from naervaer.i18n import t
from naervaer.replies import Reply


@dataclass(frozen=True)
class TeacherContact:
    child: str  # the child's given name
    teacher: str  # the contact teacher's full name
    phone: str | None


@dataclass(frozen=True)
class SchoolContact:
    school: str
    phone: str | None


@dataclass(frozen=True)
class Contacts:
    """Whom the asker can contact: their children's contact teachers, then their schools (in the
    directory's order of a person's schools)."""

    teachers: tuple[TeacherContact, ...] = ()
    schools: tuple[SchoolContact, ...] = ()


def decide_contacts(session: Session, asker: Asker) -> Contacts | None:
    """The people and numbers the asker can contact, or None when we do not know who is asking."""
    person = who_is_asking(session, asker)
    if person is None:
        return None
    teachers: list[TeacherContact] = []
    for guardianship in guardianships_of(session, person):
        child = guardianship.pupil
        # The school's number is public; the contact teacher's only for a guardian who acts for the child.
        if not guardian_acts_for(guardianship, child, asker.today):
            continue
        teacher = contact_teacher(session, child)
        if teacher is not None:
            teachers.append(TeacherContact(child.person.given_name, teacher.full_name, teacher.phone))
    schools = tuple(SchoolContact(school.name, school.phone) for school in schools_of(session, person, asker.today))
    return Contacts(tuple(teachers), schools)


def contact_lines(lang: str, contacts: Contacts) -> list[str]:
    lines: list[str] = []
    for c in contacts.teachers:
        if c.phone:
            lines.append(t(lang, "{child}'s contact teacher is {teacher}, phone {phone}.",
                           child=c.child, teacher=c.teacher, phone=c.phone))
        else:
            lines.append(t(lang, "{child}'s contact teacher is {teacher}.", child=c.child, teacher=c.teacher))
    for s in contacts.schools:
        if s.phone:
            lines.append(t(lang, "{school}: phone {phone}.", school=s.school, phone=s.phone))
        else:
            lines.append(t(lang, "{school} (no phone number registered).", school=s.school))
    return lines


def render_contacts(lang: str, contacts: Contacts | None, *, after_misunderstanding: bool = False) -> Reply:
    lead = (t(lang, "I'm sorry, I still don't understand. A person can help you better:") if after_misunderstanding
            else t(lang, "You can talk to a person here:"))
    lines = contact_lines(lang, contacts) if contacts is not None else []
    if not lines:
        return Reply().say(f"{lead}\n" + t(lang, "Contact your school's office or the contact teacher. "
                                                 "(I don't know which school you belong to.)"))
    return Reply().say("\n".join([lead, *lines]))


def contact(session: Session, asker: Asker, *, after_misunderstanding: bool = False) -> Reply:
    return render_contacts(asker.lang, decide_contacts(session, asker), after_misunderstanding=after_misunderstanding)
