"""Each school's calendar: the Norwegian defaults, plus the school's own days off from an optional
YAML file (NAERVAER_CALENDARS), e.g.

    bergermoen:                  # school code
      holidays: [[2026-10-05, 2026-10-09]]
      days_off: [2026-11-13]     # planning day
"""
from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from naervaer.absence_summary import school_year_start
from naervaer.calendar import HolidayDefaults, SchoolCalendar


@lru_cache(maxsize=1)
def _local_config(path: str | None) -> dict:
    if not path:
        return {}
    return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=256)
def _calendar(school_code: str, autumn_year: int, config_path: str | None) -> SchoolCalendar:
    local = _local_config(config_path).get(school_code, {})
    years = [autumn_year, autumn_year + 1]
    defaults = HolidayDefaults()
    ranges = [(date.fromisoformat(str(a)), date.fromisoformat(str(b))) for a, b in local.get("holidays", [])]
    return SchoolCalendar(
        holiday_weeks=[*defaults.holiday_weeks(years), *defaults.holiday_ranges(years), *ranges],
        extra_days_off=[date.fromisoformat(str(d)) for d in local.get("days_off", [])],
    )


def calendar_for(school_code: str, on: date) -> SchoolCalendar:
    """The calendar of the school year containing `on` (cached: the engine asks per pupil)."""
    return _calendar(school_code, school_year_start(on).year, os.environ.get("NAERVAER_CALENDARS"))
