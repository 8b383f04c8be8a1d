"""The shape of a municipal guide, as pydantic models.

The YAML files under ``data/`` are validated against these models when loaded,
so a typo in a threshold fails loudly instead of silently changing who gets flagged.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from naervaer.absence import AbsenceKind, SchoolLevel
from naervaer.languages import language


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


NonEmpty = Annotated[str, Field(min_length=1)]


class Localized(_Strict):
    """One text in each typed language (naervaer.languages; a test checks the fields match). A home
    language gets the text of the language its table entry names (`Language.texts`)."""

    nb: NonEmpty
    nn: NonEmpty
    en: NonEmpty

    def get(self, lang: str) -> str:
        return getattr(self, language(lang).texts)


class Source(_Strict):
    """Where in the seed text a fact comes from: the guide's own heading and the line range."""

    file: NonEmpty
    section: NonEmpty
    lines: tuple[int, int]

    @model_validator(mode="after")
    def _ordered(self) -> "Source":
        if not 1 <= self.lines[0] <= self.lines[1]:
            raise ValueError(f"lines must be [first, last] with 1 <= first <= last, got {list(self.lines)}")
        return self


class Item(_Strict):
    """A short piece of guidance (a sign, a factor, a tool) with its source."""

    id: NonEmpty
    text: Localized
    note: str | None = None
    source: Source


# --- thresholds -------------------------------------------------------------


class WindowKind(StrEnum):
    CALENDAR_MONTH = "calendar_month"        # the month containing the evaluation date, up to that date
    CALENDAR_QUARTER = "calendar_quarter"    # Jan-Mar, Apr-Jun, ... containing the evaluation date
    ROLLING_DAYS = "rolling_days"            # the last N calendar days, ending on the evaluation date
    ROLLING_WEEKS = "rolling_weeks"          # the last 7*N calendar days
    ROLLING_MONTHS = "rolling_months"        # from the same day N months back (exclusive) to the evaluation date
    ROLLING_SCHOOL_DAYS = "rolling_school_days"  # the last N school days


class Window(_Strict):
    kind: WindowKind
    length: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _length_matches_kind(self) -> "Window":
        calendar = self.kind in (WindowKind.CALENDAR_MONTH, WindowKind.CALENDAR_QUARTER)
        if calendar and self.length is not None:
            raise ValueError(f"a {self.kind.value} window has no length")
        if not calendar and self.length is None:
            raise ValueError(f"a {self.kind.value} window needs a length")
        return self


class Unit(StrEnum):
    DAYS = "days"              # distinct school days with a matching record
    HOURS = "hours"            # sum of lessons missed
    OCCASIONS = "occasions"    # distinct (school day, subject) pairs with a matching record
    PERCENT_OF_SCHOOL_DAYS = "percent_of_school_days"  # days / school days in the window * 100


class Comparison(StrEnum):
    GT = "gt"  # "mer enn"
    GE = "ge"  # "... eller mer", "minst", a bare number


class Threshold(_Strict):
    """A limit the engine can compute from registered absence."""

    id: NonEmpty
    counts: list[AbsenceKind] = Field(min_length=1)
    unit: Unit
    same_subject: bool = False
    unexcused_only: bool = False  # neither documented nor announced by the home
    window: Window
    comparison: Comparison
    limit: float = Field(gt=0)
    levels: list[SchoolLevel] = Field(min_length=1)
    text: Localized
    note: str | None = None
    source: Source

    @model_validator(mode="after")
    def _coherent(self) -> "Threshold":
        if self.unit is Unit.HOURS and self.counts != [AbsenceKind.HOUR]:
            raise ValueError("an hours threshold counts only 'hour' records")
        if self.unit in (Unit.DAYS, Unit.PERCENT_OF_SCHOOL_DAYS) and AbsenceKind.HOUR in self.counts:
            raise ValueError("a days threshold cannot count 'hour' records; use occasions")
        if self.unit is Unit.PERCENT_OF_SCHOOL_DAYS and self.limit > 100:
            raise ValueError("a percentage limit must be at most 100")
        if self.same_subject and AbsenceKind.HOUR not in self.counts:
            raise ValueError("same_subject needs 'hour' records, the only ones with a subject")
        return self


class PatternKind(StrEnum):
    SAME_WEEKDAY = "same_weekday"  # absence on one weekday, on distinct dates
    SAME_SUBJECT = "same_subject"  # hour absence in one subject, on distinct dates
    LEFT_EARLY = "left_early"      # left school during the day, on distinct dates
    LATE = "late"                  # came late, on distinct dates


class Pattern(_Strict):
    """A pattern the guide names, with our precise definition of when it shows."""

    id: NonEmpty
    kind: PatternKind
    counts: list[AbsenceKind] = Field(min_length=1)
    min_count: int = Field(ge=2)
    window: Window
    levels: list[SchoolLevel] = Field(min_length=1)
    text: Localized
    note: str | None = None
    source: Source


