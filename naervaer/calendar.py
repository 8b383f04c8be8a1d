"""Which days are school days: weekdays that are neither public holidays nor school holidays.

Absence registered on a day that is not a school day never counts towards a threshold,
so the rules engine asks this calendar for every day and window it uses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, timedelta
from itertools import accumulate
from typing import Iterable

import holidays

DateRange = tuple[date, date]


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Norway(years=year))


def _easter_monday(year: int) -> date:
    for d, name in holidays.Norway(years=year).items():
        if "Easter Monday" in name or "påskedag" in name.lower():
            return d
    raise LookupError(f"no Easter Monday found for {year}")


@dataclass(frozen=True)
class HolidayDefaults:
    """The documented default school holidays; every school can override them.

    Norwegian schools set their own calendar, but most follow this shape:
    autumn holiday in ISO week 40, Christmas from 21 December to 1 January,
    winter holiday in ISO week 8, the Easter week (Monday to Wednesday before the
    public holidays) and summer from about 20 June to about 18 August.
    """

    autumn_week: int | None = 40
    winter_week: int | None = 8
    christmas: tuple[tuple[int, int], tuple[int, int]] | None = ((12, 21), (1, 1))
    easter_week: bool = True
    summer: tuple[tuple[int, int], tuple[int, int]] | None = ((6, 20), (8, 18))

    def holiday_weeks(self, years: Iterable[int]) -> set[tuple[int, int]]:
        weeks: set[tuple[int, int]] = set()
        for y in years:
            if self.autumn_week:
                weeks.add((y, self.autumn_week))
            if self.winter_week:
                weeks.add((y, self.winter_week))
        return weeks

    def holiday_ranges(self, years: Iterable[int]) -> list[DateRange]:
        ranges: list[DateRange] = []
        for y in years:
            if self.christmas:
                (m1, d1), (m2, d2) = self.christmas
                ranges.append((date(y, m1, d1), date(y + 1 if m2 < m1 else y, m2, d2)))
            if self.easter_week:
                monday = _easter_monday(y)
                ranges.append((monday - timedelta(days=7), monday))
            if self.summer:
                (m1, d1), (m2, d2) = self.summer
                ranges.append((date(y, m1, d1), date(y, m2, d2)))
        return ranges


@dataclass
class SchoolCalendar:
    """A school's calendar.

    ``holiday_weeks`` holds ISO (year, week) pairs and/or inclusive (first, last) date ranges;
    ``extra_days_off`` holds single days (planning days, a local free day).
    """

    holiday_weeks: Iterable[tuple[int, int] | DateRange] = ()
    extra_days_off: Iterable[date] = ()
    _weeks: set[tuple[int, int]] = field(init=False, repr=False)
    _ranges: list[DateRange] = field(init=False, repr=False)
    _off: frozenset[date] = field(init=False, repr=False)
    _years: dict[int, tuple[bytes, list[int]]] = field(init=False, repr=False, default_factory=dict)
    _by_ordinal: dict[int, bool] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._weeks, self._ranges = set(), []
        for item in self.holiday_weeks:
            if isinstance(item[0], date):
                first, last = item  # type: ignore[misc]
                if last < first:
                    raise ValueError(f"holiday range ends before it starts: {first}..{last}")
                self._ranges.append((first, last))
            else:
                self._weeks.add((int(item[0]), int(item[1])))
        self._off = frozenset(self.extra_days_off)

    @classmethod
    def norwegian_default(cls, years: Iterable[int], defaults: HolidayDefaults = HolidayDefaults(),
                          extra_days_off: Iterable[date] = ()) -> "SchoolCalendar":
        """The default holiday set for the calendar years given (a school year spans two)."""
        years = list(years)
        return cls(holiday_weeks=[*defaults.holiday_weeks(years), *defaults.holiday_ranges(years)],
                   extra_days_off=extra_days_off)

    @classmethod
    def for_school_year(cls, autumn_year: int, defaults: HolidayDefaults = HolidayDefaults()) -> "SchoolCalendar":
        return cls.norwegian_default([autumn_year, autumn_year + 1], defaults)

    # -- the answers ---------------------------------------------------------

    def _compute(self, d: date) -> bool:
        if d.weekday() >= 5 or d in self._off:
            return False
        # The holidays package lists only real public holidays here, but guard anyway:
        # some versions can add every Sunday, and a Sunday is never a school day regardless.
        if d in _public_holidays(d.year):
            return False
        iso = d.isocalendar()
        if (iso[0], iso[1]) in self._weeks:
            return False
        return not any(first <= d <= last for first, last in self._ranges)

    def _year(self, year: int) -> tuple[bytes, list[int]]:
        """One bit per day of the year, plus running totals, so windows count in O(1)."""
        cached = self._years.get(year)
        if cached is None:
            start = date(year, 1, 1)
            n = (date(year + 1, 1, 1) - start).days
            flags = bytes(self._compute(start + timedelta(days=i)) for i in range(n))
            cached = (flags, [0, *accumulate(flags)])
            self._years[year] = cached
        return cached

    def is_school_day(self, d: date) -> bool:
        return bool(self._year(d.year)[0][d.timetuple().tm_yday - 1])

    def is_school_ordinal(self, ordinal: int) -> bool:
        """``is_school_day`` for a ``date.toordinal()``; memoised because the engine asks per event."""
        known = self._by_ordinal.get(ordinal)
        if known is None:
            known = self._by_ordinal[ordinal] = self.is_school_day(date.fromordinal(ordinal))
        return known

    def count_school_days(self, start: date, end: date) -> int:
        """School days from ``start`` to ``end``, both included."""
        if end < start:
            return 0
        total = 0
        for year in range(start.year, end.year + 1):
            _, cum = self._year(year)
            first = start.timetuple().tm_yday if year == start.year else 1
            last = end.timetuple().tm_yday if year == end.year else len(cum) - 1
            total += cum[last] - cum[first - 1]
        return total

    def school_days(self, start: date, end: date) -> list[date]:
        """The school days from ``start`` to ``end``, both included, in order."""
        return [start + timedelta(days=i) for i in range((end - start).days + 1)
                if self.is_school_day(start + timedelta(days=i))]

    def school_days_back(self, end: date, n: int) -> date:
        """The first day of the window holding the last ``n`` school days up to ``end``."""
        d, found = end, 0
        while True:
            if self.is_school_day(d):
                found += 1
                if found == n:
                    return d
            d -= timedelta(days=1)
            if (end - d).days > 3660:
                raise ValueError("no school days found in ten years")
