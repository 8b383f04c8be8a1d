"""A small demo municipality: one school per guide, with classes, pupils, guardians, staff,
absence relative to today, and chat identities for the demo personas."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.identity import link_sender
from naervaer.models import (
    AbsenceRecord,
    Channel,
    ClassGroup,
    ClassRole,
    ClassStaff,
    GuardianRelation,
    Guardianship,
    Person,
    Pupil,
    School,
    StaffMembership,
    StaffRole,
    Subject,
)

SUBJECTS = {"NOR": "Norsk", "MAT": "Matematikk", "ENG": "Engelsk", "NAT": "Naturfag", "KRO": "Kroppsøving"}


@dataclass(frozen=True)
class DemoSchool:
    code: str
    name: str
    municipality: str
    guide: str
    phone: str
    class_name: str
    year: int
    teacher: tuple[str, str]
    principal: tuple[str, str]
    pupils: tuple[tuple[str, str], ...]


SCHOOLS = (
    DemoSchool("demo-jevnaker", "Jevnaker demoskole", "Jevnaker", "jevnaker", "61 31 00 00",
               "6A", 6, ("Marte", "Lie"), ("Hege", "Solberg"),
               (("Ida", "Hansen"), ("Eirik", "Berg"), ("Ida", "Haugland"), ("Noah", "Bakke"))),
    DemoSchool("demo-alvoen", "Alvøen demoskole", "Bergen", "alvoen", "55 56 00 00",
               "7B", 7, ("Ingrid", "Dahl"), ("Per", "Vik"), (("Sander", "Nilsen"), ("Maja", "Strand"))),
    DemoSchool("demo-tynset", "Tynset demoskole", "Tynset", "tynset", "62 48 00 00",
               "9A", 9, ("Knut", "Haugen"), ("Randi", "Moe"), (("Emma", "Moen"), ("Lucas", "Brekke"))),
    DemoSchool("demo-aas", "Ås demoskole", "Ås", "aas", "64 96 00 00",
               "4C", 4, ("Siri", "Aas"), ("Tor", "Lunde"), (("Nora", "Eide"), ("Filip", "Sund"))),
    DemoSchool("demo-trondelag", "Trøndelag demo vgs", "Trondheim", "trondelag", "74 17 00 00",
               "VG1STA", 11, ("Anders", "Fossum"), ("Liv", "Ness"), (("Sara", "Lund"), ("Jonas", "Aune"))),
)

# The personas of the terminal chat (`naervaer demo --as parent`) and their sender ids.
PERSONAS = {
    "parent": "demo-parent",                # Kari Hansen, mother of Ida Hansen (Jevnaker), parental responsibility
    "parent-no-responsibility": "demo-parent-noresp",  # Ole Hansen, Ida's father without parental responsibility
    "teacher": "demo-teacher",              # Marte Lie, contact teacher of 6A in Jevnaker
    "teacher-6b": "demo-teacher-6b",        # Per Holm, contact teacher of 6B at the same school
    "principal": "demo-principal",          # Hege Solberg, principal in Jevnaker
    "teacher-alvoen": "demo-teacher-alvoen",
    "teacher-tynset": "demo-teacher-tynset",
    "teacher-aas": "demo-teacher-aas",
    "teacher-trondelag": "demo-teacher-trondelag",
    "pupil-adult": "demo-pupil-adult",      # Jonas Aune, 18, Trøndelag
}

# Who `naervaer demo` prints a web sign-in code for, and how it describes them.
WEB_PERSONAS = {
    "parent": "Kari Hansen, Ida's mother (Jevnaker)",
    "teacher": "Marte Lie, contact teacher of 6A (Jevnaker)",
    "principal": "Hege Solberg, principal (Jevnaker)",
    "teacher-trondelag": "Anders Fossum, contact teacher (Trøndelag)",
    "pupil-adult": "Jonas Aune, pupil aged 18 (Trøndelag)",
}


def school_days_back(today: date, count: int, skip: int = 0) -> list[date]:
    """The `count` weekdays before `today`, after skipping `skip` of them."""
    days, d = [], today
    while len(days) < count + skip:
        d -= timedelta(days=1)
        if d.weekday() < 5:
            days.append(d)
    return days[skip:]


def is_seeded(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(School).where(School.code.like("demo-%"))))


def seed(session: Session, today: date, rng_seed: int = 2026) -> None:
    """Fill an empty store with the demo municipality. Absence dates are relative to `today`."""
    rng = random.Random(rng_seed)
    subjects = {code: Subject(code=code, name=name) for code, name in SUBJECTS.items()}
    session.add_all(subjects.values())

    def person(given: str, family: str, **kw: object) -> Person:
        # A roster id like the school system's, so operator commands can name demo people.
        number = session.scalar(select(func.count()).select_from(Person)) + 1
        p = Person(given_name=given, family_name=family, external_id=f"demo-{number}", **kw)
        session.add(p)
        return p

    for n, spec in enumerate(SCHOOLS):
        school = School(code=spec.code, name=spec.name, municipality=spec.municipality, guide_key=spec.guide,
                        phone=spec.phone)
        group = ClassGroup(school=school, name=spec.class_name, year=spec.year)
        session.add_all([school, group])
        teacher = person(*spec.teacher, phone=f"9{n}0 00 0{n}1", email=f"{spec.teacher[0].lower()}@example.no")
        principal = person(*spec.principal, phone=f"9{n}0 00 0{n}2")
        session.flush()
        session.add_all([
            StaffMembership(person_id=teacher.id, school_id=school.id, role=StaffRole.CONTACT_TEACHER),
            StaffMembership(person_id=principal.id, school_id=school.id, role=StaffRole.PRINCIPAL),
            ClassStaff(class_group_id=group.id, person_id=teacher.id, role=ClassRole.CONTACT_TEACHER),
        ])
        session.add(ClassStaff(class_group_id=group.id, person_id=teacher.id, role=ClassRole.SUBJECT_TEACHER,
                               subject_id=subjects["MAT"].id))
        for given, family in spec.pupils:
            age = 18 if (given, family) == ("Jonas", "Aune") else 5 + spec.year
            born = date(today.year - age, 3, 14) if age != 18 else today - timedelta(days=365 * 18 + 30)
            # A pupil of 18 or over is the home side of every contact (directory.home_side): the school
            # calls Jonas himself, so the roster has his own phone.
            child = person(given, family, phone="470 00 018") if age == 18 else person(given, family)
            session.flush()
            pupil = Pupil(person_id=child.id, class_group_id=group.id, birth_date=born)
            session.add(pupil)
            mother = person("Kari" if (given, family) == ("Ida", "Hansen") else rng.choice(["Anne", "Lise", "Tone"]),
                            family, phone="400 00 000")
            father = person("Ole" if (given, family) == ("Ida", "Hansen") else rng.choice(["Lars", "Jon", "Geir"]),
                            family, phone="410 00 000")
            session.flush()
            session.add_all([
                Guardianship(pupil_id=pupil.id, guardian_id=mother.id, parental_responsibility=True,
                             relation=GuardianRelation.MOTHER),
                # Ida Hansen's father has no parental responsibility: he must see nothing.
                # Jonas Aune's parents are registered as the school system exports them: with the parental
                # responsibility they held until his 18th birthday (the flag carries no end date; the law ends
                # it at 18, and access.guardian_acts_for computes that from his birth date, so the demo is
                # right on any day, the eve of his birthday included). From 18 they act for him in nothing and
                # see nothing; they are only the guide's fallback when Jonas cannot be reached.
                Guardianship(pupil_id=pupil.id, guardian_id=father.id, relation=GuardianRelation.FATHER,
                             parental_responsibility=(given, family) != ("Ida", "Hansen")),
            ])
            profile = "ida" if (given, family) == ("Ida", "Hansen") else \
                "worrying" if (given, family) == spec.pupils[0] else "ordinary"
            _absence(session, pupil, teacher, subjects, today, rng, profile)

    _second_class(session, person)
    session.flush()
    _link_personas(session)


def _second_class(session: Session, person) -> None:  # noqa: ANN001 - the seed's person factory
    """6B at the Jevnaker school, with its own contact teacher: a teacher of another class must not
    see 6A's pupils."""
    school = session.scalar(select(School).where(School.code == "demo-jevnaker"))
    group = ClassGroup(school_id=school.id, name="6B", year=6)
    session.add(group)
    teacher = person("Per", "Holm", phone="900 00 011")
    pupil_person = person("Sofie", "Lunde")
    session.flush()
    session.add_all([
        StaffMembership(person_id=teacher.id, school_id=school.id, role=StaffRole.CONTACT_TEACHER),
        ClassStaff(class_group_id=group.id, person_id=teacher.id, role=ClassRole.CONTACT_TEACHER),
        Pupil(person_id=pupil_person.id, class_group_id=group.id, birth_date=date(2015, 9, 1)),
    ])


