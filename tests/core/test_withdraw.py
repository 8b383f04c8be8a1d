"""Withdrawing and changing a report: a child who is not the asker's is answered as such, nothing is withdrawn
without a confirmation naming the child and the days, and a forged payload changes nothing."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from naervaer.conversations import first_day
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from naervaer.identity import link_sender
from naervaer.models import AuditAction, AuditEntry, GuardianRelation, Guardianship, Person, Pupil
from naervaer.replies import Button
from tests.helpers import TODAY, pupil_id, records

TUESDAY = TODAY + timedelta(days=1)


def asker(sender: str = "demo-parent", lang: str = "en") -> Asker:
    return Asker(sender, lang, TODAY)


def report(engine, name: str, days: list, sender: str = "demo-parent") -> None:
    with session_scope(engine) as s:
        assert "Thank you" in first_day.store(s, asker(sender), name, [d.isoformat() for d in days], "whole_day",
                                              "sick").text


def withdraw(engine, pupil: str | None = None, text: str = "", day_text: str | None = None, confirmed: bool = False,
             sender: str = "demo-parent", step=first_day.withdraw):
    with session_scope(engine) as s:
        return step(s, asker(sender), pupil, text=text, day_text=day_text, confirmed=confirmed)


def press(engine, button: Button, sender: str = "demo-parent"):
    """A button press as the action hands it on: the payload's entities, confirmed."""
    intent, _, body = button.payload[1:].partition("{")
    entities = json.loads("{" + body) if body else {}
    step = {"cancel_report": first_day.withdraw, "change_report": first_day.change}[intent]
    return withdraw(engine, entities.get("pupil"), day_text=entities.get("date"), confirmed=True, sender=sender,
                    step=step)


def deletions(engine, pupil: int) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == AuditAction.DELETE, AuditEntry.pupil_id == pupil))


def test_withdrawing_the_report_of_a_child_who_is_not_the_askers_withdraws_nothing(demo_engine):
    """'Trekk tilbake meldingen om Tobias' from Ida's mother withdrew Ida's report."""
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    report(demo_engine, "Ida Hansen", [TODAY])
    for entity, text in ((None, "trekk tilbake meldingen om Tobias"),   # the NLU marked no name
                         ("Tobias", "trekk tilbake meldingen om Tobias"),  # it did
                         (None, "Tobias sin melding gjelder ikke lenger"),
                         (None, "please withdraw Eirik's report"),       # a child of another family in the class
                         ("Ida Haugland", "")):                          # the other Ida of the class, by full name
        reply = withdraw(demo_engine, entity, text=text)
        name = entity or ("Eirik" if "Eirik" in text else "Tobias")
        assert reply.text == f"{name} is not among the children you can report for. Nothing was withdrawn.", text
        assert not [b for m in reply.messages for b in m.buttons]
    assert len(records(demo_engine, ida, on=TODAY)) == 1 and deletions(demo_engine, ida) == 0


