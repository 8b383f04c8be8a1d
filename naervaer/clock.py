"""The school's clock: Norwegian time. NAERVAER_TODAY pins the date for demos and recordings (the hour runs
as usual); NAERVAER_NOW pins the moment itself (an ISO time, Oslo time when it names no offset), for
tests across midnight and the daylight-saving changes."""
from __future__ import annotations

import os
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def now() -> datetime:
    """Now, in Oslo, on the pinned clock when there is one."""
    pinned = os.environ.get("NAERVAER_NOW")
    if pinned:
        moment = datetime.fromisoformat(pinned)
        return moment.replace(tzinfo=OSLO) if moment.tzinfo is None else moment.astimezone(OSLO)
    real = datetime.now(OSLO)
    day = os.environ.get("NAERVAER_TODAY")
    return datetime.combine(date.fromisoformat(day), real.time(), tzinfo=OSLO) if day else real


def today() -> date:
    return now().date()


def now_utc() -> datetime:
    """Now as a moment to store (stored moments are UTC), on the same clock as `today`."""
    return now().astimezone(timezone.utc)


def day_of(moment: datetime) -> date:
    """The Oslo day of a stored moment (naive ones are UTC, as SQLite hands them back)."""
    return as_utc(moment).astimezone(OSLO).date()


def as_utc(moment: datetime) -> datetime:
    """A stored moment as an aware UTC time: SQLite hands back naive datetimes, and all are stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def start_of_day(day: date) -> datetime:
    """The moment `day` begins in Oslo, in UTC: stored times are UTC (SQLite keeps no zone to convert)."""
    return datetime.combine(day, time(0), tzinfo=OSLO).astimezone(timezone.utc)
