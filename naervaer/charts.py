"""A pupil's absence over the last 15 weeks as a PNG: one row per weekday, one column per week,
so a pattern (always Mondays, always after the weekend) shows at a glance, with the days on which
the school's guide counted the absence as worrying marked underneath.

Drawn with matplotlib's object-oriented API (a `Figure` of its own on an Agg canvas, never `pyplot`
and its global state), so actions drawing in several threads at once do not disturb each other.
A chart is named by a digest of everything it shows and drawn only once: the same absence, day,
guide, level, language and name give the same file, and any new absence gives a new one."""
from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from naervaer.absence import AbsenceEvent, AbsenceKind, SchoolLevel
from naervaer.calendar import SchoolCalendar
from naervaer.guides.schema import Guide
from naervaer.i18n import N_, t
from naervaer.rules.engine import evaluate

WEEKS = 15
HISTORY = timedelta(weeks=WEEKS + 16)  # the events a chart needs: the longest windows reach ~15 weeks further back
DRAWING = 1  # raise when the picture changes, so charts drawn before are not reused
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"))
# 0 school day, 1 late / left early, 2 hour absence, 3 whole day, 4 no school
COLOURS = ListedColormap(["#f2f2f2", "#f6d365", "#f08a24", "#c0392b", "#ffffff"])
FLAGGED = ListedColormap(["#ffffff", "#8e44ad"])


@dataclass(frozen=True)
class ChartRequest:
    """Everything one chart needs, read from the store beforehand, so that drawing it (slow) holds
    no transaction open."""

    events: tuple[AbsenceEvent, ...]
    guide: Guide
    level: SchoolLevel
    calendar: SchoolCalendar
    on: date
    first_name: str
    lang: str
    directory: Path

    def digest(self) -> str:
        """What the picture shows, in a few hex digits: equal digests, equal pictures."""
        since = self.on - HISTORY
        school_days = "".join("1" if self.calendar.is_school_day(since + timedelta(days=d)) else "0"
                              for d in range((self.on - since).days + 1))
        parts = [f"drawing {DRAWING}", self.on.isoformat(), self.guide.key, str(self.level), self.lang,
                 self.first_name, school_days, self.guide.model_dump_json(),
                 *sorted(repr(e) for e in self.events)]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]

    @property
    def path(self) -> Path:
        return self.directory / f"absence-{self.digest()}.png"

    def draw(self) -> Path:
        """The chart's PNG, drawn now unless an identical one is already there."""
        path = self.path
        if path.exists():
            return path
        return absence_chart(list(self.events), self.guide, self.level, self.calendar, self.on, self.first_name,
                             self.lang, path)

    def alt_text(self) -> str:
        return alt_text(chart_grid(list(self.events), self.guide, self.level, self.calendar, self.on), self.guide,
                        self.first_name, self.lang)


@dataclass(frozen=True)
class ChartGrid:
    """What the chart shows, as numbers: the picture and its text alternative are drawn from this one."""

    monday: date  # of the first week shown
    grid: list[list[int]]  # [weekday][week]: 0 school day, 1 late / left early, 2 lessons, 3 whole day, 4 no school
    flagged_weeks: list[int]  # 1 where the guide counted the absence as worrying on a day of that week

    @property
    def weeks(self) -> list[date]:
        return [self.monday + timedelta(weeks=w) for w in range(WEEKS)]

    def count(self, value: int) -> int:
        return sum(row.count(value) for row in self.grid)


def chart_grid(events: list[AbsenceEvent], guide: Guide, level: SchoolLevel, calendar: SchoolCalendar,
               on: date) -> ChartGrid:
    monday = on - timedelta(days=on.weekday()) - timedelta(weeks=WEEKS - 1)
    grid = [[4] * WEEKS for _ in range(5)]
    flagged_weeks = [0] * WEEKS
    by_day: dict[date, int] = {}
    for e in events:
        weight = 3 if e.kind == AbsenceKind.DAY else 2 if e.kind == AbsenceKind.HOUR else 1
        by_day[e.on] = max(by_day.get(e.on, 0), weight)
    for week in range(WEEKS):
        for weekday in range(5):
            day = monday + timedelta(weeks=week, days=weekday)
            if day > on or not calendar.is_school_day(day):
                continue
            grid[weekday][week] = by_day.get(day, 0)
            if evaluate(events, guide, day, calendar, level):
                flagged_weeks[week] = 1
    return ChartGrid(monday, grid, flagged_weeks)


def alt_text(shown: ChartGrid, guide: Guide, first_name: str, lang: str) -> str:
    """The chart in words, for a screen reader and for anyone the picture does not reach."""
    worrying = [str(d.isocalendar()[1]) for d, flagged in zip(shown.weeks, shown.flagged_weeks) if flagged]
    text = t(lang, "Chart of {name}'s absence over the last 15 weeks, one row per weekday: {days} whole days, "
                   "{lessons} days with lessons missed, {late} days late or left early.",
             name=first_name, days=shown.count(3), lessons=shown.count(2), late=shown.count(1))
    if worrying:
        return text + " " + t(lang, "Weeks worrying by {guide}'s guide: {weeks}.", guide=guide.key.capitalize(),
                              weeks=", ".join(worrying))
    return text + " " + t(lang, "No week was worrying by {guide}'s guide.", guide=guide.key.capitalize())


def absence_chart(events: list[AbsenceEvent], guide: Guide, level: SchoolLevel, calendar: SchoolCalendar,
                  on: date, first_name: str, lang: str, path: Path) -> Path:
    shown = chart_grid(events, guide, level, calendar, on)
    grid, flagged_weeks = shown.grid, shown.flagged_weeks
    fig = Figure(figsize=(8, 3.6))
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, height_ratios=[5, 1], sharex=True)
    top.imshow(grid, cmap=COLOURS, vmin=0, vmax=4, aspect="auto")
    top.set_yticks(range(5), [t(lang, d) for d in WEEKDAYS])
    top.set_title(t(lang, "{name}: absence over the last 15 weeks", name=first_name), fontsize=11)
    bottom.imshow([flagged_weeks], cmap=FLAGGED, vmin=0, vmax=1, aspect="auto")
    bottom.set_yticks([0], [t(lang, "Worrying")])
    bottom.set_xticks(range(WEEKS), [str(d.isocalendar()[1]) for d in shown.weeks], fontsize=8)
    bottom.set_xlabel(t(lang, "Week (purple: worrying by {guide})", guide=guide.key.capitalize()), fontsize=9)
    legend = [Rectangle((0, 0), 1, 1, color=COLOURS(i / 4)) for i in (3, 2, 1)]
    top.legend(legend, [t(lang, "Whole day"), t(lang, "Lessons"), t(lang, "Late or left early")],
               loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside its name and renamed at once: a reader never gets half a PNG, and two threads
    # drawing the same chart each write their own file and the last rename wins.
    partial = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.part")
    try:
        fig.savefig(partial, dpi=110, format="png")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