def test_nothing_is_withdrawn_without_a_confirmation_naming_the_child_and_the_days(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    report(demo_engine, "Ida Hansen", [TODAY, TUESDAY])
    for entity, text in ((None, "jeg vil trekke tilbake meldingen"), ("ida", "ida er frisk likevel"),
                         (None, "meldingen om tobias gjelder ikke"),  # a name in lower case is not guessed at...
                         (None, "/cancel_report")):
        asked = withdraw(demo_engine, entity, text=text)
        [message] = asked.messages  # ...the question names the child it would be for
        assert message.text == "Shall I withdraw the report for Ida for Monday 23 November and Tuesday 24 November?"
        assert [(b.title, b.payload) for b in message.buttons] == [
            ("Yes, withdraw", '/cancel_report{"pupil":"Ida Hansen","date":"2026-11-23,2026-11-24"}'), ("No", "/deny")]
    assert len(records(demo_engine, ida)) >= 2 and deletions(demo_engine, ida) == 0
    done = press(demo_engine, message.buttons[0])
    assert done.text == "The report for Ida for Monday 23 November and Tuesday 24 November is withdrawn."
    assert records(demo_engine, ida, on=TODAY) == records(demo_engine, ida, on=TUESDAY) == []
    assert deletions(demo_engine, ida) == 2
    assert press(demo_engine, message.buttons[0]).text == "I find no report from you today that can be withdrawn."


def test_the_days_typed_narrow_what_is_asked_and_the_confirmation_withdraws_only_those(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    report(demo_engine, "Ida Hansen", [TODAY, TUESDAY])
    asked = withdraw(demo_engine, None, text="fjern fraværet for i morgen", day_text="i morgen")
    assert asked.messages[0].text == "Shall I withdraw the report for Ida for Tuesday 24 November?"
    press(demo_engine, asked.messages[0].buttons[0])
    assert records(demo_engine, ida, on=TUESDAY) == [] and len(records(demo_engine, ida, on=TODAY)) == 1


def test_a_long_report_is_confirmed_as_its_first_to_its_last_day(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    days = [TODAY + timedelta(days=i) for i in (0, 1, 2, 3, 4, 7, 8)]
    report(demo_engine, "Ida Hansen", days)
    asked = withdraw(demo_engine, None, text="slett fraværsmeldingen")
    [yes, _no] = asked.messages[0].buttons
    assert asked.messages[0].text == "Shall I withdraw the report for Ida for Monday 23 November to Tuesday 1 December?"
    assert yes.payload == '/cancel_report{"pupil":"Ida Hansen","date":"2026-11-23..2026-12-01"}'
    assert len(yes.payload) < 100  # the actions keep at most 100 characters of an entity
    press(demo_engine, yes)
    assert [r for d in days for r in records(demo_engine, ida, on=d)] == []


def test_a_forged_confirmation_changes_nothing_it_may_not(demo_engine):
    ida, eirik = pupil_id(demo_engine, "Ida", "Hansen"), pupil_id(demo_engine, "Eirik", "Berg")
    with session_scope(demo_engine) as s:  # Eirik's mother, linked to a chat of her own
        mother = s.scalars(select(Person).join(Guardianship, Guardianship.guardian_id == Person.id).where(
            Guardianship.pupil_id == eirik, Guardianship.relation == GuardianRelation.MOTHER)).one()
        link_sender(s, "eirik-mother", mother)
    report(demo_engine, "Eirik Berg", [TODAY], sender="eirik-mother")
    report(demo_engine, "Ida Hansen", [TODAY])
    iso = TODAY.isoformat()
    # Ida's mother forges the "yes" for Eirik's report, and for the other Ida of the class.
    for pupil in ("Eirik Berg", "Ida Haugland"):
        reply = withdraw(demo_engine, pupil, day_text=iso, confirmed=True)
        assert reply.text == f"{pupil} is not among the children you can report for. Nothing was withdrawn."
    # Ida's father, without parental responsibility, forges the "yes" for Ida.
    assert withdraw(demo_engine, "Ida Hansen", day_text=iso, confirmed=True, sender="demo-parent-noresp").text == \
        "Ida Hansen is not among the children you can report for. Nothing was withdrawn."
    # Ida's teacher (who may register her absent) forges it: the home's report is not the teacher's to take back.
    assert withdraw(demo_engine, "Ida Hansen", day_text=iso, confirmed=True, sender="demo-teacher").text == \
        "I find no report from you today that can be withdrawn."
    # A stranger forges it.
    assert withdraw(demo_engine, "Ida Hansen", day_text=iso, confirmed=True, sender="never-linked").unknown_sender
    # Eirik's mother, for her own child but with days no report of hers holds: nothing.
    assert withdraw(demo_engine, "Eirik Berg", day_text="2026-11-20,2026-12-24", confirmed=True,
                    sender="eirik-mother").text == "I find no report from you today that can be withdrawn."
    # A "confirmation" without the child, or with days that are no dates, is a question.
    assert withdraw(demo_engine, None, day_text=iso, confirmed=True).text.startswith("Shall I withdraw")
    assert withdraw(demo_engine, "Ida Hansen", day_text="yes", confirmed=True).text.startswith("Shall I withdraw")
    assert len(records(demo_engine, eirik, on=TODAY)) == 1 and len(records(demo_engine, ida, on=TODAY)) == 1
    assert deletions(demo_engine, eirik) == deletions(demo_engine, ida) == 0


def test_two_children_with_reports_are_asked_about_one_at_a_time(demo_engine):
    ida, noah = pupil_id(demo_engine, "Ida", "Hansen"), pupil_id(demo_engine, "Noah", "Bakke")
    with session_scope(demo_engine) as s:
        kari = s.scalars(select(Person).where(Person.given_name == "Kari", Person.family_name == "Hansen")).one()
        s.add(Guardianship(pupil_id=noah, guardian_id=kari.id, parental_responsibility=True,
                           relation=GuardianRelation.MOTHER))
    report(demo_engine, "Ida Hansen", [TODAY])
    report(demo_engine, "Noah Bakke", [TUESDAY])
    asked = withdraw(demo_engine, None, text="slett meldingen")
    assert asked.messages[0].text == "Which child's report do you want to withdraw?"
    assert [(b.title, b.payload) for b in asked.messages[0].buttons] == [
        ("Ida", '/cancel_report{"pupil":"Ida Hansen"}'), ("Noah", '/cancel_report{"pupil":"Noah Bakke"}')]
    # Pressing a child's button is a question for that child, not yet a "yes".
    question = press(demo_engine, asked.messages[0].buttons[1])
    assert question.messages[0].text == "Shall I withdraw the report for Noah for Tuesday 24 November?"
    press(demo_engine, question.messages[0].buttons[0])
    assert records(demo_engine, noah, on=TUESDAY) == [] and len(records(demo_engine, ida, on=TODAY)) == 1
    # Named in the message, the child's question comes at once.
    assert withdraw(demo_engine, None, text="Ida er frisk likevel").messages[0].text == \
        "Shall I withdraw the report for Ida for Monday 23 November?"


def test_changing_withdraws_only_when_confirmed_and_then_asks_for_the_new_report(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    report(demo_engine, "Ida Hansen", [TODAY])
    # The days in a change are the new report's: they do not narrow what is withdrawn.
    asked = withdraw(demo_engine, "ida", text="ida er syk i morgen også", day_text="i morgen", step=first_day.change)
    [message] = asked.messages
    assert message.text == ("To change it, I withdraw the report for Ida for Monday 23 November, and you send the "
                            "new one. Shall I withdraw it?")
    assert message.buttons[0].payload == '/change_report{"pupil":"Ida Hansen","date":"2026-11-23"}'
    assert len(records(demo_engine, ida, on=TODAY)) == 1
    done = press(demo_engine, message.buttons[0])
    assert [m.text for m in done.messages] == [
        "The report for Ida for Monday 23 November is withdrawn.",
        "Tell me the new report, for example \"Ida er syk i dag og i morgen\"."]
    assert records(demo_engine, ida, on=TODAY) == []
    assert withdraw(demo_engine, "Tobias", step=first_day.change).text == \
        "Tobias is not among the children you can report for. Nothing was withdrawn."


def test_names_are_read_from_the_words_only_where_a_name_stands(demo_engine):
    with session_scope(demo_engine) as s:
        children = list(s.scalars(select(Pupil).where(Pupil.id == pupil_id(demo_engine, "Ida", "Hansen"))))
        cases = {
            "trekk tilbake meldingen om Tobias": "Tobias",
            "Trekk tilbake meldingen": None,
            "slett meldingen for i morgen": None,
            "withdraw the report for Tomorrow": None,
            "fjern fraværet for Fredag": None,
            "trekk tilbake fraværet til Emma": "Emma",
            "Tobias' melding skal bort": "Tobias",
            "slett meldingen, Tobias er frisk": "Tobias",
            "meldingen om Skolen": None,
            "ida er frisk likevel, meldingen om Tobias var feil": "Ida Hansen",
            "Jeg vil slette meldingen om henne": None,
        }
        assert {text: first_day.name_in(text, children, TODAY) for text in cases} == cases