class JudgementSigns(_Strict):
    signs: list[Item] = Field(default_factory=list)     # need a person's judgement, not computed
    patterns: list[Pattern] = Field(default_factory=list)


# --- first day --------------------------------------------------------------


class FirstDayKind(StrEnum):
    HOME_REPORTS = "home_reports"            # the home tells the school on the first day
    SCHOOL_CONTACTS = "school_contacts"      # the school calls when the home has not
    PHONE_REQUIRED = "phone_required"        # longer absence: the home must phone
    ADULT_PUPIL = "adult_pupil"              # pupils of 18 or over report/are contacted themselves
    NO_RESPONSE = "no_response"              # what happens when nobody answers
    LOG_CONTACT = "log_contact"              # every contact is logged


class StreakKind(StrEnum):
    """Which run of consecutive school days a computed first-day rule looks at (naervaer.rules.streaks)."""

    ABSENT = "absent"            # whole-day absence, announced or not
    UNANNOUNCED = "unannounced"  # whole-day absence nobody announced (no report from home, no documentation)


class FirstDayRule(_Strict):
    id: NonEmpty
    kind: FirstDayKind
    responsible: str
    days: int | None = Field(default=None, ge=0)  # e.g. "over 3 days" -> 3; "on day 1" -> 1
    # Computed when set: the rule applies to a pupil whose run of `streak` school days, ending on the day
    # asked, reaches `days` (school_contacts: at least `days`; phone_required: more than `days`).
    streak: StreakKind | None = None
    text: Localized
    note: str | None = None
    source: Source

    @model_validator(mode="after")
    def _computable(self) -> "FirstDayRule":
        if self.streak is None:
            return self
        if self.kind not in (FirstDayKind.SCHOOL_CONTACTS, FirstDayKind.PHONE_REQUIRED):
            raise ValueError("only school_contacts and phone_required rules are computed from a streak")
        if self.days is None or (self.kind is FirstDayKind.SCHOOL_CONTACTS and self.days < 1):
            raise ValueError("a computed first-day rule needs its days (at least 1 for school_contacts)")
        return self


# --- follow-up path ---------------------------------------------------------

Role = Literal[
    "contact_teacher", "subject_teacher", "department_head", "principal", "school_management",
    "resource_team", "interdisciplinary_team", "absence_officer", "counsellor", "kindergarten_leader",
    "home", "pupil", "school_health_service", "ppt", "team_around_pupil",
    # Where a guide names no person: "skolen" (the school), "den som eier bekymringen" (whoever holds the
    # concern), "den som har best kjennskap til eleven" (the adult who knows the pupil best), "lege/spesialist".
    "school", "concern_owner", "closest_adult", "doctor",
]

MeetingKind = Literal["samtale", "naervaersmote", "fagmote", "samarbeidsmote", "evaluering"]


class DoneKind(StrEnum):
    CONTACT_HOME = "contact_home"
    MEETING = "meeting"
    MEASURE = "measure"
    EVALUATION = "evaluation"
    MANUAL = "manual"  # no logged event marks it; a person ticks it off


class DoneBy(_Strict):
    kind: DoneKind
    meeting_kind: MeetingKind | None = None
    initiated_by: Literal["school", "home"] | None = None
    reached: bool | None = None

    @model_validator(mode="after")
    def _meeting(self) -> "DoneBy":
        if (self.kind is DoneKind.MEETING) != (self.meeting_kind is not None):
            raise ValueError("meeting_kind is given exactly when kind is 'meeting'")
        return self


class Due(_Strict):
    """A deadline relative to an earlier step (or 'flagged'): latest = ``days``, earliest = ``min_days``."""

    after: NonEmpty
    days: int = Field(ge=0)
    min_days: int | None = Field(default=None, ge=0)
    school_days: bool = False
    # The deadline in the guide's own words ("etter 2-4 uker", "innen 2-5 dager etter fagmøtet"), said
    # beside the computed date; its numbers must be in the step's cited lines (tests/core/test_fidelity_guides.py).
    says: Localized | None = None

    @model_validator(mode="after")
    def _range(self) -> "Due":
        if self.min_days is not None and self.min_days > self.days:
            raise ValueError("min_days must not exceed days")
        return self


class Step(_Strict):
    id: NonEmpty
    text: Localized
    responsible: list[Role] = Field(min_length=1)
    due: Due | None = None
    meeting_kind: MeetingKind | None = None
    # Who takes part in the step's meeting as the guide names them, the pupil included where it says so
    # (the responsible run it and are invited too). None: the guide names nobody, and the booker invites
    # the contact teacher, the home and the responsible (conversations/meetings.py).
    participants: list[Role] | None = Field(default=None, min_length=1)
    done_by: DoneBy
    note: str | None = None  # a reading we chose (who is responsible, a deadline), in English
    source: Source
    also: list[Source] = Field(default_factory=list)  # other seed lines the step draws on


