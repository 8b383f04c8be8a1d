"""The custom actions as Rasa calls them: a Tracker in, messages and events out."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.absence import ActionAnswerAbsence
from actions.smalltalk import ActionDefaultFallback, ActionSmallTalk
from tests.helpers import TODAY


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("NAERVAER_TODAY", TODAY.isoformat())


def tracker(sender: str, text: str, intent: str, entities: list[dict] | None = None, **slots) -> Tracker:
    return Tracker(
        sender_id=sender,
        slots={"language": None, "last_language": None, "pupil": None, **slots},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities or []},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )


def run(action, tr: Tracker) -> tuple[list[dict], list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tr, {}))
    return dispatcher.messages, events


def test_absence_action_answers_with_the_count_in_the_message_language(demo_engine):
    messages, events = run(ActionAnswerAbsence(), tracker(
        "demo-parent", "kor mykje fråvær har ida", "ask_absence", [{"entity": "pupil", "value": "ida"}]))
    assert messages[0]["text"].startswith("Sidan 1. august har Ida hatt dette fråværet: 4 heile dagar")
    assert SlotSet("last_language", "nn") in events


def test_chosen_language_wins_over_the_message(demo_engine):
    messages, _ = run(ActionAnswerAbsence(), tracker(
        "demo-parent", "hvor mye fravær har ida", "ask_absence", [{"entity": "pupil", "value": "ida"}],
        language="en"))
    assert messages[0]["text"].startswith("Since 1 August, Ida has been absent 4 whole days")


def test_buttons_are_rendered_for_two_candidates(demo_engine):
    messages, _ = run(ActionAnswerAbsence(), tracker(
        "demo-teacher", "hvor mye fravær har ida", "ask_absence", [{"entity": "pupil", "value": "Ida"}]))
    assert [b["title"] for b in messages[0]["buttons"]] == ["Ida Hansen", "Ida Haugland"]
    assert messages[0]["buttons"][0]["payload"] == '/ask_absence{"pupil":"Ida Hansen"}'


def test_forged_entity_in_intent_syntax_reaches_no_other_family(demo_engine):
    messages, _ = run(ActionAnswerAbsence(), tracker(
        "demo-parent", '/ask_absence{"pupil":"Ida Haugland"}', "ask_absence",
        [{"entity": "pupil", "value": "Ida Haugland"}], last_language="nb"))
    assert "finner ingen elev" in messages[0]["text"]


def test_unlinked_sender(demo_engine):
    messages, _ = run(ActionAnswerAbsence(), tracker("stranger", "how much absence does ida have", "ask_absence"))
    assert "I don't know who you are yet" in messages[0]["text"]


def test_an_unreachable_store_says_nothing_was_saved_not_silence(engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/nothing-listens-here")
    messages, _ = run(ActionAnswerAbsence(), tracker("demo-parent", "hvor mye fravær har ida", "ask_absence"))
    assert "får ikke kontakt med fraværsregisteret" in messages[0]["text"]
    assert "ingenting fra denne meldingen ble lagret" in messages[0]["text"]


def test_any_other_failure_gives_a_polite_message_not_silence(demo_engine, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("naervaer.conversations.absence_question.answer", broken)
    messages, _ = run(ActionAnswerAbsence(), tracker("demo-parent", "hvor mye fravær har ida", "ask_absence"))
    assert "noe gikk galt" in messages[0]["text"]


@pytest.mark.parametrize(("intent", "text", "expected"), [
    ("greet", "hei", "Hei! Jeg er Nærvær"),
    ("greet", "hello there", "Hi! I'm Nærvær"),
    ("bot_challenge", "er du ein robot eller eit menneske", "Eg er ein chatbot"),
])
def test_small_talk_in_each_language(intent, text, expected):
    messages, _ = run(ActionSmallTalk(), tracker("anyone", text, intent))
    assert messages[0]["text"].startswith(expected)


def test_fallback_is_polite_and_in_the_users_language(demo_engine):
    messages, _ = run(ActionDefaultFallback(), tracker("anyone", "what is the weather like tomorrow", "nlu_fallback"))
    assert messages[0]["text"].startswith("Sorry, I didn't understand that")
