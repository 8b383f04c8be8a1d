"""What should happen next in a pupil's case, by walking the guide's follow-up path.

A pure function: the case state (the date the pupil was flagged, and what has been
logged since) and today's date go in; the next step, its deadline and anything
overdue come out. A step counts as done when a logged event of the right kind
exists on or after the previous done step; a step left behind a later done step is
treated as passed (schools do not always log every step).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal, Mapping, Sequence

from naervaer.absence import SchoolLevel
from naervaer.calendar import SchoolCalendar
from naervaer.guides.schema import DoneKind, Due, Guide, Stage, Step


@dataclass(frozen=True)
class HomeContact:
    on: date
    initiated_by: Literal["school", "home"] = "school"
    reached: bool = True


@dataclass(frozen=True)
class Meeting:
    kind: str  # samtale, naervaersmote, fagmote, samarbeidsmote, evaluering
    on: date
    status: Literal["planned", "held", "cancelled"] = "held"


@dataclass(frozen=True)
class Measure:
    on: date
    evaluation_due: date | None = None


@dataclass(frozen=True)
class Evaluation:
    on: date


@dataclass(frozen=True)
class CaseState:
    flagged_on: date
    stage: str | None = None  # a stage id of the guide's path, when the case is known to be there
    contacts: Sequence[HomeContact] = ()
    meetings: Sequence[Meeting] = ()
    measures: Sequence[Measure] = ()
    evaluations: Sequence[Evaluation] = ()
    done_steps: Mapping[str, date] = field(default_factory=dict)  # steps ticked off by hand


DueDate = date | tuple[date, date]


@dataclass(frozen=True)
class NextStep:
    stage: Stage | None  # None when the path is walked to its end
    step: Step | None
    responsible: tuple[str, ...]
    due: DueDate | None  # a deadline, an (earliest, latest) window, or None if the guide sets none
    overdue: tuple[tuple[Step, date], ...]
    done: Mapping[str, date]  # step id -> the date it was done
    passed: tuple[str, ...] = ()  # steps with nothing logged, left behind a later done step

    @property
    def complete(self) -> bool:
        return self.step is None


def _matches(step: Step, event: object) -> bool:
    by = step.done_by
    if by.kind is DoneKind.CONTACT_HOME and isinstance(event, HomeContact):
        return (by.initiated_by is None or event.initiated_by == by.initiated_by) and \
               (by.reached is None or event.reached == by.reached)
    if by.kind is DoneKind.MEETING and isinstance(event, Meeting):
        return event.status == "held" and event.kind == by.meeting_kind
    if by.kind is DoneKind.MEASURE:
        return isinstance(event, Measure)
    if by.kind is DoneKind.EVALUATION:
        return isinstance(event, Evaluation) or (isinstance(event, Meeting) and event.status == "held"
                                                 and event.kind == "evaluering")
    return False


def _add(anchor: date, days: int, school_days: bool, calendar: SchoolCalendar | None) -> date:
    if not school_days or calendar is None or days == 0:
        return anchor + timedelta(days=days)
    d, left = anchor, days
    while left:
        d += timedelta(days=1)
        if calendar.is_school_day(d):
            left -= 1
    return d


def _due(due: Due, anchor: date, calendar: SchoolCalendar | None) -> DueDate:
    latest = _add(anchor, due.days, due.school_days, calendar)
    if due.min_days is None:
        return latest
    return _add(anchor, due.min_days, due.school_days, calendar), latest


def _latest(due: DueDate) -> date:
    return due[1] if isinstance(due, tuple) else due


def next_step(guide: Guide, state: CaseState, today: date, level: SchoolLevel | None = None,
              calendar: SchoolCalendar | None = None) -> NextStep:
    """The next step of ``guide``'s follow-up path for a case in ``state``, as seen on ``today``."""
    path = guide.followup.steps(level)
    if state.stage is not None:
        ids = [stage.id for stage, _ in path]
        if state.stage not in ids:
            raise ValueError(f"{guide.key} has no stage {state.stage!r} (for level {level})")
        path = path[ids.index(state.stage):]

    pool: list[tuple[date, int, object]] = sorted(
        ((e.on, i, e) for i, e in enumerate([*state.contacts, *state.meetings, *state.measures, *state.evaluations])
         if e.on <= today),
        key=lambda t: (t[0], t[1]))
    used: set[int] = set()
    done: dict[str, date] = {}
    measure_for: dict[str, Measure] = {}
    floor = state.flagged_on
    for _stage, step in path:
        if step.done_by.kind is DoneKind.MANUAL:
            when = state.done_steps.get(step.id)
            if when is not None and when <= today:
                done[step.id] = when
                floor = max(floor, when)
            continue
        for on, i, event in pool:
            if i not in used and on >= floor and _matches(step, event):
                used.add(i)
                done[step.id] = on
                floor = on
                if isinstance(event, Measure):
                    measure_for[step.id] = event
                break

    last_done = max((k for k, (_s, st) in enumerate(path) if st.id in done), default=-1)
    passed = tuple(st.id for _s, st in path[:last_done + 1] if st.id not in done)
    pending = [(stage, st) for stage, st in path[last_done + 1:]]

    def due_of(step: Step) -> DueDate | None:
        if step.due is None:
            return None
        if step.done_by.kind is DoneKind.EVALUATION and step.due.after in measure_for:
            agreed = measure_for[step.due.after].evaluation_due
            if agreed is not None:  # the plan's own evaluation date wins over the guide's general rule
                return agreed
        if step.due.after == "flagged":
            anchor = state.flagged_on
        elif step.due.after in done:
            anchor = done[step.due.after]
        else:
            return None  # waits for a step that has not happened yet
        return _due(step.due, anchor, calendar)

    overdue = []
    for _stage, st in pending:
        d = due_of(st)
        if d is not None and _latest(d) < today:
            overdue.append((st, _latest(d)))
    if not pending:
        return NextStep(None, None, (), None, (), done, passed)
    stage, step = pending[0]
    return NextStep(stage, step, tuple(step.responsible), due_of(step), tuple(overdue), done, passed)
