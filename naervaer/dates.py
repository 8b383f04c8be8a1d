"""Dates and times as people write them ("i dag", "fra mandag til onsdag", "neste tirsdag kl 10").

dateparser does the parsing (Norwegian and English); this module only cuts a message into the
parts dateparser understands (a range's two ends, a clock time) and fixes two readings it gets
wrong for our purpose (a bare weekday that is today, and "kl 10" read as the 10th)."""
from __future__ import annotations

import re
import warnings
from datetime import date, datetime, time, timedelta

import dateparser
from dateparser.search import search_dates

LANGUAGES = ["nb", "nn", "en"]
_WEEK_REST = re.compile(r"\b(resten av (uka|veka|uken|veke)|rest of the week|ut uka|ut veka|denne uka|denne veka|this week)\b")
_RANGE = re.compile(r"^(?:fra|frå|from)?\s*(?P<start>.+?)\s+(?:til og med|til|to|until|through|-|–)\s+(?P<end>.+)$")
_CLOCK = re.compile(r"\b(?:kl\.?|klokka|klokken|at)\s*(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?\b|\b(?P<h2>\d{1,2})[:](?P<m2>\d{2})\b")
_FILLER = re.compile(r"\b(på|neste|nest|next|on|om|den|kommende)\b")
_WEEKDAYS = {
    0: ("mandag", "måndag", "monday"), 1: ("tirsdag", "tysdag", "tuesday"), 2: ("onsdag", "wednesday"),
    3: ("torsdag", "thursday"), 4: ("fredag", "friday"), 5: ("lørdag", "laurdag", "saturday"),
    6: ("søndag", "sundag", "sunday"),
}


def _settings(base: date) -> dict:
    return {"RELATIVE_BASE": datetime.combine(base, time(7, 0)), "PREFER_DATES_FROM": "future",
            "DATE_ORDER": "DMY"}


_JOINED = {"idag": "i dag", "imorgen": "i morgen", "imorgon": "i morgon", "imårå": "i morgon",
           "iovermorgen": "i overmorgen"}  # common phone spellings dateparser does not know


def _clean(text: str) -> str:
    text = " ".join(_JOINED.get(w, w) for w in _CLOCK.sub(" ", text.lower()).split())
    text = _FILLER.sub(" ", text)
    return re.sub(r"[!?,;]+", " ", re.sub(r"\s+", " ", text)).strip()


def _bare_weekday(text: str) -> int | None:
    words = text.split()
    for number, names in _WEEKDAYS.items():
        if words and words[-1] in names:
            return number
    return None


def _one(text: str, base: date) -> date | None:
    """One date in a short phrase; a bare weekday means the coming one, today included."""
    text = _clean(text)
    if not text:
        return None
    weekday = _bare_weekday(text)
    if weekday is not None and len(text.split()) <= 2:
        return base + timedelta(days=(weekday - base.weekday()) % 7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(text, languages=LANGUAGES, settings=_settings(base))
        if parsed is None:
            found = search_dates(text, languages=LANGUAGES, settings=_settings(base))
            parsed = found[0][1] if found else None
    return parsed.date() if parsed else None


def parse_days(text: str, today: date) -> list[date]:
    """The calendar days a message names, in order; empty when it names none."""
    cleaned = " ".join(_JOINED.get(w, w) for w in text.lower().split())
    if _WEEK_REST.search(cleaned):
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        return [today + timedelta(days=i) for i in range((friday - today).days + 1)]
    match = _RANGE.match(_clean(cleaned))
    if match:
        start = _one(match["start"], today)
        end = _one(match["end"], start) if start else None
        if start and end and end >= start and (end - start).days <= 60:
            return [start + timedelta(days=i) for i in range((end - start).days + 1)]
    parts = re.split(r"\s+(?:og|and|\+)\s+|,", cleaned)
    days = [d for d in (_one(part, today) for part in parts) if d is not None]
    if not days:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = search_dates(_clean(cleaned), languages=LANGUAGES, settings=_settings(today)) or []
        days = [d.date() for _, d in found]
    return sorted(set(days))


def parse_clock(text: str) -> time | None:
    match = _CLOCK.search(text.lower())
    if not match:
        return None
    hour = int(match["h"] or match["h2"])
    minute = int(match["m"] or match["m2"] or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_moment(text: str, today: date) -> datetime | None:
    """A date and a clock time ("neste tirsdag kl 10"); None unless both are there."""
    clock = parse_clock(text)
    days = parse_days(text, today)
    if clock is None or not days:
        return None
    return datetime.combine(days[0], clock)
