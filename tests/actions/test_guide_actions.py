"""The guide, fallback, person and language actions as Rasa calls them: a Tracker in, messages and events out."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.guides import ActionGuideAnswer
from actions.smalltalk import ActionAskHuman, ActionChooseLanguage, ActionDefaultFallback, ActionSmallTalk
from naervaer.knowledge.units import load_knowledge
from tests.helpers import TODAY


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("NAERVAER_TODAY", TODAY.isoformat())


def tracker(sender: str, text: str, intent: str, entities: list[dict] | None = None, events: list[dict] | None = None,
            ranking: list[tuple[str, float]] | None = None, **slots) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities or []}
    if ranking:
        message["intent_ranking"] = [{"name": n, "confidence": c} for n, c in ranking]
    return Tracker(
        sender_id=sender,
        slots={"language": None, "last_language": None, "pupil": None, "guide": None, **slots},
        latest_message=message, events=events or [], paused=False, followup_action=None, active_loop={},
        latest_action_name="action_listen",
    )


def run(action, tr: Tracker) -> tuple[list[dict], list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tr, {}))
    return dispatcher.messages, events


def unit_of(key: str, index: int = 0):
    return load_knowledge(key).units[index]


def test_a_teacher_asking_the_guide_gets_their_guides_answer_and_source(demo_engine):
    unit = unit_of("jevnaker", 5)
    messages, events = run(ActionGuideAnswer(), tracker("demo-teacher", unit.asks[0], "ask_guide"))
    text = messages[0]["text"]
    assert unit.answer.nb in text and "(Kilde: Retningslinjer" in text
    assert SlotSet("last_language", "nb") in events
    assert SlotSet("guide_topic", unit.id) in events


def test_the_same_question_in_nynorsk_is_answered_in_nynorsk(demo_engine):
    unit = unit_of("tynset", 4)
    messages, _ = run(ActionGuideAnswer(), tracker("demo-teacher-tynset", unit.asks[0], "ask_guide", language="nn"))
    assert unit.answer.nn in messages[0]["text"] and "(Kjelde:" in messages[0]["text"]


def test_a_stranger_picks_a_guide_and_gets_the_answer_to_the_question_that_waited(demo_engine):
    unit = unit_of("aas", 7)
    messages, events = run(ActionGuideAnswer(), tracker("stranger", unit.asks[0], "ask_guide"))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert '/ask_guide{"guide":"aas"}' in payloads
    assert SlotSet("guide_question", unit.asks[0]) in events
    messages, events = run(ActionGuideAnswer(), tracker(
        "stranger", '/ask_guide{"guide":"aas"}', "ask_guide", [{"entity": "guide", "value": "aas"}],
        last_language="nb", guide_question=unit.asks[0]))
    assert unit.answer.nb in messages[0]["text"]
    assert SlotSet("guide", "aas") in events and SlotSet("guide_question", None) in events


def test_a_message_the_nlu_was_unsure_of_is_answered_from_the_guide_when_the_guide_answers_it(demo_engine):
    unit = unit_of("trondelag", 10)
    messages, _ = run(ActionDefaultFallback(), tracker("demo-teacher-trondelag", unit.asks[0], "nlu_fallback",
                                                       ranking=[("nlu_fallback", 0.5), ("greet", 0.2)]))
    assert unit.answer.nb in messages[0]["text"]


def test_fallback_asks_back_with_the_two_best_guesses_then_offers_a_person(demo_engine):
    ranking = [("nlu_fallback", 0.5), ("ask_guide", 0.3), ("ask_absence", 0.2), ("greet", 0.01)]
    messages, _ = run(ActionDefaultFallback(), tracker(
        "demo-parent", "hva med han derre greia", "nlu_fallback", ranking=ranking, language="nb"))
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/ask_guide", "/ask_absence", "/help"]
    again = [{"event": "user", "text": "hva med han derre greia"}, {"event": "action", "name": "action_default_fallback"},
             {"event": "bot", "text": "..."}, {"event": "action", "name": "action_listen"},
             {"event": "user", "text": "nei altså den greia"}]
    messages, _ = run(ActionDefaultFallback(), tracker(
        "demo-parent", "nei altså den greia", "nlu_fallback", events=again, ranking=ranking, language="nb"))
    text = messages[0]["text"]
    assert "Kontaktlæreren til Ida er Marte Lie, telefon" in text
    assert "Jevnaker demoskole: telefon 61 31 00 00." in text


def test_ask_human_gives_the_school_phone_to_staff(demo_engine):
    messages, _ = run(ActionAskHuman(), tracker("demo-teacher-aas", "i want to talk to a person", "ask_human"))
    assert messages[0]["text"].endswith("Ås demoskole: phone 64 96 00 00.")


def test_choosing_nynorsk_sets_the_language_slot_and_keeps_it_with_the_chat(demo_engine):
    messages, events = run(ActionChooseLanguage(), tracker(
        "demo-parent", "kan du svare på nynorsk", "choose_language", [{"entity": "language", "value": "nn"}]))
    assert SlotSet("language", "nn") in events
    assert messages[0]["text"] == "Greitt, no svarar eg på nynorsk."
    # A later conversation (no slots) answers in Nynorsk, whatever the message is written in.
    later, _ = run(ActionSmallTalk(), tracker("demo-parent", "tusen takk", "thank"))
    assert later[0]["text"] == "Berre hyggeleg!"


def test_an_anonymous_visitor_can_choose_a_language_too(demo_engine):
    _, events = run(ActionChooseLanguage(), tracker(
        "anyone", "polski", "choose_language", [{"entity": "language", "value": "pl"}]))
    assert SlotSet("language", "pl") in events  # kept in the conversation; there is no chat identity to keep it


def test_help_depends_on_the_role(demo_engine):
    parent, _ = run(ActionSmallTalk(), tracker("demo-parent", "hva kan du hjelpe med", "help"))
    teacher, _ = run(ActionSmallTalk(), tracker("demo-teacher", "hva kan du hjelpe med", "help"))
    assert "melde fravær første dag" in parent[0]["text"]
    assert "logge kontakt med hjemmet" in teacher[0]["text"]
    assert [b["title"] for b in teacher[0]["buttons"]] == [
        "Bokmål", "Nynorsk", "English", "Polski", "Lietuvių", "Українська", "العربية", "Soomaali", "ትግርኛ", "اردو"]


@pytest.mark.parametrize(("text", "previous", "expected"), [
    ("og på nivå 2?", "nb", "nb"),          # lingua leans nynorsk here; nothing in it says so
    ("og på nivå 2?", "nn", "nn"),
    ("kva gjer ppt?", "nb", "nn"),
    ("hva gjør ppt?", "nn", "nb"),
    ("i want to talk to a person", "nb", "en"),
    ("hvilke elever har bekymringsfullt fravær nå?", "nn", "nb"),
    ("kva gjer eg no med eirik", "nb", "nn"),
])
def test_the_message_language(text, previous, expected):
    from actions.turn import message_language

    assert message_language(text, previous) == expected


def test_a_father_without_parental_responsibility_gets_the_school_not_the_teacher(demo_engine):
    messages, _ = run(ActionAskHuman(), tracker("demo-parent-noresp", "kan jeg snakke med noen", "ask_human",
                                                language="nb"))
    assert "Jevnaker demoskole: telefon 61 31 00 00." in messages[0]["text"]
    assert "Marte Lie" not in messages[0]["text"]


def test_a_visitor_whose_guide_question_the_nlu_took_for_a_pupil_question_gets_the_guide(demo_engine):
    from actions.absence import ActionAnswerAbsence

    unit = unit_of("aas", 20)
    question = unit.asks[0].rstrip("?") + "?"
    messages, _ = run(ActionAnswerAbsence(), tracker("visitor", question, "ask_absence", guide="aas"))
    assert unit.answer.nb in messages[0]["text"] or "(Kilde: Nærvær og fravær" in messages[0]["text"]
    plain, _ = run(ActionAnswerAbsence(), tracker("visitor", "hvor mye fravær har Ida?", "ask_absence", guide="aas"))
    assert plain[0]["text"].startswith("Jeg vet ikke hvem du er ennå")  # still nothing about a pupil


def test_out_of_scope_that_the_guide_answers_clearly_is_answered_from_the_guide(demo_engine):
    unit = unit_of("tynset", 12)
    messages, _ = run(ActionSmallTalk(), tracker("demo-teacher-tynset", unit.asks[0].rstrip("?") + "?", "out_of_scope"))
    assert unit.answer.nb in messages[0]["text"]
    messages, _ = run(ActionSmallTalk(), tracker("demo-teacher-tynset", "hvem vinner valget?", "out_of_scope"))
    assert messages[0]["text"].startswith("Jeg kan bare hjelpe med skolefravær")
