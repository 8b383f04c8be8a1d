"""The withdraw and change actions as Rasa calls them: a typed message asks, only the question's button withdraws."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.report_absence import ActionCancelReport, ActionChangeReport
from naervaer.conversations import first_day
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from tests.helpers import TODAY, pupil_id, records


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("NAERVAER_TODAY", TODAY.isoformat())
    monkeypatch.delenv("NAERVAER_NOW", raising=False)


def send(action, text: str, intent: str, entities: dict | None = None, sender: str = "demo-parent"):
    tracker = Tracker(
        sender_id=sender, slots={"language": "en", "last_language": "en", "pupil": (entities or {}).get("pupil")},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.99},
                        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()]},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_a_typed_withdrawal_asks_and_the_button_withdraws(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    with session_scope(demo_engine) as s:
        first_day.store(s, Asker("demo-parent", "en", TODAY), "Ida Hansen", [TODAY.isoformat()], "whole_day", "sick")
    messages, events = send(ActionCancelReport(), "trekk tilbake meldingen om Tobias", "cancel_report")
    assert messages[0]["text"] == "Tobias is not among the children you can report for. Nothing was withdrawn."
    # Typed words that look like a confirmation are still a question.
    messages, events = send(ActionCancelReport(), "ida er frisk likevel i dag", "cancel_report",
                            {"pupil": "Ida Hansen", "date": TODAY.isoformat()})
    assert messages[0]["text"] == "Shall I withdraw the report for Ida for Monday 23 November?"
    assert SlotSet("pupil", None) in events  # the name asked about is no answer to the next report
    assert len(records(demo_engine, ida, on=TODAY)) == 1
    payload = messages[0]["buttons"][0]["payload"]
    messages, _ = send(ActionCancelReport(), payload, "cancel_report", {"pupil": "Ida Hansen", "date": "2026-11-23"})
    assert messages[0]["text"] == "The report for Ida for Monday 23 November is withdrawn."
    assert records(demo_engine, ida, on=TODAY) == []


def test_a_change_asks_before_it_withdraws(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    with session_scope(demo_engine) as s:
        first_day.store(s, Asker("demo-parent", "en", TODAY), "Ida Hansen", [TODAY.isoformat()], "whole_day", "sick")
    messages, _ = send(ActionChangeReport(), "ida er fortsatt syk", "change_report", {"pupil": "ida"})
    assert messages[0]["text"].startswith("To change it, I withdraw the report for Ida for Monday 23 November")
    assert len(records(demo_engine, ida, on=TODAY)) == 1
