"""The guide, fallback, person and language actions as Rasa calls them: a Tracker in, messages and events out."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.guides import ActionGuideAgency, ActionGuideLevel, ActionGuideSevenH, ActionGuideWhenWorry
from actions.smalltalk import ActionAskHuman, ActionChooseLanguage, ActionDefaultFallback, ActionSmallTalk
from naervaer.guides import load_guide
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


def role(key: str, agency: str, lang: str) -> str:
    return next(a for a in load_guide(key).agencies if a.key == agency).role.get(lang)


def test_a_jevnaker_teacher_asking_about_ppt_gets_jevnakers_text_and_source(demo_engine):
    messages, events = run(ActionGuideAgency(), tracker(
        "demo-teacher", "hva gjør ppt?", "ask_agency", [{"entity": "agency", "value": "ppt"}]))
    text = messages[0]["text"]
    assert role("jevnaker", "ppt", "nb") in text
    assert text.rstrip().endswith("«4.3. Evaluering»)") and "(Kilde: Retningslinjer" in text
    assert SlotSet("last_language", "nb") in events


def test_the_same_question_in_nynorsk_is_answered_in_nynorsk(demo_engine):
    messages, _ = run(ActionGuideAgency(), tracker(
        "demo-teacher", "kva gjer pp-tenesta eigentleg for eleven", "ask_agency",
        [{"entity": "agency", "value": "ppt"}]))
    assert role("jevnaker", "ppt", "nn") in messages[0]["text"]
    assert "(Kjelde:" in messages[0]["text"]


def test_each_teacher_gets_their_own_guide(demo_engine):
    for sender, key in (("demo-teacher-tynset", "tynset"), ("demo-teacher-trondelag", "trondelag")):
        messages, _ = run(ActionGuideWhenWorry(), tracker(sender, "when is absence worrying?", "ask_when_worry"))
        assert load_guide(key).thresholds[0].text.en in messages[0]["text"]


def test_a_stranger_gets_guide_buttons_and_the_choice_is_remembered(demo_engine):
    messages, events = run(ActionGuideSevenH(), tracker("stranger", "hva er de sju h-ene", "ask_seven_h"))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert '/ask_seven_h{"guide":"jevnaker"}' in payloads
    assert not any(e.get("name") == "guide" for e in events)
    messages, events = run(ActionGuideSevenH(), tracker(
        "stranger", '/ask_seven_h{"guide":"jevnaker"}', "ask_seven_h", [{"entity": "guide", "value": "jevnaker"}],
        last_language="nb"))
    assert "Hva skal jeg gjøre?" in messages[0]["text"]
    assert SlotSet("guide", "jevnaker") in events


def test_a_follow_up_level_uses_the_remembered_guide(demo_engine):
    messages, _ = run(ActionGuideLevel(), tracker(
        "stranger", "og på nivå 2?", "inform", [{"entity": "level", "value": "2"}], guide="aas"))
    assert "Nivå 2" in messages[0]["text"]


def test_fallback_asks_back_with_the_two_best_guesses_then_offers_a_person(demo_engine):
    ranking = [("nlu_fallback", 0.5), ("ask_agency", 0.3), ("ask_level", 0.2), ("greet", 0.01)]
    messages, _ = run(ActionDefaultFallback(), tracker(
        "demo-parent", "hva med han derre greia", "nlu_fallback", ranking=ranking, language="nb"))
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/ask_agency", "/ask_level", "/help"]
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


def test_choosing_nynorsk_sets_the_language_slot():
    messages, events = run(ActionChooseLanguage(), tracker(
        "anyone", "kan du svare på nynorsk", "choose_language", [{"entity": "language", "value": "nn"}]))
    assert SlotSet("language", "nn") in events
    assert messages[0]["text"] == "Greitt, no svarar eg på nynorsk."


def test_help_depends_on_the_role(demo_engine):
    parent, _ = run(ActionSmallTalk(), tracker("demo-parent", "hva kan du hjelpe med", "help"))
    teacher, _ = run(ActionSmallTalk(), tracker("demo-teacher", "hva kan du hjelpe med", "help"))
    assert "melde fravær første dag" in parent[0]["text"]
    assert "logge kontakt med hjemmet" in teacher[0]["text"]
    assert [b["title"] for b in teacher[0]["buttons"]] == ["Bokmål", "Nynorsk", "English"]


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
