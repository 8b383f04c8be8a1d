"""The rules engine: which of a guide's thresholds and patterns a pupil's absence crosses on a date.

Pure functions over ``AbsenceEvent`` lists. Per pupil the events are sorted once and
turned into sorted day numbers (ordinals) per kind, so every window is two bisections
and most counts are a subtraction; records are only collected for rules that fire.
"""
from __future__ import annotations

import calendar as _cal
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Hashable, Iterable, Literal, Mapping, TypeVar

from naervaer.absence import AbsenceEvent, AbsenceKind, SchoolLevel
from naervaer.calendar import SchoolCalendar
from naervaer.guides.schema import (
    Comparison, Guide, Pattern, PatternKind, Source, Threshold, Unit, Window, WindowKind,
)

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Flag:
    """One threshold or pattern crossed on ``window_end``."""

    kind: Literal["threshold", "pattern"]
    guide_key: str
    rule_id: str
    comparison: Comparison
    limit: float
    window: Window
    unit: Unit                    # patterns count distinct school days
    window_start: date
    window_end: date
    count: float                  # days, hours or occasions; for percentages the absent days
    records: tuple[AbsenceEvent, ...]
    source: Source
    rule: Threshold | Pattern
    school_days: int | None = None  # school days in the window (percentages)
    percent: float | None = None
    subject: str | None = None      # per-subject thresholds and same-subject patterns
    weekday: int | None = None      # same-weekday patterns, Monday = 0

    @property
    def record_ids(self) -> tuple[int, ...]:
        return tuple(e.record_id for e in self.records if e.record_id is not None)


# --- windows ----------------------------------------------------------------


def _months_back(d: date, n: int) -> date:
    month = d.month - n
    year = d.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(d.day, _cal.monthrange(year, month)[1]))


