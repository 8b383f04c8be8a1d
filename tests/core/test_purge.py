"""Retention: what is past its time is deleted, and nothing else."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import create_engine, func, select, text

from naervaer.db import session_scope
from naervaer.identity import link_sender
from naervaer.models import ChatIdentity, FollowUpCase, InviteCode, Person, Pupil
from naervaer.purge import purge_store, purge_transcripts
from tests.helpers import TODAY


def test_purge_removes_links_of_people_who_left_and_old_closed_cases(demo_engine):
    with session_scope(demo_engine) as s:
        leaver = Person(given_name="Gone", family_name="Away", left_on=TODAY - timedelta(days=1))
        stayer = Person(given_name="Still", family_name="Here")
        s.add_all([leaver, stayer])
        s.flush()
        link_sender(s, "leaver", leaver)
        link_sender(s, "stayer", stayer)
        pupil = s.scalars(select(Pupil)).first()
        s.add_all([
            FollowUpCase(pupil_id=pupil.id, opened_on=date(2024, 1, 1), closed_on=TODAY - timedelta(days=400)),
            FollowUpCase(pupil_id=pupil.id, opened_on=date(2026, 1, 1), closed_on=TODAY - timedelta(days=10)),
            FollowUpCase(pupil_id=pupil.id, opened_on=date(2026, 9, 1)),
            InviteCode(code_hash="a" * 64, person_id=stayer.id, expires_at=datetime(2026, 1, 1, tzinfo=timezone.utc)),
            InviteCode(code_hash="b" * 64, person_id=stayer.id, expires_at=datetime(2026, 12, 1, tzinfo=timezone.utc)),
        ])
    with session_scope(demo_engine) as s:
        assert purge_store(s, TODAY, case_retention_days=365) == (1, 1, 1)
    with session_scope(demo_engine) as s:
        senders = set(s.scalars(select(ChatIdentity.sender_id)))
        assert "stayer" in senders and "leaver" not in senders and "demo-parent" in senders
        assert s.scalar(select(func.count()).select_from(FollowUpCase)) == 2
        assert s.scalar(select(func.count()).select_from(InviteCode)) == 1


def test_transcripts_older_than_the_retention_period_are_deleted(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    old = datetime(2026, 10, 1, tzinfo=timezone.utc).timestamp()
    new = datetime(2026, 11, 20, tzinfo=timezone.utc).timestamp()
    with engine.begin() as conn:  # the columns of Rasa's SQL tracker store that matter here
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                          "timestamp FLOAT, data TEXT)"))
        conn.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES "
                          "('a', 'user', :old, '{}'), ('a', 'bot', :old, '{}'), ('a', 'user', :new, '{}')"),
                     {"old": old, "new": new})
    assert purge_transcripts(url, TODAY, retention_days=30) == 2
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM events")).scalar() == 1


def test_no_tracker_store_yet_is_not_an_error(tmp_path):
    assert purge_transcripts(f"sqlite:///{tmp_path / 'none.db'}", TODAY) == 0
