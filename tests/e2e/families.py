"""Many families for the morning-rush tests: one pupil each, a mother with parental responsibility,
linked to a chat sender id of her own."""
from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select

from naervaer.db import session_scope
from naervaer.identity import link_sender
from naervaer.models import ClassGroup, GuardianRelation, Guardianship, Person, Pupil, School

FIRST_NAMES = ("Emma Nora Olivia Sofie Ella Leah Frida Ingrid Maja Sara Noah Jakob Emil Oliver Lucas Filip "
               "Henrik Aksel Isak Magnus Tobias Elias Sander Mathias Jonas").split()


@dataclass(frozen=True)
class Family:
    sender: str
    child: str  # the given name, as the parent writes it
    pupil_id: int


def add_families(engine: Engine, n: int, on: date, school_code: str = "demo-jevnaker") -> list[Family]:
    run = uuid.uuid4().hex[:8]  # sender ids never meet an earlier run's conversations
    families: list[Family] = []
    with session_scope(engine) as session:
        school = session.scalar(select(School).where(School.code == school_code))
        group = ClassGroup(school_id=school.id, name=f"R{run}", year=7)
        session.add(group)
        session.flush()
        for i in range(n):
            given, family_name = FIRST_NAMES[i % len(FIRST_NAMES)], f"Rush{i:03d}"
            child = Person(given_name=given, family_name=family_name, external_id=f"rush-{run}-{i}-c")
            mother = Person(given_name="Mor", family_name=family_name, external_id=f"rush-{run}-{i}-m",
                            phone="400 00 000")
            session.add_all([child, mother])
            session.flush()
            pupil = Pupil(person_id=child.id, class_group_id=group.id, birth_date=date(on.year - 12, 5, 1))
            session.add(pupil)
            session.flush()
            session.add(Guardianship(pupil_id=pupil.id, guardian_id=mother.id, parental_responsibility=True,
                                     relation=GuardianRelation.MOTHER))
            sender = f"rush-{run}-{i}"
            link_sender(session, sender, mother)
            families.append(Family(sender=sender, child=given, pupil_id=pupil.id))
    return families


_fresh = itertools.count()


def linked_sender(engine: Engine, given: str, family: str) -> str:
    """A fresh chat (new tracker) linked to the first demo person of that name."""
    sender = f"e2e-{given.lower()}-{next(_fresh)}"
    with session_scope(engine) as s:
        person = s.scalars(select(Person).where(Person.given_name == given, Person.family_name == family)
                           .order_by(Person.id)).first()
        link_sender(s, sender, person)
    return sender
