"""A linked person asks how much absence a pupil has; the answer comes from the store."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from naervaer.absence import AbsenceKind
from naervaer.absence_summary import AbsenceSummary
from naervaer.access import Permission
from naervaer.conversations import absence_question
from naervaer.conversations.context import Asker
from naervaer.conversations.pupil_choice import find_pupil
from naervaer.db import session_scope
from naervaer.models import AbsenceRecord, AuditEntry, Channel, Person, Pupil
from tests.helpers import TODAY


def ask(engine, sender: str, name: str | None, lang: str = "nb", today=TODAY):
    with session_scope(engine) as session:
        return absence_question.answer(session, Asker(sender, lang, today), name)


def test_parent_gets_the_count_from_the_store(demo_engine):
    reply = ask(demo_engine, "demo-parent", "Ida")
    assert reply.text == "Siden 1. august har Ida hatt dette fraværet: 4 hele dager, 3 skoletimer og kom for sent 2 ganger."


def test_the_answer_follows_new_records(demo_engine):
    with session_scope(demo_engine) as session:
        ida = session.scalars(select(Pupil).join(Person, Person.id == Pupil.person_id)
                              .where(Person.given_name == "Ida", Person.family_name == "Hansen")).one()
        session.add(AbsenceRecord(pupil_id=ida.id, on=TODAY - timedelta(days=21), kind=AbsenceKind.DAY,
                                  channel=Channel.CHAT))
    assert "5 hele dager" in ask(demo_engine, "demo-parent", "ida").text


def test_one_child_needs_no_name_and_each_language_gets_its_own_words(demo_engine):
    assert ask(demo_engine, "demo-parent", None, "nn").text.startswith("Sidan 1. august har Ida hatt dette fråværet: 4 heile dagar")
    assert ask(demo_engine, "demo-parent", None, "en").text.startswith("Since 1 August, Ida has been absent 4 whole days")


def test_close_spelling_finds_the_child(demo_engine):
    assert "4 hele dager" in ask(demo_engine, "demo-parent", "idaa").text


def test_unlinked_sender_is_told_how_to_get_linked(demo_engine):
    text = ask(demo_engine, "someone-new", "Ida").text
    assert "vet ikke hvem du er" in text and "invitasjonskode" in text
    assert "Ida" not in text


def test_parent_without_parental_responsibility_sees_nothing(demo_engine):
    text = ask(demo_engine, "demo-parent-noresp", "Ida").text
    assert "finner ingen elev" in text
    assert "hele dager" not in text


def test_teacher_with_two_idas_gets_buttons_with_full_names(demo_engine):
    reply = ask(demo_engine, "demo-teacher", "Ida")
    assert [b.title for b in reply.messages[0].buttons] == ["Ida Hansen", "Ida Haugland"]
    assert "4 hele dager" in ask(demo_engine, "demo-teacher", "Ida Hansen").text


def test_teacher_of_another_school_cannot_see_the_pupil(demo_engine):
    assert "finner ingen elev" in ask(demo_engine, "demo-teacher-alvoen", "Ida Hansen").text


def test_every_answer_about_a_pupil_is_audited(demo_engine):
    ask(demo_engine, "demo-parent", "Ida")
    with session_scope(demo_engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.what == "absence_summary")) == 1


def test_no_absence_is_said_plainly(demo_engine):
    text = ask(demo_engine, "demo-parent", "Ida", today=TODAY - timedelta(days=200)).text
    assert text == "Ida har ikke registrert fravær siden 1. august."


def test_the_count_says_what_the_grant_let_it_see_and_is_worded_apart(demo_engine):
    with session_scope(demo_engine) as session:
        asker = Asker("demo-parent", "nb", TODAY)
        found = find_pupil(session, asker, "Ida", Permission.VIEW_ABSENCE, "ask_absence")
        count = absence_question.absence_count(session, found, TODAY)
    assert (count.first_name, count.subjects_only) == ("Ida", False)
    assert (count.summary.days, count.summary.hours, count.summary.late) == (4, 3, 2)
    assert absence_question.render(count, "en").text == \
        "Since 1 August, Ida has been absent 4 whole days, 3 lessons and late 2 times."


def test_a_subject_teacher_hears_of_hours_in_their_subjects_only():
    summary = AbsenceSummary(since=date(2026, 8, 1), until=TODAY, days=0, hours=3.5, late=0, left_early=0)
    count = absence_question.AbsenceCount("Ida", summary, subjects_only=True)
    assert absence_question.render(count, "nb").text == \
        "Siden 1. august har Ida hatt 3,5 skoletimer fravær i fagene dine."
