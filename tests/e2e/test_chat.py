"""Through the real Rasa server and the real action server, over the REST channel: no mocks on this path."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from naervaer.absence import AbsenceKind
from naervaer.db import session_scope
from naervaer.models import AbsenceRecord, AuditEntry, Person, Pupil

pytestmark = pytest.mark.e2e


def ida_day_count(engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(
            select(func.count(func.distinct(AbsenceRecord.on)))
            .join(Pupil, Pupil.id == AbsenceRecord.pupil_id).join(Person, Person.id == Pupil.person_id)
            .where(Person.given_name == "Ida", Person.family_name == "Hansen", AbsenceRecord.kind == AbsenceKind.DAY))


def test_parent_asks_how_much_absence_and_gets_the_count_from_the_store(stack):
    days = ida_day_count(stack.engine)
    reply = stack.chat.send("demo-parent", "Hvor mye fravær har Ida?")
    assert reply[0].text.startswith(f"Siden 1. august har Ida hatt dette fraværet: {days} hele dager")
    with session_scope(stack.engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.what == "absence_summary")) >= 1


def test_unknown_sender_is_told_it_is_not_linked(stack):
    reply = stack.chat.send("never-seen-before", "hvor mye fravær har ida")
    assert "vet ikke hvem du er" in reply[0].text
    assert "hele dager" not in reply[0].text


def test_nynorsk_question_gets_a_nynorsk_answer(stack):
    reply = stack.chat.send("demo-parent-nn", "kor mykje fråvær har ida")  # not linked: the answer says so, in nynorsk
    assert "Eg veit ikkje kven du er" in reply[0].text


def test_teacher_picks_one_of_two_idas_with_a_button(stack):
    reply = stack.chat.send("demo-teacher", "hvor mye fravær har ida?")
    titles = [b["title"] for b in reply[0].buttons]
    assert titles == ["Ida Hansen", "Ida Haugland"]
    chosen = stack.chat.send("demo-teacher", reply[0].buttons[1]["payload"])
    assert chosen[0].text.startswith("Siden 1. august har Ida hatt")


def test_typed_intent_syntax_cannot_reach_another_family(stack):
    reply = stack.chat.send("demo-parent", '/ask_absence{"pupil":"Ida Haugland"}')
    assert "finner ingen elev" in reply[0].text


def test_greeting_and_bot_question(stack):
    assert stack.chat.send("demo-parent", "hei")[0].text.startswith("Hei! Jeg er Nærvær")
    assert stack.chat.send("demo-parent", "are you a bot?")[0].text.startswith("I'm a chatbot")
