"""Answers about the guides: from the units of the asker's own guide, in the asker's language, with the
guide and section they come from; honest when the guide does not answer."""
from __future__ import annotations

import json

import pytest

from sqlalchemy import select

from naervaer.absence import SchoolLevel
from naervaer.conversations import context
from naervaer.conversations import guide_answers as ga
from naervaer.conversations.context import Asker, who_is_asking
from naervaer.db import session_scope
from naervaer.guides import GUIDE_KEYS, load_guide
from naervaer.identity import person_for_sender
from naervaer.knowledge.units import load_knowledge
from naervaer.models import GuardianRelation, Guardianship, Person, Pupil
from tests.helpers import TODAY
from tests.knowledge_cases import CASES

TEACHERS = {"jevnaker": "demo-teacher", "alvoen": "demo-teacher-alvoen", "tynset": "demo-teacher-tynset",
            "aas": "demo-teacher-aas", "trondelag": "demo-teacher-trondelag"}


def asker(sender: str, lang: str = "nb") -> Asker:
    return Asker(sender_id=sender, lang=lang, today=TODAY)


@pytest.mark.parametrize(("sender", "guide"), [
    ("demo-teacher", "jevnaker"), ("demo-teacher-alvoen", "alvoen"), ("demo-teacher-tynset", "tynset"),
    ("demo-teacher-aas", "aas"), ("demo-teacher-trondelag", "trondelag"), ("demo-parent", "jevnaker"),
    ("demo-pupil-adult", "trondelag"),
])
def test_the_guide_of_the_askers_school(demo_engine, sender, guide):
    with session_scope(demo_engine) as session:
        ctx = ga.guide_for(session, who_is_asking(session, asker(sender)), None)
        assert ctx.guide is not None and ctx.guide.key == guide
        assert not ctx.chosen


def test_a_parent_with_children_under_two_guides_picks_one_and_it_is_read_for_that_childs_level(demo_engine):
    with session_scope(demo_engine) as session:
        emma = session.scalar(select(Pupil).join(Person, Person.id == Pupil.person_id)
                              .where(Person.given_name == "Emma", Person.family_name == "Moen"))
        session.add(Guardianship(pupil_id=emma.id, guardian_id=person_for_sender(session, "demo-parent").id,
                                 parental_responsibility=True, relation=GuardianRelation.MOTHER))
    with session_scope(demo_engine) as session:
        parent = who_is_asking(session, asker("demo-parent"))
        assert ga.guide_for(session, parent, None).choices == ["jevnaker", "tynset"]
        assert ga.guide_for(session, parent, "aas").choices == ["jevnaker", "tynset"]  # not one of theirs
        chosen = ga.guide_for(session, parent, "tynset")
        assert chosen.guide.key == "tynset" and chosen.chosen
        assert chosen.levels == {SchoolLevel.UNGDOMSSKOLE}  # Emma's year 9, not Ida's year 6
        assert ga.guide_for(session, parent, "jevnaker").levels == {SchoolLevel.BARNESKOLE}


def test_a_turn_asks_who_is_asking_once(demo_engine, monkeypatch):
    lookups: list[str] = []

    def counted(session, sender_id):
        lookups.append(sender_id)
        return person_for_sender(session, sender_id)

    monkeypatch.setattr(context, "person_for_sender", counted)
    with session_scope(demo_engine) as session:
        ga.answer(session, asker("demo-parent"), "hva gjør ppt?", None)
        assert lookups == ["demo-parent"]
        ga.second_opinion(session, asker("demo-teacher"), "hva gjør ppt?", None)
        assert lookups == ["demo-parent", "demo-teacher"]


