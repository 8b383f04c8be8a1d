"""A pupil's status against their school's guide: thresholds crossed, where the case is on the
guide's follow-up path, what has been logged, the next step and what is overdue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.access import Grant, Permission
from naervaer.clock import day_of
from naervaer.directory import school_of
from naervaer.flags import pupil_first_day, pupil_flag_history
from naervaer.guides.loader import load_guide
from naervaer.guides.schema import Guide
from naervaer.models import Contact, FollowUpCase, Measure, Meeting, MeetingStatus, Pupil, School
from naervaer.rules import nextstep
from naervaer.rules.engine import Flag
from naervaer.rules.streaks import FirstDayDue
from naervaer.school_calendars import calendar_for

# How far back to look for the day the pupil was first flagged, when no case was opened.
FLAGGED_LOOKBACK_DAYS = 30


@dataclass(frozen=True)
class PupilStatus:
    pupil: Pupil
    school: School
    guide: Guide
    on: date
    flags: list[Flag]
    flagged_since: date | None
    case: FollowUpCase | None
    contacts: list[Contact]
    meetings: list[Meeting]
    next: nextstep.NextStep | None  # None when nothing is worrying and no case is open
    # The guide's first-day rules due today (contact today; the parents should have phoned): not
    # worrying absence by a threshold, said apart (naervaer.rules.streaks).
    first_day: tuple[FirstDayDue, ...] = ()


def pupil_status(session: Session, grant: Grant, on: date) -> PupilStatus:
    """The status of the grant's pupil (the grant must allow seeing the status)."""
    pupil = grant.pupil_for(Permission.VIEW_STATUS)
    group = pupil.class_group
    school = school_of(pupil)
    guide = load_guide(school.guide_key)
    flags, flagged_since = pupil_flag_history(session, grant, on, FLAGGED_LOOKBACK_DAYS)
    case = session.scalars(select(FollowUpCase).where(FollowUpCase.pupil_id == pupil.id,
                                                      FollowUpCase.closed_on.is_(None))
                           .order_by(FollowUpCase.opened_on.desc())).first()
    contacts = list(session.scalars(select(Contact).where(Contact.pupil_id == pupil.id).order_by(Contact.at)))
    meetings = list(session.scalars(select(Meeting).where(Meeting.pupil_id == pupil.id).order_by(Meeting.starts_at)))
    first_day = tuple(pupil_first_day(session, grant, on))
    if case is None and not flags:
        return PupilStatus(pupil, school, guide, on, flags, None, None, contacts, meetings, None, first_day)

    flagged_on = case.opened_on if case is not None else flagged_since
    measures = list(session.scalars(select(Measure).where(Measure.case_id == case.id))) if case else []
    state = nextstep.CaseState(
        flagged_on=flagged_on,
        stage=case.stage if case is not None else None,
        contacts=[nextstep.HomeContact(on=day_of(c.at), initiated_by=c.initiated_by.value, reached=c.reached)
                  for c in contacts if day_of(c.at) >= flagged_on],  # the Oslo day (a call at 00:30 is that day's)
        meetings=[nextstep.Meeting(kind=m.kind.value, on=m.starts_at.date(),
                                   status="held" if m.status == MeetingStatus.HELD else m.status.value)
                  for m in meetings],
        measures=[nextstep.Measure(on=m.agreed_on, evaluation_due=m.evaluate_on) for m in measures],
        evaluations=[nextstep.Evaluation(on=m.evaluated_on) for m in measures if m.evaluated_on],
    )
    step = nextstep.next_step(guide, state, on, level=group.level, calendar=calendar_for(school.code, on))
    return PupilStatus(pupil, school, guide, on, flags, flagged_since, case, contacts, meetings, step, first_day)
