"""The teacher's status turn as Rasa calls it: the chart comes with the reply, drawn after the
store's transaction is closed, so other turns never wait for the store while it is drawn."""
from __future__ import annotations

import asyncio
from contextlib import contextmanager
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.staff as staff
from naervaer.charts import ChartRequest
from tests.helpers import TODAY


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, tmp_path):
    monkeypatch.setenv("NAERVAER_TODAY", TODAY.isoformat())
    monkeypatch.setenv("NAERVAER_VAR_DIR", str(tmp_path))


def test_the_status_chart_is_drawn_after_the_transaction(demo_engine, monkeypatch):
    open_sessions, drawn_with_open_sessions = [], []
    real_scope, real_draw = staff.session_scope, ChartRequest.draw

    @contextmanager
    def watched_scope(*args, **kwargs):
        with real_scope(*args, **kwargs) as session:
            open_sessions.append(session)
            try:
                yield session
            finally:
                open_sessions.remove(session)

    def watched_draw(self):
        drawn_with_open_sessions.append(len(open_sessions))
        return real_draw(self)

    monkeypatch.setattr(staff, "session_scope", watched_scope)
    monkeypatch.setattr(ChartRequest, "draw", watched_draw)
    tracker = Tracker(
        sender_id="demo-teacher", slots={"language": None, "last_language": None, "pupil": None},
        latest_message={"text": "hva nå med Ida Hansen?", "intent": {"name": "ask_pupil_status", "confidence": 0.99},
                        "entities": [{"entity": "pupil", "value": "Ida Hansen"}]},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(staff.ActionPupilStatus().run(dispatcher, tracker, {}))
    assert drawn_with_open_sessions == [0]
    assert "Ida" in dispatcher.messages[0]["text"]
    image = Path(dispatcher.messages[-1]["image"])
    assert image.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