def window_bounds(window: Window, on: date, calendar: SchoolCalendar) -> tuple[date, date]:
    """First and last day (both included) of ``window`` as seen on ``on``."""
    kind, n = window.kind, window.length or 0
    if kind is WindowKind.CALENDAR_MONTH:
        return date(on.year, on.month, 1), on
    if kind is WindowKind.CALENDAR_QUARTER:
        return date(on.year, 3 * ((on.month - 1) // 3) + 1, 1), on
    if kind is WindowKind.ROLLING_DAYS:
        return on - timedelta(days=n - 1), on
    if kind is WindowKind.ROLLING_WEEKS:
        return on - timedelta(days=7 * n - 1), on
    if kind is WindowKind.ROLLING_MONTHS:
        return _months_back(on, n) + timedelta(days=1), on
    if kind is WindowKind.ROLLING_SCHOOL_DAYS:
        return calendar.school_days_back(on, n), on
    raise ValueError(f"unknown window kind {kind}")


# --- per-pupil index --------------------------------------------------------


def _unexcused(e: AbsenceEvent) -> bool:
    return not (e.documented or e.announced_by_home)


class _PupilIndex:
    """A pupil's events up to the evaluation date, with lazily built sorted views."""

    __slots__ = ("events", "ords", "school", "by_kind", "_cache")

    def __init__(self, events: Iterable[AbsenceEvent], on: date, calendar: SchoolCalendar):
        events = list(events)
        ords = [e.on.toordinal() for e in events]
        if any(a > b for a, b in zip(ords, ords[1:])):  # the store usually hands them over sorted
            order = sorted(range(len(events)), key=ords.__getitem__)
            events = [events[i] for i in order]
            ords = [ords[i] for i in order]
        cut = bisect_right(ords, on.toordinal())
        self.events, self.ords = events[:cut], ords[:cut]
        is_school = calendar.is_school_ordinal
        self.school = [is_school(o) for o in self.ords]
        self.by_kind: dict[AbsenceKind, list[tuple[int, AbsenceEvent]]] = {}
        for o, school, e in zip(self.ords, self.school, self.events):
            if school:
                self.by_kind.setdefault(e.kind, []).append((o, e))
        self._cache: dict[tuple, object] = {}

    def _matching(self, kinds: frozenset, unexcused_only: bool) -> list[tuple[int, AbsenceEvent]]:
        """School-day records of the given kinds, in date order."""
        lists = [self.by_kind[k] for k in kinds if k in self.by_kind]
        if not lists:
            return []
        rows = lists[0] if len(lists) == 1 else sorted((r for lst in lists for r in lst), key=lambda r: r[0])
        if unexcused_only:
            rows = [r for r in rows if _unexcused(r[1])]
        return rows

    def dates(self, kinds: frozenset, unexcused_only: bool = False) -> list[int]:
        """Sorted distinct school days with a matching record."""
        key = ("dates", kinds, unexcused_only)
        got = self._cache.get(key)
        if got is None:
            got = list(dict.fromkeys(o for o, _ in self._matching(kinds, unexcused_only)))
            self._cache[key] = got
        return got  # type: ignore[return-value]

    def occasions(self, kinds: frozenset, unexcused_only: bool = False) -> list[int]:
        """One day number per distinct (school day, subject of an hour record), sorted."""
        key = ("occasions", kinds, unexcused_only)
        got = self._cache.get(key)
        if got is None:
            seen = dict.fromkeys((o, e.subject if e.kind is AbsenceKind.HOUR else None)
                                 for o, e in self._matching(kinds, unexcused_only))
            got = [o for o, _ in seen]
            self._cache[key] = got
        return got  # type: ignore[return-value]

    def hours(self, unexcused_only: bool = False) -> tuple[list[int], list[float]]:
        key = ("hours", unexcused_only)
        got = self._cache.get(key)
        if got is None:
            ords, prefix = [], [0.0]
            for o, e in self._matching(frozenset({AbsenceKind.HOUR}), unexcused_only):
                ords.append(o)
                prefix.append(prefix[-1] + e.hours)
            got = (ords, prefix)
            self._cache[key] = got
        return got  # type: ignore[return-value]

    def by_subject(self, unexcused_only: bool = False) -> dict[str, tuple[list[int], list[float], list[int]]]:
        """Per subject: day numbers, running hour totals, and sorted distinct days."""
        key = ("subject", unexcused_only)
        got = self._cache.get(key)
        if got is None:
            got = {}
            for o, e in self._matching(frozenset({AbsenceKind.HOUR}), unexcused_only):
                if e.subject is None:
                    continue  # cannot be attributed to a subject
                ords, prefix, days = got.setdefault(e.subject, ([], [0.0], []))
                ords.append(o)
                prefix.append(prefix[-1] + e.hours)
                if not days or days[-1] != o:
                    days.append(o)
            self._cache[key] = got
        return got  # type: ignore[return-value]

    def records(self, start: int, end: int, kinds: frozenset, unexcused_only: bool = False,
                subject: str | None = None, weekday: int | None = None) -> tuple[AbsenceEvent, ...]:
        lo, hi = bisect_left(self.ords, start), bisect_right(self.ords, end)
        out = []
        for i in range(lo, hi):
            e = self.events[i]
            if not self.school[i] or e.kind not in kinds or (unexcused_only and not _unexcused(e)):
                continue
            if subject is not None and e.subject != subject:
                continue
            if weekday is not None and e.on.weekday() != weekday:
                continue
            out.append(e)
        return tuple(out)


def _count_in(sorted_ords: list[int], start: int, end: int) -> int:
    return bisect_right(sorted_ords, end) - bisect_left(sorted_ords, start)


def _crosses(count: float, comparison: Comparison, limit: float) -> bool:
    return count > limit if comparison is Comparison.GT else count >= limit


# --- evaluation -------------------------------------------------------------

_Bounds = dict[tuple[int, int], tuple[date, date, int, int, int]]


def _bounds(cache: _Bounds, rule: Threshold | Pattern, on: date, calendar: SchoolCalendar):
    key = (id(rule), id(calendar))
    got = cache.get(key)
    if got is None:
        start, end = window_bounds(rule.window, on, calendar)
        school_days = (calendar.count_school_days(start, end)
                       if isinstance(rule, Threshold) and rule.unit is Unit.PERCENT_OF_SCHOOL_DAYS else 0)
        got = cache[key] = (start, end, start.toordinal(), end.toordinal(), school_days)
    return got


def _threshold_flags(guide: Guide, t: Threshold, idx: _PupilIndex, bounds) -> list[Flag]:
    start, end, s, e, school_days = bounds
    kinds = frozenset(t.counts)

    def flag(count: float, records, subject=None, percent=None) -> Flag:
        return Flag("threshold", guide.key, t.id, t.comparison, t.limit, t.window, t.unit, start, end,
                    count, records, t.source, t, school_days if t.unit is Unit.PERCENT_OF_SCHOOL_DAYS else None,
                    percent, subject)

    if t.unit is Unit.HOURS and t.same_subject:
        out = []
        for subject, (ords, prefix, _days) in sorted(idx.by_subject(t.unexcused_only).items()):
            total = prefix[bisect_right(ords, e)] - prefix[bisect_left(ords, s)]
            if total and _crosses(total, t.comparison, t.limit):
                out.append(flag(total, idx.records(s, e, kinds, t.unexcused_only, subject=subject), subject))
        return out
    if t.unit is Unit.HOURS:
        ords, prefix = idx.hours(t.unexcused_only)
        count: float = prefix[bisect_right(ords, e)] - prefix[bisect_left(ords, s)]
    elif t.unit is Unit.OCCASIONS:
        count = _count_in(idx.occasions(kinds, t.unexcused_only), s, e)
    else:
        count = _count_in(idx.dates(kinds, t.unexcused_only), s, e)
    if not count:
        return []
    if t.unit is Unit.PERCENT_OF_SCHOOL_DAYS:
        if not school_days:
            return []
        # integers on both sides, so "exactly 10 %" is never lost to floating point
        hit = (count * 100 > t.limit * school_days) if t.comparison is Comparison.GT \
            else (count * 100 >= t.limit * school_days)
        if not hit:
            return []
        return [flag(count, idx.records(s, e, kinds, t.unexcused_only), percent=100.0 * count / school_days)]
    if not _crosses(count, t.comparison, t.limit):
        return []
    return [flag(count, idx.records(s, e, kinds, t.unexcused_only))]


def _pattern_flags(guide: Guide, p: Pattern, idx: _PupilIndex, bounds) -> list[Flag]:
    start, end, s, e, _ = bounds
    kinds = frozenset(p.counts)

    def flag(count: int, records, subject=None, weekday=None) -> Flag:
        return Flag("pattern", guide.key, p.id, Comparison.GE, p.min_count, p.window, Unit.DAYS, start, end,
                    count, records, p.source, p, subject=subject, weekday=weekday)

    if p.kind is PatternKind.SAME_SUBJECT:
        out = []
        for subject, (_o, _p, days) in sorted(idx.by_subject().items()):
            n = _count_in(days, s, e)
            if n >= p.min_count:
                out.append(flag(n, idx.records(s, e, kinds, subject=subject), subject=subject))
        return out
    days = idx.dates(kinds)
    lo, hi = bisect_left(days, s), bisect_right(days, e)
    if p.kind is PatternKind.SAME_WEEKDAY:
        per_day = [0] * 7
        for o in days[lo:hi]:
            per_day[(o + 6) % 7] += 1  # ordinal 1 (0001-01-01) was a Monday
        return [flag(n, idx.records(s, e, kinds, weekday=wd), weekday=wd)
                for wd, n in enumerate(per_day) if n >= p.min_count]
    n = hi - lo
    return [flag(n, idx.records(s, e, kinds))] if n >= p.min_count else []


def _evaluate_index(idx: _PupilIndex, guide: Guide, on: date, calendar: SchoolCalendar,
                    level: SchoolLevel, cache: _Bounds) -> list[Flag]:
    flags: list[Flag] = []
    if not idx.events:
        return flags
    for t in guide.thresholds:
        if level in t.levels:
            flags.extend(_threshold_flags(guide, t, idx, _bounds(cache, t, on, calendar)))
    for p in guide.judgement_signs.patterns:
        if level in p.levels:
            flags.extend(_pattern_flags(guide, p, idx, _bounds(cache, p, on, calendar)))
    return flags


def evaluate(events: Iterable[AbsenceEvent], guide: Guide, on: date, calendar: SchoolCalendar,
             level: SchoolLevel) -> list[Flag]:
    """Every threshold and pattern of ``guide`` that the pupil's absence crosses on ``on``."""
    return _evaluate_index(_PupilIndex(events, on, calendar), guide, on, calendar, level, {})


def _per_pupil(value, key):
    return value[key] if isinstance(value, Mapping) else value


def evaluate_many(events_by_pupil: Mapping[K, Iterable[AbsenceEvent]],
                  guide_by_pupil: Mapping[K, Guide] | Guide,
                  level_by_pupil: Mapping[K, SchoolLevel] | SchoolLevel,
                  on: date,
                  calendar_by_pupil: Mapping[K, SchoolCalendar] | SchoolCalendar) -> dict[K, list[Flag]]:
    """``evaluate`` for many pupils; a single guide, level or calendar may be given for all.

    Window bounds and school-day counts are computed once per (rule, calendar).
    """
    cache: _Bounds = {}
    out: dict[K, list[Flag]] = {}
    for key, events in events_by_pupil.items():
        calendar = _per_pupil(calendar_by_pupil, key)
        idx = _PupilIndex(events, on, calendar)
        out[key] = _evaluate_index(idx, _per_pupil(guide_by_pupil, key), on, calendar,
                                   _per_pupil(level_by_pupil, key), cache)
    return out
