"""Synthetic absence for tests and benchmarks: realistic in shape, reproducible by seed.

Most pupils are rarely away and a few are away a lot (absence is skewed), so each
pupil gets a personal rate drawn from a gamma distribution around the target mean.
"""
from __future__ import annotations

import random
from datetime import date

from naervaer.absence import AbsenceEvent, AbsenceKind, ReasonCategory
from naervaer.calendar import SchoolCalendar

SUBJECTS = ("NOR", "MAT", "ENG", "NAT", "SAF", "KRLE", "KRO", "MUS", "KHV", "MHE")
_REASONS = (ReasonCategory.SICK, ReasonCategory.SICK, ReasonCategory.MEDICAL_APPOINTMENT,
            ReasonCategory.LEAVE, ReasonCategory.OTHER, None)


def synthetic_events(n_pupils: int, start: date, end: date, *, seed: int = 1,
                     calendar: SchoolCalendar | None = None, day_rate: float = 0.05,
                     hour_rate: float = 0.02, late_rate: float = 0.02, left_early_rate: float = 0.003,
                     lessons_per_day: int = 6) -> dict[int, list[AbsenceEvent]]:
    """Absence for pupils 0..n-1 over the school days from ``start`` to ``end``.

    Rates are per school day (hour_rate per lesson); record ids are unique across pupils.
    """
    rng = random.Random(seed)
    calendar = calendar or SchoolCalendar.for_school_year(start.year if start.month >= 8 else start.year - 1)
    days = calendar.school_days(start, end)
    out: dict[int, list[AbsenceEvent]] = {}
    record_id = 0
    for pupil in range(n_pupils):
        scale = rng.gammavariate(0.8, 1 / 0.8)  # mean 1, long right tail
        p_day, p_hour = min(0.9, day_rate * scale), min(0.5, hour_rate * scale)
        p_late, p_left = min(0.5, late_rate * scale), min(0.2, left_early_rate * scale)
        avoided = rng.choice(SUBJECTS)  # some pupils miss one subject more often than others
        events: list[AbsenceEvent] = []
        for d in days:
            r = rng.random()
            if r < p_day:
                record_id += 1
                reason = rng.choice(_REASONS)
                events.append(AbsenceEvent(d, AbsenceKind.DAY, documented=rng.random() < 0.3,
                                           announced_by_home=rng.random() < 0.8, reason=reason,
                                           record_id=record_id))
                continue
            for _ in range(lessons_per_day):
                if rng.random() < p_hour:
                    record_id += 1
                    subject = avoided if rng.random() < 0.3 else rng.choice(SUBJECTS)
                    events.append(AbsenceEvent(d, AbsenceKind.HOUR, hours=1.0, subject=subject,
                                               announced_by_home=rng.random() < 0.5, record_id=record_id))
            if rng.random() < p_late:
                record_id += 1
                events.append(AbsenceEvent(d, AbsenceKind.LATE, record_id=record_id))
            if rng.random() < p_left:
                record_id += 1
                events.append(AbsenceEvent(d, AbsenceKind.LEFT_EARLY, record_id=record_id))
        out[pupil] = events
    return out
