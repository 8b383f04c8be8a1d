"""Deleting data past its retention time. Run daily by the operator (`naervaer purge`)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Engine, delete, inspect, select, text
from sqlalchemy.orm import Session

from naervaer.clock import start_of_day
from naervaer.db import make_engine
from naervaer.models import ChatIdentity, FollowUpCase, InviteCode, Person
from naervaer.web_sessions import purge_expired

CASE_RETENTION_DAYS = int(os.environ.get("NAERVAER_CASE_RETENTION_DAYS", "365"))
TRANSCRIPT_RETENTION_DAYS = int(os.environ.get("NAERVAER_TRANSCRIPT_RETENTION_DAYS", "30"))
INVITE_RETENTION_DAYS = 30


@dataclass(frozen=True)
class PurgeReport:
    chat_identities: int
    closed_cases: int
    invites: int
    transcript_events: int


def purge_store(session: Session, today: date, case_retention_days: int = CASE_RETENTION_DAYS) -> tuple[int, int, int]:
    left = select(Person.id).where(Person.left_on.is_not(None), Person.left_on <= today)
    identities = session.execute(delete(ChatIdentity).where(ChatIdentity.person_id.in_(left))).rowcount
    cases = session.execute(delete(FollowUpCase).where(
        FollowUpCase.closed_on.is_not(None),
        FollowUpCase.closed_on < today - timedelta(days=case_retention_days))).rowcount
    cutoff = datetime.combine(today - timedelta(days=INVITE_RETENTION_DAYS), time(), tzinfo=timezone.utc)
    invites = session.execute(delete(InviteCode).where(InviteCode.expires_at < cutoff)).rowcount
    # Web sessions expired by the start of `today` are ended (their sender ids unlinked); those ended over
    # INVITE_RETENTION_DAYS ago go. Not in the returned counts, which the CLI prints as they are.
    purge_expired(session, now=start_of_day(today), keep=timedelta(days=INVITE_RETENTION_DAYS))
    return identities, cases, invites


def tracker_engine(url: str) -> Engine:
    # Rasa writes SQLAlchemy 1.4 URLs for psycopg2; the app speaks psycopg 3.
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return make_engine(url)


def purge_transcripts(tracker_store_url: str, today: date,
                      retention_days: int = TRANSCRIPT_RETENTION_DAYS) -> int:
    """Delete chat transcript events older than the retention period from Rasa's SQL tracker store."""
    engine = tracker_engine(tracker_store_url)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        cutoff = datetime.combine(today - timedelta(days=retention_days), time(), tzinfo=timezone.utc).timestamp()
        with engine.begin() as conn:
            return conn.execute(text("DELETE FROM events WHERE timestamp < :cutoff"), {"cutoff": cutoff}).rowcount
    finally:
        engine.dispose()