def _absence(session: Session, pupil: Pupil, teacher: Person, subjects: dict[str, Subject], today: date,
             rng: random.Random, profile: str) -> None:
    def add(on: date, kind: AbsenceKind, **kw: object) -> None:
        session.add(AbsenceRecord(pupil_id=pupil.id, on=on, kind=kind, channel=Channel.IMPORT, source="demo",
                                  registered_by_id=teacher.id, **kw))

    if profile == "worrying":  # crosses the day limits of every guide: 7 days in the last 3 weeks
        for i, on in enumerate(school_days_back(today, 15)):
            if i in (0, 1, 2, 5, 6, 7, 11):
                add(on, AbsenceKind.DAY, announced_by_home=i > 2, reason=ReasonCategory.SICK if i > 2 else None)
        for i, on in enumerate(school_days_back(today, 3, skip=3)):
            add(on, AbsenceKind.HOUR, slot=f"MAT:{i}", subject_id=subjects["MAT"].id, hours=1.0)
        return
    if profile == "ida":
        for on in school_days_back(today, 4):
            add(on, AbsenceKind.DAY, announced_by_home=True, reason=ReasonCategory.SICK)
        for i, on in enumerate(school_days_back(today, 3, skip=6)):
            add(on, AbsenceKind.HOUR, slot=f"MAT:{i}", subject_id=subjects["MAT"].id, hours=1.0)
        for on in school_days_back(today, 2, skip=10):
            add(on, AbsenceKind.LATE)
        return
    for on in rng.sample(school_days_back(today, 60), k=rng.randint(0, 3)):
        add(on, AbsenceKind.DAY, announced_by_home=rng.random() < 0.7, reason=ReasonCategory.SICK)


def _link_personas(session: Session) -> None:
    def by_name(given: str, family: str) -> Person:
        return session.scalars(select(Person).where(Person.given_name == given, Person.family_name == family)
                               .order_by(Person.id)).first()

    links = {
        "parent": by_name("Kari", "Hansen"),
        "parent-no-responsibility": by_name("Ole", "Hansen"),
        "teacher": by_name("Marte", "Lie"),
        "teacher-6b": by_name("Per", "Holm"),
        "principal": by_name("Hege", "Solberg"),
        "teacher-alvoen": by_name("Ingrid", "Dahl"),
        "teacher-tynset": by_name("Knut", "Haugen"),
        "teacher-aas": by_name("Siri", "Aas"),
        "teacher-trondelag": by_name("Anders", "Fossum"),
        "pupil-adult": by_name("Jonas", "Aune"),
    }
    for persona, person in links.items():
        link_sender(session, PERSONAS[persona], person)
