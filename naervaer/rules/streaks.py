"""Runs of consecutive school days of absence, and the first-day rules computed from them.

Pure functions, like the engine. A run (``Streak``) is the school days in a row, ending on a given day,
on which the pupil was away the whole day; days without school (weekends, public and school holidays,
from the school's calendar) neither break a run nor lengthen it, and a run never reaches back into the
previous school year. Two kinds of run (``StreakKind``):

* ``absent``: any whole-day absence. Tynset's "if the absence lasts more than three days the parents
  must phone" is a run of more than three such days, whether one report covers them or four do.
* ``unannounced``: whole-day absence nobody announced — no record of the day was reported by the home
  or documented, and the home was not in touch that day. Trøndelag's "dialogue after 1–3 consecutive
  days of unannounced absence" (and Jevnaker's and Tynset's same-day call) is due on such a run.

A first-day rule with a ``streak`` is *due* (``FirstDayDue``) on a day its run reaches the rule's days,
until the school has what the rule asks for: a contact with the home or the pupil since the run began
(``contact_today``), or a phone call after the run passed the limit (``phone_expected``).
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from naervaer.absence import AbsenceEvent, AbsenceKind
from naervaer.calendar import SchoolCalendar
from naervaer.guides.schema import FirstDayKind, FirstDayRule, Guide, StreakKind

# A guide without a computed "the school contacts the home" rule still gets the morning digest's
# same-day list (the pupils absent today with no word from home): that list is a run of this many days.
DIGEST_CONTACT_DAYS = 1

DueKind = Literal["contact_today", "phone_expected"]


@dataclass(frozen=True)
class Streak:
    """School days in a row with whole-day absence, oldest first."""

    days: tuple[date, ...]

    @property
    def first(self) -> date:
        return self.days[0]

    @property
    def last(self) -> date:
        return self.days[-1]

    @property
    def length(self) -> int:
        return len(self.days)


def _school_year_start(on: date) -> date:
    return date(on.year if on.month >= 8 else on.year - 1, 8, 1)


def absence_streak(events: Iterable[AbsenceEvent], through: date, calendar: SchoolCalendar, *,
                   unannounced: bool = False, announced_days: Collection[date] = (),
                   since: date | None = None) -> Streak | None:
    """The run of consecutive school days with whole-day absence that ends on ``through``; None when
    ``through`` is not a school day or the pupil was not away that whole day.

    With ``unannounced`` a day counts only when none of its records was announced by the home or
    documented, and it is not among ``announced_days`` (days the home got in touch). The run stops at
    ``since`` (default: the start of the school year of ``through``)."""
    away: set[date] = set()
    announced: set[date] = set(announced_days)
    for e in events:
        if e.kind is AbsenceKind.DAY:
            away.add(e.on)
        if e.announced_by_home or e.documented:
            announced.add(e.on)
    counts = (away - announced) if unannounced else away
    if through not in counts or not calendar.is_school_day(through):
        return None
    floor = since or _school_year_start(through)
    days: list[date] = []
    d = through
    while d >= floor:
        if calendar.is_school_day(d):
            if d not in counts:
                break
            days.append(d)
        d -= timedelta(days=1)
    return Streak(tuple(reversed(days)))


@dataclass(frozen=True)
class ContactEvent:
    """A logged contact between school and home, as the first-day rules see it."""

    on: date           # the Oslo day
    from_home: bool    # the home (or the adult pupil) got in touch
    reached: bool
    phone: bool


@dataclass(frozen=True)
class FirstDayDue:
    """A computed first-day rule that applies to a pupil on a day.

    ``rule`` is None only for the digest's same-day list of a guide that has no such rule."""

    kind: DueKind
    guide_key: str
    rule: FirstDayRule | None
    streak: Streak


def _answered(c: ContactEvent) -> bool:
    return c.from_home or c.reached


def first_day_due(events: Iterable[AbsenceEvent], contacts: Iterable[ContactEvent], guide: Guide, on: date,
                  calendar: SchoolCalendar, *, digest_fallback: bool = False) -> list[FirstDayDue]:
    """The guide's computed first-day rules that are due for the pupil on ``on``.

    * ``school_contacts`` with a streak: due when the run reaches the rule's days and no contact was
      logged since the run began (a call from the home, or the school reaching the home or pupil);
    * ``phone_required`` with a streak: due when the run is longer than the rule's days and nobody
      phoned (the home, or the school reaching them) on or after the first day past the limit.

    With ``digest_fallback``, a guide without a computed ``school_contacts`` rule gets a rule-less
    "contact today" on a one-day unannounced run (the digest's same-day list)."""
    events = list(events)
    contacts = [c for c in contacts if c.on <= on]
    home_days = {c.on for c in contacts if c.from_home}
    runs: dict[StreakKind, Streak | None] = {}

    def run(kind: StreakKind) -> Streak | None:
        if kind not in runs:
            runs[kind] = absence_streak(events, on, calendar, unannounced=kind is StreakKind.UNANNOUNCED,
                                        announced_days=home_days)
        return runs[kind]

    def contact_due(streak: Streak | None, days: int) -> bool:
        return (streak is not None and streak.length >= days
                and not any(c.on >= streak.first and _answered(c) for c in contacts))

    out: list[FirstDayDue] = []
    computed_contact = False
    for rule in guide.first_day:
        if rule.streak is None or rule.days is None:
            continue
        streak = run(rule.streak)
        if rule.kind is FirstDayKind.SCHOOL_CONTACTS:
            computed_contact = True
            if contact_due(streak, rule.days):
                out.append(FirstDayDue("contact_today", guide.key, rule, streak))
        elif rule.kind is FirstDayKind.PHONE_REQUIRED:
            if streak is None or streak.length <= rule.days:
                continue
            beyond = streak.days[rule.days]
            if not any(c.on >= beyond and c.phone and _answered(c) for c in contacts):
                out.append(FirstDayDue("phone_expected", guide.key, rule, streak))
    if digest_fallback and not computed_contact:
        streak = run(StreakKind.UNANNOUNCED)
        if contact_due(streak, DIGEST_CONTACT_DAYS):
            out.append(FirstDayDue("contact_today", guide.key, None, streak))
    return out
