"""The vocabulary of absence shared by the store, the rules engine and the dialogue.

Reasons are categories on purpose: a parent's free-text reason is health data,
and the store has no column that could hold one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class AbsenceKind(StrEnum):
    DAY = "day"                # away the whole school day
    HOUR = "hour"              # away from one or more lessons (with subject)
    LATE = "late"              # came late
    LEFT_EARLY = "left_early"  # left school during the day


class ReasonCategory(StrEnum):
    SICK = "sick"
    MEDICAL_APPOINTMENT = "medical_appointment"
    LEAVE = "leave"
    OTHER = "other"


class SchoolLevel(StrEnum):
    BARNESKOLE = "barneskole"      # years 1-7
    UNGDOMSSKOLE = "ungdomsskole"  # years 8-10
    VGS = "vgs"                    # upper secondary
    BARNEHAGE = "barnehage"


@dataclass(frozen=True, slots=True)
class AbsenceEvent:
    """One registered absence, as the rules engine sees it (no names, no store rows)."""

    on: date
    kind: AbsenceKind
    hours: float = 0.0            # lessons missed, for HOUR records
    subject: str | None = None    # subject code, for HOUR records
    documented: bool = False
    announced_by_home: bool = False
    reason: ReasonCategory | None = None
    record_id: int | None = None  # the store's id, so an explanation can point at the records that count
