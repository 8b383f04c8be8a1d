"""The first-day report from home, step by step: which child, which days, storing, withdrawing."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from naervaer import absence_store
from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.access import AccessDenied, grant_for
from naervaer.clock import OSLO
from naervaer.conversations import first_day
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from naervaer.identity import link_sender
from naervaer.models import AbsenceRecord, AuditAction, AuditEntry, Channel, Contact, ContactPurpose, Guardianship, \
    Initiator, Person, Pupil
from tests.helpers import TODAY, pupil_id, records


def asker(sender: str, lang: str = "en") -> Asker:
    return Asker(sender, lang, TODAY)


def person(session, given: str, family: str) -> Person:
    return session.scalars(select(Person).where(Person.given_name == given, Person.family_name == family)
                           .order_by(Person.id)).first()


def guardian_of(engine, given: str, family: str, sender: str) -> str:
    """Link `sender` to the mother (parental responsibility) of the pupil, and return the sender."""
    pupil = pupil_id(engine, given, family)
    with session_scope(engine) as s:
        mother = s.scalars(select(Person).join(Guardianship, Guardianship.guardian_id == Person.id)
                           .where(Guardianship.pupil_id == pupil,
                                  Guardianship.parental_responsibility.is_(True)).order_by(Person.id)).first()
        link_sender(s, sender, mother)
    return sender


def report(engine, sender: str, name: str, days: list, scope: str = "whole_day", reason: str = "sick",
           lang: str = "en"):
    with session_scope(engine) as s:
        return first_day.store(s, asker(sender, lang), name, [d.isoformat() for d in days], scope, reason)


def test_one_child_is_chosen_without_asking(demo_engine):
    with session_scope(demo_engine) as s:
        step = first_day.choose_child(s, asker("demo-parent"), None)
    assert (step.value, step.stop, step.reply.messages) == ("Ida Hansen", False, [])


def test_a_name_that_is_none_of_the_children_gets_the_children_as_buttons(demo_engine):
    with session_scope(demo_engine) as s:
        step = first_day.choose_child(s, asker("demo-parent"), "Sofie")
    assert step.value is None and not step.stop
    [message] = step.reply.messages
    assert message.text == "I can't find Sofie among the children you can report for. Which child is it?"
    assert [(b.title, b.payload) for b in message.buttons] == [("Ida", '/inform{"pupil":"Ida Hansen"}'),
                                                               ("Cancel", "/deny")]


def test_who_may_not_report_is_told_why(demo_engine):
    guardian_of(demo_engine, "Jonas", "Aune", "jonas-mother")
    with session_scope(demo_engine) as s:
        link_sender(s, "a-child", person(s, "Eirik", "Berg"))
    expected = {
        "jonas-mother": "Pupils who are 18 or over report their absence themselves.",
        "demo-parent-noresp": "Only a guardian with parental responsibility can report absence here.",
        "a-child": "You are not registered as someone who can report absence here.",
        "demo-teacher": "",  # staff report nothing here, but they may: the teacher's pupils are found
        "never-linked": "I don't know who you are yet",
    }
    for sender, start in expected.items():
        with session_scope(demo_engine) as s:
            step = first_day.choose_child(s, asker(sender), None)
        if sender == "demo-teacher":
            assert not step.stop and step.reply.text == "Which child is it?"
            continue
        assert step.stop and step.value is None and step.reply.text.startswith(start), sender


def test_an_adult_pupil_reports_for_themselves(demo_engine):
    with session_scope(demo_engine) as s:
        assert first_day.choose_child(s, asker("demo-pupil-adult"), None).value == "Jonas Aune"


def test_days_are_checked_against_the_limits_and_the_school_calendar(demo_engine):
    def days(text: str):
        with session_scope(demo_engine) as s:
            return first_day.choose_days(s, asker("demo-parent"), "Ida Hansen", text)

    assert days("i dag").value == [TODAY.isoformat()]
    assert days("på lørdag").reply.text.startswith("Saturday 28 November is not a school day")
    assert days("på lørdag").value is None
    week = days("fra mandag til søndag")  # today, a Monday, to Sunday: the weekend is left out
    assert week.value == [(TODAY + timedelta(days=i)).isoformat() for i in range(5)]
    assert "is not a school day, so I leave it out" in week.reply.text
    assert not days("blå").understood
    assert "more than a week ago" in days("2. november 2026").reply.text
    assert "more than two months ahead" in days("1. mars").reply.text
    with session_scope(demo_engine) as s:
        assert first_day.choose_days(s, asker("demo-parent-noresp"), "Ida Hansen", "i dag").stop


def test_the_day_buttons_say_days_the_date_reader_reads():
    """Every day button's words, whatever its title's language, are read as the days it names."""
    from naervaer.dates import parse_days

    for _title, words in first_day.DAY_BUTTONS:
        assert parse_days(words, TODAY), words
    assert parse_days("i dag og i morgen", TODAY) == [TODAY, TODAY + timedelta(days=1)]
    assert parse_days("resten av uka", TODAY)[-1].weekday() == 4  # Monday to Friday


def test_the_question_buttons_send_the_answers_as_entities():
    assert [b.payload for b in first_day.ask_days("en").messages[0].buttons] == \
        ['/inform{"date":"i dag"}', '/inform{"date":"i morgen"}', '/inform{"date":"i dag og i morgen"}',
         '/inform{"date":"resten av uka"}', "/deny"]
    assert [b.payload for b in first_day.ask_scope("en").messages[0].buttons] == \
        ['/inform{"absence_scope":"whole_day"}', '/inform{"absence_scope":"arrives_late"}',
         '/inform{"absence_scope":"leaves_early"}', "/deny"]
    assert [(b.title, b.payload) for b in first_day.ask_reason("en").messages[0].buttons] == [
        ("Sick", '/inform{"reason":"sick"}'), ("Doctor or dentist", '/inform{"reason":"medical_appointment"}'),
        ("Leave", '/inform{"reason":"leave"}'), ("Other", '/inform{"reason":"other"}'), ("Cancel", "/deny")]
    summary = first_day.summary(asker("x"), "Ida Hansen", [TODAY.isoformat()], "whole_day", "sick")
    assert summary.text == "Ida is away Monday 23 November, the whole day, reason: sick. Is that right?"
    assert [b.payload for b in summary.messages[0].buttons] == ["/affirm", "/deny"]


def test_a_name_with_a_quotation_mark_stays_one_value_in_the_button(demo_engine):
    noah = pupil_id(demo_engine, "Noah", "Bakke")
    with session_scope(demo_engine) as s:
        kari = person(s, "Kari", "Hansen")
        other = s.get(Pupil, noah)
        other.person.given_name = 'Noah "Nono"'
        s.add(Guardianship(pupil_id=other.id, guardian_id=kari.id, parental_responsibility=True))
    with session_scope(demo_engine) as s:
        step = first_day.choose_child(s, asker("demo-parent"), None)
    buttons = step.reply.messages[0].buttons
    pressed = {b.title: json.loads(b.payload.removeprefix("/inform")) for b in buttons if b.payload != "/deny"}
    assert pressed['Noah "Nono"'] == {"pupil": 'Noah "Nono" Bakke'}


def test_a_report_is_stored_once_with_a_first_day_contact_and_the_contact_teacher(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    reply = report(demo_engine, "demo-parent", "Ida Hansen", [TODAY], lang="nb")
    assert reply.messages[0].text == "Takk, skolen vet nå at Ida er borte mandag 23. november."
    assert reply.messages[-1].text == "Kontaktlæreren er Marte Lie, telefon 900 00 001."
    [stored] = records(demo_engine, ida, on=TODAY)
    assert (stored.kind, stored.announced_by_home, stored.reason, stored.channel) == \
        (AbsenceKind.DAY, True, ReasonCategory.SICK, Channel.CHAT)
    with session_scope(demo_engine) as s:
        kari = person(s, "Kari", "Hansen")
        contact = s.scalars(select(Contact).where(Contact.pupil_id == ida)).one()
        assert (contact.purpose, contact.initiated_by, contact.guardian_id, contact.registered_by_id) == \
            (ContactPurpose.FIRST_DAY, Initiator.HOME, kari.id, kari.id)
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.what == "absence_record", AuditEntry.action == AuditAction.CREATE)) == 1

    again = report(demo_engine, "demo-parent", "Ida Hansen", [TODAY])
    assert again.text == "That is already reported for Ida; nothing new was stored."
    assert len(records(demo_engine, ida, on=TODAY)) == 1
    with session_scope(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(Contact).where(Contact.pupil_id == ida)) == 1


def test_the_home_explains_what_the_school_registered_first(demo_engine):
    eirik = pupil_id(demo_engine, "Eirik", "Berg")
    with session_scope(demo_engine) as s:
        s.add(AbsenceRecord(pupil_id=eirik, on=TODAY, kind=AbsenceKind.DAY, channel=Channel.CHAT))
    sender = guardian_of(demo_engine, "Eirik", "Berg", "eirik-mother")
    reply = report(demo_engine, sender, "Eirik Berg", [TODAY], reason="medical_appointment")
    assert reply.text.startswith("Thank you, the school now knows that Eirik is away Monday 23 November.")
    [stored] = records(demo_engine, eirik, on=TODAY)
    assert stored.announced_by_home and stored.reason == ReasonCategory.MEDICAL_APPOINTMENT
    with session_scope(demo_engine) as s:
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.record_id == stored.id)) == AuditAction.UPDATE


def test_an_adult_pupils_own_report_names_no_guardian(demo_engine):
    report(demo_engine, "demo-pupil-adult", "Jonas Aune", [TODAY])
    with session_scope(demo_engine) as s:
        contact = s.scalars(select(Contact).where(Contact.pupil_id == pupil_id(demo_engine, "Jonas", "Aune"))).one()
        assert contact.guardian_id is None and contact.registered_by_id == person(s, "Jonas", "Aune").id


def test_a_long_report_is_told_the_guides_phone_rule(demo_engine):
    sender = guardian_of(demo_engine, "Emma", "Moen", "emma-mother")
    week = [TODAY + timedelta(days=i) for i in range(4)]
    text = report(demo_engine, sender, "Emma Moen", week).text
    assert "This report covers more than 3 days, so: If the absence lasts more than three days" in text
    assert "The contact teacher is Knut Haugen, phone 920 00 021." in text
    short = report(demo_engine, sender, "Emma Moen", [TODAY + timedelta(days=7)]).text
    assert "more than 3 days" not in short and "If the absence lasts more than three days" in short


def test_storing_checks_access_again(demo_engine):
    reply = report(demo_engine, "demo-parent-noresp", "Ida Hansen", [TODAY])
    assert reply.text == "I couldn't store the report: you can't report absence for this pupil."
    assert records(demo_engine, pupil_id(demo_engine, "Ida", "Hansen"), on=TODAY) == []


def confirm(session, sender: str, question) -> object:
    """Press the question's "yes": its payload's child and days, confirmed."""
    entities = json.loads("{" + question.messages[0].buttons[0].payload.partition("{")[2])
    return first_day.withdraw(session, asker(sender), entities["pupil"], day_text=entities["date"], confirmed=True)


def test_todays_reports_can_be_withdrawn_and_then_there_is_nothing_left(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    report(demo_engine, "demo-parent", "Ida Hansen", [TODAY, TODAY + timedelta(days=1)])
    with session_scope(demo_engine) as s:
        question = first_day.withdraw(s, asker("demo-parent"), None)
        assert question.text == "Shall I withdraw the report for Ida for Monday 23 November and Tuesday 24 November?"
        reply = confirm(s, "demo-parent", question)
    assert reply.text == "The report for Ida for Monday 23 November and Tuesday 24 November is withdrawn."
    assert records(demo_engine, ida, on=TODAY) == []
    with session_scope(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == AuditAction.DELETE, AuditEntry.pupil_id == ida)) == 2
        assert first_day.withdraw(s, asker("demo-parent"), None).text == \
            "I find no report from you today that can be withdrawn."


def test_only_the_named_child_and_the_own_reports_are_withdrawn(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    report(demo_engine, "demo-parent", "Ida Hansen", [TODAY])
    with session_scope(demo_engine) as s:
        assert first_day.withdraw(s, asker("demo-parent"), "Sofie").text == \
            "Sofie is not among the children you can report for. Nothing was withdrawn."
        assert first_day.withdraw(s, asker("demo-teacher"), None).text == \
            "I find no report from you today that can be withdrawn."
        assert first_day.withdraw(s, asker("never-linked"), None).unknown_sender
    assert len(records(demo_engine, ida, on=TODAY)) == 1


def test_change_withdraws_and_asks_for_the_new_report(demo_engine):
    report(demo_engine, "demo-parent", "Ida Hansen", [TODAY])
    with session_scope(demo_engine) as s:
        question = first_day.change(s, asker("demo-parent"), "Ida")
    assert question.text.startswith("To change it, I withdraw the report for Ida for Monday 23 November")
    assert len(records(demo_engine, pupil_id(demo_engine, "Ida", "Hansen"), on=TODAY)) == 1
    yes = json.loads("{" + question.messages[0].buttons[0].payload.partition("{")[2])
    with session_scope(demo_engine) as s:
        reply = first_day.change(s, asker("demo-parent"), yes["pupil"], day_text=yes["date"], confirmed=True)
    assert [m.text for m in reply.messages] == [
        "The report for Ida for Monday 23 November is withdrawn.",
        "Tell me the new report, for example \"Ida er syk i dag og i morgen\"."]


def test_health_details_point_to_the_contact_teacher(demo_engine):
    with session_scope(demo_engine) as s:
        reply = first_day.free_text_health(s, asker("demo-parent"))
        stranger = first_day.free_text_health(s, asker("never-linked"))
    assert reply.messages[1].text == "Ida's contact teacher is Marte Lie, phone 900 00 001."
    assert len(stranger.messages) == 1 and stranger.messages[0].text == reply.messages[0].text


# --- the deciding parts -------------------------------------------------------------------------


def test_refusals_say_which_part_of_the_guardian_rule_is_missing(demo_engine):
    guardian_of(demo_engine, "Jonas", "Aune", "jonas-mother")
    jonas = pupil_id(demo_engine, "Jonas", "Aune")
    with session_scope(demo_engine) as s:
        link_sender(s, "a-child", person(s, "Eirik", "Berg"))
    with session_scope(demo_engine) as s:
        assert {sender: first_day.decide_child(s, asker(sender), None).refused for sender in
                ("jonas-mother", "demo-parent-noresp", "a-child", "never-linked", "demo-parent")} == {
            "jonas-mother": first_day.Refusal.ADULT_PUPIL, "demo-parent-noresp": first_day.Refusal.NO_RESPONSIBILITY,
            "a-child": first_day.Refusal.NOT_REGISTERED, "never-linked": first_day.Refusal.UNKNOWN_SENDER,
            "demo-parent": None}
        # The day before Jonas turned 18 his mother still acted for him.
        born = s.get(Pupil, jonas).birth_date
        eve = Asker("jonas-mother", "en", born.replace(year=born.year + 18) - timedelta(days=1))
        assert first_day.decide_child(s, eve, None).chosen == "Jonas Aune"


def test_days_are_decided_as_school_days_and_skipped_days(demo_engine):
    with session_scope(demo_engine) as s:
        week = first_day.decide_days(s, asker("demo-parent"), "Ida Hansen", "fra fredag til mandag")
        weekend = first_day.decide_days(s, asker("demo-parent"), "Ida Hansen", "på lørdag")
    friday = TODAY + timedelta(days=4)
    assert week == first_day.DayChoice(school_days=(friday, friday + timedelta(days=3)),
                                       skipped=(friday + timedelta(days=1), friday + timedelta(days=2)))
    assert weekend.problem is first_day.DaysProblem.NO_SCHOOL_DAY and weekend.skipped == (friday + timedelta(days=1),)


def test_storing_decides_what_the_guide_expects(demo_engine):
    sender = guardian_of(demo_engine, "Emma", "Moen", "emma-mother")
    with session_scope(demo_engine) as s:
        four_days = [(TODAY + timedelta(days=i)).isoformat() for i in range(4)]
        stored = first_day.decide_store(s, asker(sender), "Emma Moen", four_days, "whole_day", "sick")
    assert (stored.allowed, stored.name, stored.anything_new, len(stored.days)) == (True, "Emma", True, 4)
    [phone] = stored.expectations.phone_rules
    assert phone.rule.days == 3 and phone.longer_than_its_days
    assert stored.expectations.teacher == first_day.ContactTeacher("Emma", "Knut Haugen", "920 00 021")
    with session_scope(demo_engine) as s:  # the first-day contact is audited like the records
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.what == "contact")) == 1


def test_a_report_can_be_withdrawn_from_midnight_in_oslo(demo_engine):
    """Reports made since the Oslo day began count as today's; one made late the evening before does not."""
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    midnight = datetime.combine(TODAY, time(0), tzinfo=OSLO)
    with session_scope(demo_engine) as s:
        kari = person(s, "Kari", "Hansen")
        half_hour = timedelta(minutes=30)
        for on, made in ((TODAY, midnight + half_hour), (TODAY + timedelta(days=1), midnight - half_hour)):
            s.add(AbsenceRecord(pupil_id=ida, on=on, kind=AbsenceKind.DAY, channel=Channel.CHAT, announced_by_home=True,
                                registered_by_id=kari.id, created_at=made.astimezone(timezone.utc)))
    with session_scope(demo_engine) as s:
        ida_child = first_day.Child("Ida", "Ida Hansen")
        assert first_day.decide_withdraw(s, asker("demo-parent"), None) == first_day.Withdrawal(
            child=ida_child, days=(TODAY,))  # asked about, not yet withdrawn
        assert first_day.decide_withdraw(s, asker("demo-parent"), "Ida Hansen", day_text=TODAY.isoformat(),
                                         confirmed=True) == first_day.Withdrawal(child=ida_child, days=(TODAY,),
                                                                                  done=True)
    assert [r.on for r in records(demo_engine, ida, channel=Channel.CHAT)] == [TODAY + timedelta(days=1)]


def test_a_grant_withdraws_only_its_own_pupils_records(demo_engine):
    report(demo_engine, "demo-parent", "Ida Hansen", [TODAY])
    ida, eirik = pupil_id(demo_engine, "Ida", "Hansen"), pupil_id(demo_engine, "Eirik", "Berg")
    with session_scope(demo_engine) as s:
        kari = person(s, "Kari", "Hansen")
        s.add(AbsenceRecord(pupil_id=eirik, on=TODAY, kind=AbsenceKind.DAY, channel=Channel.CHAT,
                            registered_by_id=kari.id))
        s.flush()
        grant = grant_for(s, kari, s.get(Pupil, ida), TODAY)
        assert [r.pupil_id for r in absence_store.withdrawable(s, grant, TODAY)] == [ida]
        with pytest.raises(AccessDenied):
            absence_store.withdraw(s, grant, list(s.scalars(select(AbsenceRecord)
                                                            .where(AbsenceRecord.pupil_id == eirik))))
