"""Staff register a pupil absent and log their contacts with the home."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.clock import OSLO
from naervaer.conversations import contact_log, first_day, register_absent
from naervaer.conversations.context import Asker
from naervaer.conversations.pupil_choice import Missing, NoPupil
from naervaer.db import session_scope
from naervaer.models import AbsenceRecord, AuditAction, AuditEntry, Channel, Contact, ContactMethod, Guardianship, \
    Initiator, Person
from tests.helpers import TODAY, pupil_id, records


def asker(sender: str = "demo-teacher", lang: str = "en") -> Asker:
    return Asker(sender, lang, TODAY)


def register(engine, name: str, sender: str = "demo-teacher", lang: str = "en"):
    with session_scope(engine) as s:
        return register_absent.register(s, asker(sender, lang), name)


def log(engine, name: str, text: str, sender: str = "demo-teacher", **entities):
    with session_scope(engine) as s:
        return contact_log.log(s, asker(sender), name, text, **entities)


def guardians(engine, pupil: int) -> dict[str, Person]:
    """The pupil's guardians with parental responsibility, by relation."""
    with session_scope(engine) as s:
        rows = s.execute(select(Guardianship.relation, Person).join(Person, Person.id == Guardianship.guardian_id)
                         .where(Guardianship.pupil_id == pupil, Guardianship.parental_responsibility.is_(True)))
        found = {relation.value: person for relation, person in rows}
        s.expunge_all()
        return found


def contacts(engine, pupil: int) -> list[Contact]:
    with session_scope(engine) as s:
        found = list(s.scalars(select(Contact).where(Contact.pupil_id == pupil).order_by(Contact.id)))
        s.expunge_all()
        return found


def test_registering_a_pupil_the_home_has_not_reported(demo_engine):
    eirik = pupil_id(demo_engine, "Eirik", "Berg")
    parents = guardians(demo_engine, eirik)
    reply = register(demo_engine, "Eirik", lang="nb")
    assert reply.messages[0].text == "Eirik er registrert borte i dag. Hjemmet har ikke meldt fraværet."
    assert "Retningslinjer og verktøy for oppfølging" in reply.messages[1].text  # the guide's school_contacts rule
    assert f"{parents['mother'].full_name}: 400 00 000" in reply.text
    buttons = reply.messages[-1].buttons
    assert [b.payload for b in buttons] == [
        f'/log_contact{{"pupil":"Eirik Berg","guardian":"{p.full_name}","contact_kind":"phone"}}'
        for p in sorted(parents.values(), key=lambda p: p.id)]
    [stored] = records(demo_engine, eirik, on=TODAY)
    assert (stored.kind, stored.announced_by_home, stored.channel) == (AbsenceKind.DAY, False, Channel.CHAT)
    with session_scope(demo_engine) as s:
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.record_id == stored.id)) == AuditAction.CREATE

    again = register(demo_engine, "Eirik")
    assert again.messages[0].text == "Eirik was already registered absent today. The home has not reported the absence."
    assert len(records(demo_engine, eirik, on=TODAY)) == 1


def test_the_guardians_of_a_pupil_of_18_are_not_offered_as_the_home(demo_engine):
    # Parental responsibility ends at 18 (access.guardian_acts_for): no parent's phone or call button.
    jonas = pupil_id(demo_engine, "Jonas", "Aune")
    parents = guardians(demo_engine, jonas)
    assert parents  # the demo registers them with parental responsibility all the same
    reply = register(demo_engine, "Jonas", sender="demo-teacher-trondelag")
    assert reply.messages[0].text.startswith("Jonas is registered absent today.")
    assert not [b for m in reply.messages for b in m.buttons if "guardian" in b.payload]
    assert all(p.full_name not in reply.text for p in parents.values())
    logged = log(demo_engine, "Jonas", "ringte mora til Jonas, fikk svar", sender="demo-teacher-trondelag")
    assert "Which guardian" not in logged.text
    assert all(c.guardian_id is None for c in contacts(demo_engine, jonas))


def test_registering_a_pupil_the_home_has_reported(demo_engine):
    with session_scope(demo_engine) as s:
        first_day.store(s, asker("demo-parent"), "Ida Hansen", [TODAY.isoformat()], "whole_day", "sick")
    assert register(demo_engine, "Ida Hansen").text == \
        "Ida is registered absent today. The home has reported it (reason: sick)."


def test_a_first_day_contact_today_counts_as_reported(demo_engine):
    # The home said the child comes later: no day record of the home's, but its first-day contact today.
    with session_scope(demo_engine) as s:
        first_day.store(s, asker("demo-parent"), "Ida Hansen", [TODAY.isoformat()], "arrives_late", "leave")
    assert register(demo_engine, "Ida Hansen").text == \
        "Ida is registered absent today. The home has reported it (reason: no reason given)."