@pytest.mark.parametrize("key", GUIDE_KEYS)
@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_a_teacher_gets_the_unit_of_their_own_guide_in_their_language_with_its_source(demo_engine, key, lang):
    unit = load_knowledge(key).units[len(load_knowledge(key).units) // 2]
    # A guide with no demo school (a newly added one) is asked by a visitor who picked it.
    sender, chosen = (TEACHERS[key], None) if key in TEACHERS else ("stranger", key)
    with session_scope(demo_engine) as session:
        reply = ga.answer(session, asker(sender, lang), unit.asks[0], chosen)
    assert unit.answer.get(lang) in reply.text
    assert load_guide(key).title in reply.text and f"«{unit.sources[0].section}" in reply.text
    assert ("(Kilde:" if lang == "nb" else "(Kjelde:" if lang == "nn" else "(Source:") in reply.text
    assert reply.slots[ga.TOPIC_SLOT] in {u.id for u in load_knowledge(key).units}


def test_a_stranger_picks_a_municipality_and_the_question_waits_for_it(demo_engine):
    with session_scope(demo_engine) as session:
        reply = ga.answer(session, asker("stranger"), "hva gjør ppt?", None)
        buttons = reply.messages[0].buttons
        assert [b.title for b in buttons] == [ga.guide_label(load_guide(k)) for k in GUIDE_KEYS]
        assert json.loads(buttons[2].payload.removeprefix("/ask_guide")) == {"guide": GUIDE_KEYS[2]}
        assert reply.slots == {ga.QUESTION_SLOT: "hva gjør ppt?"}
        chosen = ga.answer(session, asker("stranger"), "hva gjør ppt?", "tynset")
        assert chosen.slots["guide"] == "tynset" and chosen.slots[ga.QUESTION_SLOT] is None
        assert load_guide("tynset").title in chosen.text


def test_a_linked_person_keeps_their_schools_guide_whatever_was_chosen(demo_engine):
    with session_scope(demo_engine) as session:
        reply = ga.answer(session, asker("demo-teacher-aas"), "hva gjør ppt?", "jevnaker")
        assert load_guide("aas").title in reply.text and load_guide("jevnaker").title not in reply.text
        assert "guide" not in reply.slots


def test_a_question_no_guide_answers_is_said_so_with_the_nearest_topics_and_the_school(demo_engine):
    with session_scope(demo_engine) as session:
        reply = ga.answer(session, asker("demo-teacher-tynset"), "hva blir det til lunsj i morgen?", None)
    assert reply.text.startswith("Jeg finner ikke noe svar på det i veilederen til Tynset kommune.")
    assert "kontaktlæreren eller skolen" in reply.text
    buttons = reply.messages[0].buttons
    assert buttons and all(b.payload.startswith('/ask_guide{"unit":"tynset_') for b in buttons)


def test_a_topic_button_answers_that_unit(demo_engine):
    unit = load_knowledge("alvoen").units[3]
    with session_scope(demo_engine) as session:
        reply = ga.answer(session, asker("demo-teacher-alvoen", "en"), f'/ask_guide{{"unit":"{unit.id}"}}', None,
                          unit_id=unit.id)
    assert reply.text.startswith(unit.answer.en)


def test_a_forged_unit_of_another_guide_is_not_answered_as_the_askers(demo_engine):
    other = load_knowledge("jevnaker").units[0]
    with session_scope(demo_engine) as session:
        reply = ga.answer(session, asker("demo-teacher-tynset"), f'/ask_guide{{"unit":"{other.id}"}}', None,
                          unit_id=other.id)
    assert reply.text.startswith("Jeg finner ikke noe svar på det i veilederen til Tynset kommune.")
    assert other.answer.nb not in reply.text and load_guide("jevnaker").title not in reply.text


@pytest.mark.parametrize(("key", "lang", "question", "facts"),
                         [(key, *case) for key, cases in CASES.items() for case in cases])
def test_questions_of_each_kind_get_the_facts_of_the_askers_guide(demo_engine, key, lang, question, facts):
    with session_scope(demo_engine) as session:
        reply = ga.answer(session, asker(TEACHERS[key], lang), question, None)
    text = reply.text.casefold()
    assert load_guide(key).title.casefold() in text, reply.text
    missing = [f for f in facts if f.casefold() not in text]
    assert not missing, f"{missing} not in: {reply.text}"


def test_what_only_another_guide_answers_is_given_labelled_with_that_guide_never_as_the_askers(demo_engine):
    with session_scope(demo_engine) as session:
        reply = ga.answer(session, asker("demo-teacher"), "hva er IVAS?", None)
    text = reply.text
    assert text.startswith("Jeg finner ikke noe svar på det i veilederen til Jevnaker kommune.")
    assert "Veilederen til Tynset kommune (ikke den skolen din følger) sier:" in text
    assert load_guide("tynset").title in text and load_guide("jevnaker").title not in text
    assert all(b.payload.startswith('/ask_guide{"unit":"jevnaker_') for b in reply.messages[0].buttons)


def test_a_parent_who_mentions_illness_is_offered_the_report_and_staff_are_not(demo_engine):
    question = "hun har vært syk i fire dager, må jeg gjøre noe mer?"
    with session_scope(demo_engine) as session:
        parent = ga.answer(session, asker("demo-parent"), question, None)
        teacher = ga.answer(session, asker("demo-teacher"), question, None)
    assert "/report_absence" in [b.payload for m in parent.messages for b in m.buttons]
    assert "/report_absence" not in [b.payload for m in teacher.messages for b in m.buttons]
