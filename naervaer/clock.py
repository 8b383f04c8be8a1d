"""The school's clock: Norwegian time. NAERVAER_TODAY pins the date for demos and recordings."""
from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def now() -> datetime:
    return datetime.now(OSLO)


def today() -> date:
    pinned = os.environ.get("NAERVAER_TODAY")
    return date.fromisoformat(pinned) if pinned else now().date()
