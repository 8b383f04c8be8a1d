"""The flows that act, through the real Rasa server and action server, checked in the database."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.db import session_scope
from naervaer.models import (
    Channel,
    Contact,
    ContactPurpose,
    GuardianRelation,
    Guardianship,
    Initiator,
    Meeting,
    MeetingKind,
    Person,
)
from tests.e2e.families import linked_sender
from tests.helpers import TODAY, pupil_id, records

pytestmark = pytest.mark.e2e


def person_id(engine, given: str, family: str) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(Person.id).where(Person.given_name == given, Person.family_name == family)
                        .order_by(Person.id))


def sender_for(stack, given: str, family: str) -> str:
    return linked_sender(stack.engine, given, family)


def texts(messages) -> str:
    return "\n".join(m.text for m in messages)


def press(stack, sender: str, messages, title_start: str):
    button = next(b for m in messages for b in m.buttons if b["title"].startswith(title_start))
    return stack.chat.send(sender, button["payload"])


def test_parent_reports_a_sick_day_in_bokmal_and_the_same_report_twice_stores_once(stack):
    sender = sender_for(stack, "Kari", "Hansen")
    ida = pupil_id(stack.engine, "Ida", "Hansen")
    reply = stack.chat.send(sender, "Ida er syk i dag")
    assert "Hele dagen, eller en del av den?" in texts(reply)
    reply = press(stack, sender, reply, "Hele dagen")
    assert "Ida er borte mandag 23. november, hele dagen, årsak: syk. Stemmer det?" in texts(reply)
    assert records(stack.engine, ida, on=TODAY) == []  # nothing before the confirmation
    reply = press(stack, sender, reply, "Ja")
    assert "Takk, skolen vet nå at Ida er borte mandag 23. november." in texts(reply)
    assert "Kontaktlæreren er Marte Lie" in texts(reply)
    [stored] = records(stack.engine, ida, on=TODAY)
    assert (stored.kind, stored.announced_by_home, stored.reason, stored.channel) == \
        (AbsenceKind.DAY, True, ReasonCategory.SICK, Channel.CHAT)
    kari = person_id(stack.engine, "Kari", "Hansen")
    with session_scope(stack.engine) as s:
        contact = s.scalars(select(Contact).where(Contact.pupil_id == ida, Contact.purpose == ContactPurpose.FIRST_DAY)).one()
        assert contact.initiated_by == Initiator.HOME and contact.guardian_id == kari

    again = stack.chat.send(sender, "Ida er syk i dag")
    again = press(stack, sender, again, "Hele dagen")
    again = press(stack, sender, again, "Ja")
    assert "allerede meldt" in texts(again)
    assert len(records(stack.engine, ida, on=TODAY)) == 1
    with session_scope(stack.engine) as s:
        assert s.scalar(select(func.count()).select_from(Contact).where(Contact.pupil_id == ida)) == 1

    asked = stack.chat.send(sender, '/cancel_report')  # asks, naming Ida and the day; its button withdraws
    assert len(records(stack.engine, ida, on=TODAY)) == 1
    withdrawn = stack.chat.send(sender, next(b["payload"] for m in asked for b in m.buttons
                                             if b["payload"].startswith("/cancel_report{")))
    assert "trukket tilbake" in texts(withdrawn)
    assert records(stack.engine, ida, on=TODAY) == []


def test_nynorsk_report_for_a_child_who_comes_later_tomorrow(stack):
    sender = sender_for(stack, "Kari", "Hansen")
    ida = pupil_id(stack.engine, "Ida", "Hansen")
    reply = stack.chat.send(sender, "ida e sjuk i morgon")
    assert "Heile dagen, eller ein del av han?" in texts(reply)
    reply = press(stack, sender, reply, "Kjem seinare")
    assert "Ida er borte tysdag 24. november, kjem seinare" in texts(reply)
    reply = press(stack, sender, reply, "Ja")
    assert "skulen veit no" in texts(reply)
    [stored] = records(stack.engine, ida, on=TODAY + timedelta(days=1))
    assert stored.kind == AbsenceKind.LATE and stored.announced_by_home


def test_english_report_asks_for_the_reason_and_can_be_declined(stack):
    sender = sender_for(stack, "Kari", "Hansen")
    ida = pupil_id(stack.engine, "Ida", "Hansen")
    reply = stack.chat.send(sender, "Ida will be away on friday")
    assert "The whole day, or part of it?" in texts(reply)
    reply = press(stack, sender, reply, "The whole day")
    assert "What is the reason?" in texts(reply)
    reply = press(stack, sender, reply, "Doctor")
    assert "Ida is away Friday 27 November, the whole day, reason: doctor or dentist. Is that right?" in texts(reply)
    reply = press(stack, sender, reply, "No")
    assert "nothing was sent" in texts(reply)
    assert records(stack.engine, ida, on=TODAY + timedelta(days=4)) == []


def test_a_weekend_day_gets_a_clear_answer(stack):
    sender = sender_for(stack, "Kari", "Hansen")
    reply = stack.chat.send(sender, "Ida er syk på lørdag")
    assert "lørdag 28. november er ikke skoledag" in texts(reply)


def test_health_details_are_not_stored_and_the_contact_teacher_is_named(stack):
    sender = sender_for(stack, "Kari", "Hansen")
    before = len(records(stack.engine, pupil_id(stack.engine, "Ida", "Hansen")))
    reply = stack.chat.send(sender, "hun har angst og vil ikke på skolen")
    assert "kan ikke ta imot opplysninger om helse" in texts(reply)
    assert "Marte Lie" in texts(reply) and "900 00 001" in texts(reply)
    assert len(records(stack.engine, pupil_id(stack.engine, "Ida", "Hansen"))) == before


def test_teacher_registers_absent_and_logs_an_unanswered_call(stack):
    sender = sender_for(stack, "Marte", "Lie")
    eirik = pupil_id(stack.engine, "Eirik", "Berg")
    reply = stack.chat.send(sender, "Eirik er ikke her i dag")
    assert "Eirik er registrert borte i dag. Hjemmet har ikke meldt fraværet." in texts(reply)
    [stored] = records(stack.engine, eirik, on=TODAY)
    assert not stored.announced_by_home
    reply = stack.chat.send(sender, "jeg ringte mora til Eirik i dag, fikk ikke svar")
    assert "Logget: telefonsamtale med" in texts(reply) and "ikke fått tak i" in texts(reply)
    with session_scope(stack.engine) as s:
        contact = s.scalars(select(Contact).where(Contact.pupil_id == eirik)).one()
        mother = s.scalars(select(Guardianship).where(Guardianship.pupil_id == eirik,
                                                      Guardianship.relation == GuardianRelation.MOTHER)).one()
        assert contact.reached is False and contact.initiated_by == Initiator.SCHOOL
        assert contact.guardian_id == mother.guardian_id


def test_teacher_asks_what_now_and_books_a_meeting(stack):
    sender = sender_for(stack, "Marte", "Lie")
    reply = stack.chat.send(sender, "hva nå med Ida Hansen?")
    assert "Ida har vært borte 4 hele dager" in texts(reply) and "Neste steg" in texts(reply)
    reply = stack.chat.send(sender, "sett opp nærværsmøte for Ida Hansen neste tirsdag kl 10")
    assert "Satt opp:" in texts(reply) and "tirsdag 24. november kl. 10.00" in texts(reply)
    ida = pupil_id(stack.engine, "Ida", "Hansen")
    with session_scope(stack.engine) as s:
        meeting = s.scalars(select(Meeting).where(Meeting.pupil_id == ida)).one()
        assert meeting.kind == MeetingKind.NAERVAERSMOTE and len(meeting.participants) >= 2


def test_principal_sees_the_school_overview(stack):
    reply = stack.chat.send("demo-principal", "hvilke elever har bekymringsfullt fravær nå?")
    assert "Ida Hansen (6A)" in texts(reply)


@pytest.mark.parametrize(("sender", "message"), [
    ("demo-parent-noresp", "Ida er syk i dag"),                       # no parental responsibility
    ("demo-parent-noresp", '/register_absent{"pupil":"Ida Hansen"}'),
    ("demo-teacher-6b", "hva nå med Ida Hansen?"),                     # teacher of another class
    ("demo-teacher-6b", '/register_absent{"pupil":"Ida Hansen"}'),
    ("demo-teacher-6b", "jeg ringte mora til Ida Hansen, fikk ikke svar"),
    ("demo-teacher-alvoen", '/register_absent{"pupil":"Ida Hansen"}'),  # teacher of another school
    ("demo-teacher-alvoen", '/ask_pupil_status{"pupil":"Ida Hansen"}'),
    ("demo-teacher-alvoen", '/log_contact{"pupil":"Ida Hansen","guardian":"Kari Hansen","reached":"yes"}'),
    ("demo-teacher-alvoen", '/schedule_meeting{"pupil":"Ida Hansen","date":"i morgen kl 10"}'),
    ("never-linked", '/ask_pupil_status{"pupil":"Ida Hansen"}'),       # a stranger
    ("demo-parent", '/ask_pupil_status{"pupil":"Ida Hansen"}'),        # a parent is not staff
    ("demo-parent", '/log_contact{"pupil":"Ida Haugland","reached":"yes"}'),  # another family, forged entity
])
def test_the_wrong_person_gets_no_pupil_data_and_changes_nothing(stack, sender, message):
    ida = pupil_id(stack.engine, "Ida", "Hansen")

    def counts():
        n_records = len(records(stack.engine, ida))
        with session_scope(stack.engine) as s:
            return (n_records, s.scalar(select(func.count()).select_from(Contact)),
                    s.scalar(select(func.count()).select_from(Meeting)))

    before = counts()
    reply = texts(stack.chat.send(sender, message))
    for secret in ("hele dager", "Neste steg", "Logget", "Satt opp", "registrert borte"):
        assert secret not in reply
    assert counts() == before


def test_a_parent_without_parental_responsibility_is_told_why_and_nothing_is_stored(stack):
    ida = pupil_id(stack.engine, "Ida", "Hansen")
    before = len(records(stack.engine, ida))
    reply = texts(stack.chat.send("demo-parent-noresp", "Ida er syk i dag"))
    assert "Bare foresatte med foreldreansvar kan melde fravær her" in reply
    follow_up = texts(stack.chat.send("demo-parent-noresp", "/affirm"))
    assert "Takk, skolen vet nå" not in follow_up
    assert len(records(stack.engine, ida)) == before


def test_an_adult_pupil_reports_for_themselves(stack):
    jonas = pupil_id(stack.engine, "Jonas", "Aune")
    reply = stack.chat.send("demo-pupil-adult", "jeg er syk i dag")
    reply = press(stack, "demo-pupil-adult", reply, "Hele dagen")
    reply = press(stack, "demo-pupil-adult", reply, "Ja")
    assert "skolen vet nå at Jonas er borte mandag 23. november" in texts(reply)
    [stored] = records(stack.engine, jonas, on=TODAY)
    assert stored.announced_by_home
