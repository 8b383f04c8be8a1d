"""The teacher's turns that make a file, as Rasa calls them: the status chart and the meeting invitation
are made once the store's transaction is closed (other turns never wait for the store meanwhile, and
no file is left for a booking that was rolled back), and the reply points at the file that is then there."""
from __future__ import annotations

import asyncio
from contextlib import contextmanager
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.staff as staff
from naervaer.charts import ChartRequest
from naervaer.invitations import Invitation
from tests.helpers import TODAY


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, tmp_path):
    monkeypatch.setenv("NAERVAER_TODAY", TODAY.isoformat())
    monkeypatch.setenv("NAERVAER_VAR_DIR", str(tmp_path))


@pytest.fixture
def sessions_open_at(monkeypatch):
    """Watch `cls.method`: how many store sessions were open each time it ran."""
    open_sessions: list[object] = []
    real_scope = staff.session_scope

    @contextmanager
    def watched_scope(*args, **kwargs):
        with real_scope(*args, **kwargs) as session:
            open_sessions.append(session)
            try:
                yield session
            finally:
                open_sessions.remove(session)

    monkeypatch.setattr(staff, "session_scope", watched_scope)

    def watch(cls, method: str) -> list[int]:
        seen: list[int] = []
        real = getattr(cls, method)

        def watched(self):
            seen.append(len(open_sessions))
            return real(self)

        monkeypatch.setattr(cls, method, watched)
        return seen

    return watch


def run(action, text: str, intent: str, entities: list[dict]) -> list[dict]:
    tracker = Tracker(
        sender_id="demo-teacher", slots={"language": None, "last_language": None, "pupil": None},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages


def test_the_status_chart_is_drawn_after_the_transaction(demo_engine, sessions_open_at):
    drawn_with = sessions_open_at(ChartRequest, "draw")
    messages = run(staff.ActionPupilStatus(), "hva nå med Ida Hansen?", "ask_pupil_status",
                   [{"entity": "pupil", "value": "Ida Hansen"}])
    assert drawn_with == [0]
    assert "Ida" in messages[0]["text"]
    [chart] = [m for m in messages if m["image"]]
    assert Path(chart["image"]).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert chart["custom"]["image_alt"].startswith("Diagram over fraværet til Ida")  # what it shows, in words
    assert messages[-1]["custom"] == {"lang": "nb"}  # the front end learns the reply's language


def test_the_invitation_is_written_after_the_booking_is_committed(demo_engine, sessions_open_at):
    written_with = sessions_open_at(Invitation, "write")
    messages = run(staff.ActionScheduleMeeting(), "sett opp nærværsmøte for Ida Hansen neste tirsdag kl 10",
                   "schedule_meeting", [{"entity": "pupil", "value": "Ida Hansen"},
                                        {"entity": "meeting_kind", "value": "nærværsmøte"},
                                        {"entity": "date", "value": "neste tirsdag"},
                                        {"entity": "time", "value": "kl 10"}])
    assert written_with == [0]
    assert messages[0]["text"].startswith("Satt opp: nærværsmøte for Ida, tirsdag 24. november kl. 10.00")
    [invitation] = [m for m in messages if m["attachment"]]
    assert invitation["text"] == "Kalenderinvitasjonen til møtet:"
    assert Path(invitation["attachment"]).read_bytes().startswith(b"BEGIN:VCALENDAR")
