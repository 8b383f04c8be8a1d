"""Dates and times as people write them ("i dag", "fra mandag til onsdag", "neste tirsdag kl 10").

dateparser does the parsing (Norwegian and English); this module only cuts a message into the
parts dateparser understands (a range's two ends, a clock time) and fixes the readings it gets
wrong for our purpose: a bare weekday that is today means today, "neste tirsdag" said on a Tuesday
means a week later (Norwegian usage, and "next Tuesday" in English), and "kl 10" is not the 10th."""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import dateparser
from babel.dates import get_day_names
from dateparser.search import search_dates

from naervaer.languages import TYPED_LANGUAGES, language


@dataclass(frozen=True)
class DateWords:
    """The words this module reads around dateparser, in one language (dateparser knows the rest)."""

    rest_of_week: tuple[str, ...]  # today to Friday
    range_from: tuple[str, ...]  # "fra mandag til onsdag"
    range_to: tuple[str, ...]
    and_: tuple[str, ...]  # "i dag og i morgen"
    clock: tuple[str, ...]  # before a clock time, so "kl 10" is not read as the 10th
    filler: tuple[str, ...]  # dropped before dateparser reads the rest
    joined: dict[str, str] = field(default_factory=dict)  # phone spellings dateparser does not know
    weekdays: dict[str, int] = field(default_factory=dict)  # spellings Babel's weekday names lack
    next_: tuple[str, ...] = ()  # "neste tirsdag": on a Tuesday, the Tuesday a week later


# Every language in naervaer.languages needs an entry; tests/core/test_languages.py checks it.
DATE_WORDS = {
    "nb": DateWords(rest_of_week=("resten av uka", "resten av uken", "ut uka", "denne uka"), range_from=("fra",),
                    range_to=("til og med", "til"), and_=("og",), clock=("kl.", "kl", "klokka", "klokken"),
                    filler=("på", "neste", "om", "den", "kommende"),
                    joined={"idag": "i dag", "imorgen": "i morgen", "iovermorgen": "i overmorgen"},
                    next_=("neste", "kommende")),
    "nn": DateWords(rest_of_week=("resten av veka", "resten av veke", "ut veka", "denne veka"), range_from=("frå",),
                    range_to=("til og med", "til"), and_=("og",), clock=("kl.", "kl", "klokka"),
                    filler=("på", "neste", "nest", "om", "den"),
                    joined={"idag": "i dag", "imorgon": "i morgon", "imårå": "i morgon"}, weekdays={"sundag": 6},
                    next_=("neste", "nest", "komande")),
    "en": DateWords(rest_of_week=("rest of the week", "this week"), range_from=("from",),
                    range_to=("to", "until", "through"), and_=("and",), clock=("at",), filler=("next", "on"),
                    next_=("next",)),
}


def _any(kind: str) -> str:
    """Every language's words of one kind as a regex alternation, each before its prefixes ("til og med"
    before "til"): the languages share one pattern, as a message may mix them."""
    words = dict.fromkeys(w for code in TYPED_LANGUAGES for w in getattr(DATE_WORDS[code], kind))
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WEEK_REST = re.compile(rf"\b({_any('rest_of_week')})\b")
_RANGE = re.compile(rf"^(?:{_any('range_from')})?\s*(?P<start>.+?)\s+(?:{_any('range_to')}|-|–)\s+(?P<end>.+)$")
_CLOCK = re.compile(rf"\b(?:{_any('clock')})\s*(?P<h>\d{{1,2}})(?:[.:](?P<m>\d{{2}}))?\b"
                    r"|\b(?P<h2>\d{1,2})[:](?P<m2>\d{2})\b")
_FILLER = re.compile(rf"\b({_any('filler')})\b")
_AND = re.compile(rf"\s+(?:{_any('and_')}|\+)\s+|,")
_WEEKDAYS = {**{name.casefold(): number for code in TYPED_LANGUAGES  # Monday = 0
                for number, name in get_day_names("wide", locale=language(code).locale).items()},
             **{name: number for code in TYPED_LANGUAGES for name, number in DATE_WORDS[code].weekdays.items()}}