class Stage(_Strict):
    id: NonEmpty
    title: Localized
    levels: list[SchoolLevel] | None = None  # None: the stage applies at every level of the guide
    bti_level: int | None = Field(default=None, ge=0, le=3)  # the guide's BTI/BTTI level (0-3), where it names one
    steps: list[Step] = Field(min_length=1)
    source: Source

    def applies_to(self, level: SchoolLevel | None) -> bool:
        return level is None or self.levels is None or level in self.levels


class Followup(_Strict):
    kind: Literal["bti_levels", "work_wheel", "numbered_routine", "practical_order"]
    stages: list[Stage] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _references(self) -> "Followup":
        seen: set[str] = set()
        for stage in self.stages:
            for step in stage.steps:
                if step.id in seen:
                    raise ValueError(f"step id {step.id!r} is used twice")
                if step.due and step.due.after != "flagged" and step.due.after not in seen:
                    raise ValueError(f"step {step.id!r} is due after {step.due.after!r}, which is not an earlier step")
                seen.add(step.id)
        return self

    def steps(self, level: SchoolLevel | None = None) -> list[tuple[Stage, Step]]:
        return [(stage, step) for stage in self.stages if stage.applies_to(level) for step in stage.steps]


# --- agencies ---------------------------------------------------------------

AGENCY_SYNONYMS: dict[str, str] = {
    "ppt": "ppt", "pp-tjenesten": "ppt", "pp-tenesta": "ppt", "pedagogisk-psykologisk tjeneste": "ppt",
    "skolehelsetjenesten": "skolehelsetjenesten", "skolehelsetenesta": "skolehelsetjenesten",
    "helsesøster": "skolehelsetjenesten", "helsesykepleier": "skolehelsetjenesten",
    "helsesjukepleiar": "skolehelsetjenesten", "helsestasjon": "skolehelsetjenesten",
    "forebyggende helse": "skolehelsetjenesten",
    "barnevern": "barnevern", "barneverntjenesten": "barnevern", "barnevernstjenesten": "barnevern",
    "barnevernet": "barnevern", "barnevernstenesta": "barnevern",
    "bup": "bup", "barne- og ungdomspsykiatrien": "bup", "spesialisthelsetjenesten": "bup", "dps": "bup",
    "fastlege": "fastlege", "lege": "fastlege",
    "nav": "nav",
    "ot": "oppfolgingstjenesten", "oppfølgingstjenesten": "oppfolgingstjenesten",
    "habu": "habu", "habiliteringstjenesten": "habu",
    "ressursteam": "ressursteam", "tverrfaglig ressursteam": "ressursteam",
    "ip": "individuell_plan", "individuell plan": "individuell_plan", "koordinator": "individuell_plan",
}


def canonical_agency(name: str) -> str | None:
    """Map what a person types ("PP-tjenesten", "helsesøster") to an agency key."""
    return AGENCY_SYNONYMS.get(name.strip().lower())


class Agency(_Strict):
    key: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    name: Localized
    role: Localized
    source: Source


# --- the guide --------------------------------------------------------------


class Guide(_Strict):
    key: Annotated[str, Field(pattern=r"^[a-z]+$")]
    # The guide's place in lists and the municipality buttons (loader.guide_keys); none: after those with one.
    order: int | None = Field(default=None, ge=1)
    title: NonEmpty
    owner: NonEmpty
    source_file: NonEmpty
    school_levels: list[SchoolLevel] = Field(min_length=1)
    thresholds: list[Threshold] = Field(default_factory=list)
    judgement_signs: JudgementSigns = Field(default_factory=JudgementSigns)
    first_day: list[FirstDayRule] = Field(default_factory=list)
    followup: Followup
    agencies: list[Agency] = Field(default_factory=list)
    early_signs: list[Item] = Field(default_factory=list)
    risk_factors: list[Item] = Field(default_factory=list)
    protective_factors: list[Item] = Field(default_factory=list)
    tools: list[Item] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> "Guide":
        ids = [t.id for t in self.thresholds] + [p.id for p in self.judgement_signs.patterns]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"rule ids used twice: {sorted(dupes)}")
        for rule in [*self.thresholds, *self.judgement_signs.patterns]:
            if rule.source.file != self.source_file:
                raise ValueError(f"{rule.id}: source.file {rule.source.file!r} is not this guide's {self.source_file!r}")
            stray = set(rule.levels) - set(self.school_levels)
            if stray:
                raise ValueError(f"{rule.id}: levels {sorted(stray)} are not among the guide's school_levels")
        return self

    def threshold(self, rule_id: str) -> Threshold:
        for t in self.thresholds:
            if t.id == rule_id:
                return t
        raise KeyError(rule_id)

    def pattern(self, rule_id: str) -> Pattern:
        for p in self.judgement_signs.patterns:
            if p.id == rule_id:
                return p
        raise KeyError(rule_id)
