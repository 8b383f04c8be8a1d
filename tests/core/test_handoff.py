"""'Can I talk to a person?': who the asker can contact, decided from the directory and the access rule,
then worded."""
from __future__ import annotations

from sqlalchemy import select

from naervaer.conversations import guide_answers, handoff
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from naervaer.identity import link_sender, person_for_sender
from naervaer.models import GuardianRelation, Guardianship, Person, Pupil
from tests.helpers import TODAY

JEVNAKER = handoff.SchoolContact("Jevnaker demoskole", "61 31 00 00")


def asker(sender: str, lang: str = "en") -> Asker:
    return Asker(sender_id=sender, lang=lang, today=TODAY)


def pupil_named(session, given: str, family: str) -> Pupil:
    return session.scalar(select(Pupil).join(Person, Person.id == Pupil.person_id)
                          .where(Person.given_name == given, Person.family_name == family))


def test_a_mother_with_parental_responsibility_gets_the_contact_teacher_and_the_school(demo_engine):
    with session_scope(demo_engine) as session:
        contacts = handoff.decide_contacts(session, asker("demo-parent"))
    assert contacts == handoff.Contacts((handoff.TeacherContact("Ida", "Marte Lie", "900 00 001"),), (JEVNAKER,))


def test_a_father_without_parental_responsibility_gets_the_school_only(demo_engine):
    with session_scope(demo_engine) as session:
        contacts = handoff.decide_contacts(session, asker("demo-parent-noresp"))
    assert contacts == handoff.Contacts((), (JEVNAKER,))


def test_a_father_without_parental_responsibility_is_not_told_the_school_of_a_child_with_a_confidential_address(
        demo_engine):
    with session_scope(demo_engine) as session:
        pupil_named(session, "Ida", "Hansen").person.confidential_address = True
    with session_scope(demo_engine) as session:
        assert handoff.decide_contacts(session, asker("demo-parent-noresp")) == handoff.Contacts((), ())
        # The mother, who has parental responsibility, still gets the school and the teacher.
        assert handoff.decide_contacts(session, asker("demo-parent")).schools == (JEVNAKER,)
        text = handoff.contact(session, asker("demo-parent-noresp")).text
        # Nor, through the guide it would answer from, the municipality: he picks one like a visitor.
        father = person_for_sender(session, "demo-parent-noresp")
        assert guide_answers.guide_for(session, father, None).guide is None
    assert "Jevnaker" not in text and "contact your school" in text.lower()


def test_a_guardian_of_an_adult_pupil_gets_the_school_not_the_teacher(demo_engine):
    # Parental responsibility ends at 18 (access.guardian_acts_for): Jonas Aune speaks for himself.
    with session_scope(demo_engine) as session:
        jonas = pupil_named(session, "Jonas", "Aune")
        mother = session.scalars(select(Person).join(Guardianship, Guardianship.guardian_id == Person.id)
                                 .where(Guardianship.pupil_id == jonas.id,
                                        Guardianship.parental_responsibility.is_(True))).first()
        link_sender(session, "jonas-mother", mother)
    with session_scope(demo_engine) as session:
        contacts = handoff.decide_contacts(session, asker("jonas-mother"))
    assert contacts == handoff.Contacts((), (handoff.SchoolContact("Trøndelag demo vgs", "74 17 00 00"),))


def test_a_teacher_who_is_a_parent_elsewhere_gets_their_own_school_first(demo_engine):
    with session_scope(demo_engine) as session:
        teacher = person_for_sender(session, "demo-teacher-tynset")
        nora = pupil_named(session, "Nora", "Eide")
        session.add(Guardianship(pupil_id=nora.id, guardian_id=teacher.id, parental_responsibility=True,
                                 relation=GuardianRelation.FATHER))
    with session_scope(demo_engine) as session:
        reply = handoff.contact(session, asker("demo-teacher-tynset"))
    assert reply.text.splitlines() == [
        "You can talk to a person here:",
        "Nora's contact teacher is Siri Aas, phone 930 00 031.",
        "Tynset demoskole: phone 62 48 00 00.",  # the directory's order: where they work, then the children's
        "Ås demoskole: phone 64 96 00 00.",
    ]


def test_a_stranger_is_told_to_contact_the_school(demo_engine):
    with session_scope(demo_engine) as session:
        assert handoff.decide_contacts(session, asker("stranger")) is None
        reply = handoff.contact(session, asker("stranger"), after_misunderstanding=True)
    assert reply.text == ("I'm sorry, I still don't understand. A person can help you better:\n"
                          "Contact your school's office or the contact teacher. (I don't know which school you "
                          "belong to.)")


def test_contacts_without_a_phone_are_worded_without_one():
    contacts = handoff.Contacts((handoff.TeacherContact("Ida", "Marte Lie", None),),
                                (handoff.SchoolContact("Jevnaker demoskole", None),))
    assert handoff.contact_lines("nb", contacts) == ["Kontaktlæreren til Ida er Marte Lie.",
                                                     "Jevnaker demoskole (ingen telefonnummer registrert)."]