_JOINED = {word: joined for code in TYPED_LANGUAGES for word, joined in DATE_WORDS[code].joined.items()}
_NEXT_WEEKDAY = re.compile(rf"\b(?:{_any('next_')})\s+(?:på\s+|on\s+)?(?P<day>\w+)\b")


def _settings(base: date) -> dict:
    return {"RELATIVE_BASE": datetime.combine(base, time(7, 0)), "PREFER_DATES_FROM": "future",
            "DATE_ORDER": "DMY"}


def _clean(text: str, filler: bool = True) -> str:
    """Lower case, no clock time, joined spellings split, and (unless `filler` is False) no filler words."""
    text = " ".join(_JOINED.get(w, w) for w in _CLOCK.sub(" ", text.lower()).split())
    if filler:
        text = _FILLER.sub(" ", text)
    return re.sub(r"[!?,;]+", " ", re.sub(r"\s+", " ", text)).strip()


def _bare_weekday(text: str) -> int | None:
    words = text.split()
    return _WEEKDAYS.get(words[-1]) if words else None


def _next_named(text: str) -> int | None:
    """The weekday of "neste tirsdag" / "next Tuesday" in the phrase, if it has one."""
    for match in _NEXT_WEEKDAY.finditer(" ".join(_JOINED.get(w, w) for w in text.lower().split())):
        weekday = _WEEKDAYS.get(match["day"])
        if weekday is not None:
            return weekday
    return None


def _coming(weekday: int, base: date, named_next: int | None) -> date:
    """The coming `weekday` from `base`, today included; "neste <weekday>" on that weekday is a week later."""
    ahead = (weekday - base.weekday()) % 7
    return base + timedelta(days=7 if ahead == 0 and named_next == weekday else ahead)


def _one(text: str, base: date) -> date | None:
    """One date in a phrase; a weekday means the coming one, today included, and "neste <weekday>"
    said on that weekday the one a week later."""
    named_next = _next_named(text)
    text = _clean(text)
    if not text:
        return None
    weekday = _bare_weekday(text)
    if weekday is not None and len(text.split()) <= 2:
        return _coming(weekday, base, named_next)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(text, languages=TYPED_LANGUAGES, settings=_settings(base))
        if parsed is None:
            found = search_dates(text, languages=TYPED_LANGUAGES, settings=_settings(base))
            parsed = found[0][1] if found else None
    if parsed is None:
        return None
    day = parsed.date()
    # A weekday in a longer sentence ("… for Ida tirsdag kl 10"): dateparser reads it as next week's when
    # it is today; the same rule as for a bare weekday applies. Not when a date is written out in digits.
    mentioned = next((_WEEKDAYS[w] for w in text.split() if w in _WEEKDAYS), None)
    if mentioned == day.weekday() and 0 <= (day - base).days <= 7 and not re.search(r"\d", text):
        return _coming(mentioned, base, named_next)
    return day


def parse_days(text: str, today: date) -> list[date]:
    """The calendar days a message names, in order; empty when it names none."""
    cleaned = " ".join(_JOINED.get(w, w) for w in text.lower().split())
    if _WEEK_REST.search(cleaned):
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        return [today + timedelta(days=i) for i in range((friday - today).days + 1)]
    match = _RANGE.match(_clean(cleaned, filler=False))  # each end keeps its "neste" for `_one`
    if match:
        start = _one(match["start"], today)
        end = _one(match["end"], start) if start else None
        if start and end and end >= start and (end - start).days <= 60:
            return [start + timedelta(days=i) for i in range((end - start).days + 1)]
    parts = _AND.split(cleaned)
    days = [d for d in (_one(part, today) for part in parts) if d is not None]
    if not days:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = search_dates(_clean(cleaned), languages=TYPED_LANGUAGES, settings=_settings(today)) or []
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