def test_a_first_day_contact_from_yesterday_does_not_count(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    late_yesterday = datetime.combine(TODAY, time(0), tzinfo=OSLO) - timedelta(minutes=5)
    with session_scope(demo_engine) as s:
        first_day.store(s, Asker("demo-parent", "en", TODAY - timedelta(days=1)), "Ida Hansen",
                        [TODAY.isoformat()], "arrives_late", "leave")
        s.flush()
        s.scalars(select(Contact).where(Contact.pupil_id == ida)).one().at = late_yesterday.astimezone(timezone.utc)
    assert "The home has not reported the absence." in register(demo_engine, "Ida Hansen").text


def test_only_staff_of_the_pupils_class_register(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    before = len(records(demo_engine, ida))
    for sender in ("demo-teacher-6b", "demo-teacher-alvoen", "demo-parent", "demo-parent-noresp"):
        assert "registered absent" not in register(demo_engine, "Ida Hansen", sender).text, sender
    assert len(records(demo_engine, ida)) == before


def test_a_guardian_name_with_a_quotation_mark_stays_one_value_in_the_call_button(demo_engine):
    eirik = pupil_id(demo_engine, "Eirik", "Berg")
    mother = guardians(demo_engine, eirik)["mother"]
    with session_scope(demo_engine) as s:
        s.get(Person, mother.id).given_name = 'Anne "Nina"'
    buttons = register(demo_engine, "Eirik").messages[-1].buttons
    payload = json.loads(buttons[0].payload.removeprefix("/log_contact"))
    assert payload == {"pupil": "Eirik Berg", "guardian": f'Anne "Nina" {mother.family_name}', "contact_kind": "phone"}
    assert buttons[0].title == 'Log a call to Anne "Nina"'


def test_an_unanswered_call_to_the_mother_is_logged(demo_engine):
    eirik = pupil_id(demo_engine, "Eirik", "Berg")
    mother = guardians(demo_engine, eirik)["mother"]
    reply = log(demo_engine, "Eirik", "jeg ringte mora til Eirik i dag, fikk ikke svar", guardian_hint="mora")
    # A call "i dag" is the asker's day (the machine's clock says another day: it was dated that one).
    assert reply.messages[0].text == f"Logged: phone call with {mother.full_name} about Eirik, Monday 23 November, " \
                                     "not reached."
    assert reply.messages[-1].text == "Try again later today; the guide expects the school to reach the home."
    [contact] = contacts(demo_engine, eirik)
    teacher_id = contact.staff_id
    assert (contact.guardian_id, contact.method, contact.initiated_by, contact.reached, contact.registered_by_id,
            contact.channel) == (mother.id, ContactMethod.PHONE, Initiator.SCHOOL, False, teacher_id, Channel.CHAT)
    assert teacher_id is not None
    with session_scope(demo_engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.what == "contact")).one()
        assert (entry.action, entry.record_id, entry.actor_id) == (AuditAction.CREATE, contact.id, teacher_id)


def test_a_call_from_the_home_yesterday_that_reached_them(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    reply = log(demo_engine, "Ida Hansen", "Kari ringte meg i går, snakket med henne", guardian_hint="Kari",
                date_text="i går")
    assert reply.messages[0].text == "Logged: phone call with Kari Hansen about Ida, Sunday 22 November, reached."
    assert reply.messages[1].text.startswith("Next step: ")
    [contact] = contacts(demo_engine, ida)
    assert contact.initiated_by == Initiator.HOME and contact.reached is True
    at = contact.at if contact.at.tzinfo else contact.at.replace(tzinfo=timezone.utc)  # SQLite keeps no zone
    assert at == datetime.combine(TODAY - timedelta(days=1), time(12), tzinfo=OSLO)


def test_which_guardian_and_whether_they_were_reached_are_asked_with_buttons(demo_engine):
    eirik = pupil_id(demo_engine, "Eirik", "Berg")
    parents = sorted(guardians(demo_engine, eirik).values(), key=lambda p: p.id)
    which = log(demo_engine, "Eirik", "jeg ringte hjem til Eirik, fikk ikke svar")
    assert which.text == "Which guardian did you contact?"
    assert [(b.title, b.payload) for b in which.messages[0].buttons] == [
        (p.full_name, f'/log_contact{{"pupil":"Eirik Berg","contact_kind":"phone","guardian":"{p.full_name}",'
                      f'"reached":"no"}}') for p in parents]
    reached = log(demo_engine, "Eirik", "hadde møte med mora", guardian_hint="mor", contact_kind="meeting")
    assert reached.text == "Did you reach them?"
    known = f'"pupil":"Eirik Berg","contact_kind":"meeting","guardian":"{parents[0].full_name}"'
    assert [(b.title, b.payload) for b in reached.messages[0].buttons] == [
        ("Yes", f'/log_contact{{{known},"reached":"yes"}}'), ("No answer", f'/log_contact{{{known},"reached":"no"}}')]
    unsure = log(demo_engine, "Eirik", "jeg ringte hjem", guardian_hint="mor")
    assert unsure.text == "Did you reach them?"
    assert contacts(demo_engine, eirik) == []


def test_a_pupil_name_with_a_quotation_mark_stays_one_value_in_the_buttons(demo_engine):
    eirik = pupil_id(demo_engine, "Eirik", "Berg")
    with session_scope(demo_engine) as s:
        s.scalar(select(Person).where(Person.given_name == "Eirik")).given_name = 'Eirik "E"'
    which = log(demo_engine, 'Eirik "E" Berg', "ringte hjem, fikk ikke svar")
    pressed = [json.loads(b.payload.removeprefix("/log_contact")) for b in which.messages[0].buttons]
    assert {p["pupil"] for p in pressed} == {'Eirik "E" Berg'} and len(pressed) == 2
    assert contacts(demo_engine, eirik) == []


def test_a_pupil_with_one_guardian_needs_no_choice(demo_engine):
    eirik = pupil_id(demo_engine, "Eirik", "Berg")
    father = guardians(demo_engine, eirik)["father"]
    with session_scope(demo_engine) as s:
        s.scalars(select(Guardianship).where(Guardianship.pupil_id == eirik,
                                             Guardianship.guardian_id == father.id)).one() \
            .parental_responsibility = False
    reply = log(demo_engine, "Eirik", "sendte melding", contact_kind="message", reached="yes")
    assert reply.messages[0].text.startswith("Logged: message with ")
    assert father.full_name not in reply.messages[0].text


def test_only_staff_of_the_pupils_class_log_contacts(demo_engine):
    for sender in ("demo-teacher-6b", "demo-teacher-alvoen", "demo-parent", "never-linked"):
        assert "Logged" not in log(demo_engine, "Ida Hansen", "ringte, fikk ikke svar", sender, reached="no").text
    assert contacts(demo_engine, pupil_id(demo_engine, "Ida", "Hansen")) == []


def test_reached_is_read_from_the_words(demo_engine):
    assert contact_log.reached_from("Fikk ikke tak i far") is False
    assert contact_log.reached_from("snakket med mor") is True
    assert contact_log.reached_from("ringte") is None


def test_a_school_absence_record_is_not_the_homes_report(demo_engine):
    eirik = pupil_id(demo_engine, "Eirik", "Berg")
    with session_scope(demo_engine) as s:
        s.add(AbsenceRecord(pupil_id=eirik, on=TODAY, kind=AbsenceKind.DAY, channel=Channel.IMPORT,
                            reason=ReasonCategory.SICK))
    assert register(demo_engine, "Eirik").messages[0].text.startswith("Eirik was already registered absent today.")


# --- the deciding parts -------------------------------------------------------------------------


def test_registration_decides_whom_to_call(demo_engine):
    eirik = pupil_id(demo_engine, "Eirik", "Berg")
    parents = sorted(guardians(demo_engine, eirik).values(), key=lambda p: p.id)
    with session_scope(demo_engine) as s:
        registration = register_absent.decide_registration(s, asker(), "Eirik")
        again = register_absent.decide_registration(s, asker(), "Eirik")
        nobody = register_absent.decide_registration(s, asker("demo-teacher-6b"), "Eirik")
    assert (registration.name, registration.full_name, registration.created, registration.home_reported) == \
        ("Eirik", "Eirik Berg", True, False)
    assert [rule.kind for rule in registration.school_rules] == ["school_contacts"]
    assert registration.guardians == tuple(register_absent.GuardianToCall(p.full_name, p.given_name, p.phone)
                                           for p in parents)
    assert not again.created
    assert isinstance(nobody, NoPupil) and nobody.missing is Missing.MATCH


def test_logging_decides_what_is_still_to_ask(demo_engine):
    eirik = pupil_id(demo_engine, "Eirik", "Berg")
    parents = sorted(guardians(demo_engine, eirik).values(), key=lambda p: p.id)
    with session_scope(demo_engine) as s:
        which = contact_log.decide_log(s, asker(), "Eirik", "ringte hjem, snakket med dem")
        reached = contact_log.decide_log(s, asker(), "Eirik", "ringte far", guardian_hint="far")
        logged = contact_log.decide_log(s, asker(), "Eirik", "far ringte meg", guardian_hint="far", reached="yes",
                                        date_text="i går")
    assert which == contact_log.AskGuardian("Eirik Berg", ContactMethod.PHONE, tuple(p.full_name for p in parents),
                                            True)
    assert reached == contact_log.AskReached("Eirik Berg", ContactMethod.PHONE, parents[1].full_name)
    assert (logged.method, logged.guardian, logged.pupil, logged.day, logged.reached) == \
        (ContactMethod.PHONE, parents[1].full_name, "Eirik", TODAY - timedelta(days=1), True)
    [contact] = contacts(demo_engine, eirik)
    assert contact.initiated_by == Initiator.HOME and contact.guardian_id == parents[1].id
