"""The teacher's booking turn as Rasa calls it: the calendar invitation is written once the booking's
transaction is committed, and the reply names the file that is then there."""
from __future__ import annotations

import asyncio
from contextlib import contextmanager
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.staff as staff
from naervaer.invitations import Invitation
from tests.helpers import TODAY


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, tmp_path):
    monkeypatch.setenv("NAERVAER_TODAY", TODAY.isoformat())
    monkeypatch.setenv("NAERVAER_VAR_DIR", str(tmp_path))


def test_the_invitation_is_written_after_the_transaction(demo_engine, monkeypatch):
    open_sessions, written_with_open_sessions = [], []
    real_scope, real_write = staff.session_scope, Invitation.write

    @contextmanager
    def watched_scope(*args, **kwargs):
        with real_scope(*args, **kwargs) as session:
            open_sessions.append(session)
            try:
                yield session
            finally:
                open_sessions.remove(session)

    def watched_write(self):
        written_with_open_sessions.append(len(open_sessions))
        return real_write(self)

    monkeypatch.setattr(staff, "session_scope", watched_scope)
    monkeypatch.setattr(Invitation, "write", watched_write)
    tracker = Tracker(
        sender_id="demo-teacher", slots={"language": None, "last_language": None, "pupil": None},
        latest_message={"text": "sett opp nærværsmøte for Ida Hansen neste tirsdag kl 10",
                        "intent": {"name": "schedule_meeting", "confidence": 0.99},
                        "entities": [{"entity": "pupil", "value": "Ida Hansen"},
                                     {"entity": "meeting_kind", "value": "nærværsmøte"},
                                     {"entity": "date", "value": "neste tirsdag"},
                                     {"entity": "time", "value": "kl 10"}]},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(staff.ActionScheduleMeeting().run(dispatcher, tracker, {}))
    assert written_with_open_sessions == [0]
    assert dispatcher.messages[0]["text"].startswith("Satt opp: nærværsmøte for Ida, tirsdag 24. november kl. 10.00")
    [invitation] = [m["text"] for m in dispatcher.messages if m["text"].startswith("Kalenderinvitasjon: ")]
    assert Path(invitation.removeprefix("Kalenderinvitasjon: ")).read_bytes().startswith(b"BEGIN:VCALENDAR")
