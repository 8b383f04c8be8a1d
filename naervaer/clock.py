"""The school's clock: Norwegian time. NAERVAER_TODAY pins the date for demos and recordings."""
from __future__ import annotations

import os
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def now() -> datetime:
    return datetime.now(OSLO)


def today() -> date:
    pinned = os.environ.get("NAERVAER_TODAY")
    return date.fromisoformat(pinned) if pinned else now().date()


def as_utc(moment: datetime) -> datetime:
    """A stored moment as an aware UTC time: SQLite hands back naive datetimes, and all are stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def start_of_day(day: date) -> datetime:
    """The moment `day` begins in Oslo, in UTC: stored times are UTC (SQLite keeps no zone to convert)."""
    return datetime.combine(day, time(0), tzinfo=OSLO).astimezone(timezone.utc)
