"""A pupil's absence over the last 15 weeks as a PNG: one row per weekday, one column per week,
so a pattern (always Mondays, always after the weekend) shows at a glance, with the days on which
the school's guide counted the absence as worrying marked underneath."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen on a server
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402

from naervaer.absence import AbsenceEvent, AbsenceKind, SchoolLevel  # noqa: E402
from naervaer.calendar import SchoolCalendar  # noqa: E402
from naervaer.guides.schema import Guide  # noqa: E402
from naervaer.i18n import N_, t  # noqa: E402
from naervaer.rules.engine import evaluate  # noqa: E402

WEEKS = 15
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"))
# 0 school day, 1 late / left early, 2 hour absence, 3 whole day, 4 no school
COLOURS = ListedColormap(["#f2f2f2", "#f6d365", "#f08a24", "#c0392b", "#ffffff"])


def absence_chart(events: list[AbsenceEvent], guide: Guide, level: SchoolLevel, calendar: SchoolCalendar,
                  on: date, first_name: str, lang: str, path: Path) -> Path:
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

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 3.6), height_ratios=[5, 1], sharex=True)
    top.imshow(grid, cmap=COLOURS, vmin=0, vmax=4, aspect="auto")
    top.set_yticks(range(5), [t(lang, d) for d in WEEKDAYS])
    top.set_title(t(lang, "{name}: absence over the last 15 weeks", name=first_name), fontsize=11)
    bottom.imshow([flagged_weeks], cmap=ListedColormap(["#ffffff", "#8e44ad"]), vmin=0, vmax=1, aspect="auto")
    bottom.set_yticks([0], [t(lang, "Worrying")])
    weeks = [monday + timedelta(weeks=w) for w in range(WEEKS)]
    bottom.set_xticks(range(WEEKS), [str(d.isocalendar()[1]) for d in weeks], fontsize=8)
    bottom.set_xlabel(t(lang, "Week (purple: worrying by {guide})", guide=guide.key.capitalize()), fontsize=9)
    legend = [plt.Rectangle((0, 0), 1, 1, color=COLOURS(i / 4)) for i in (3, 2, 1)]
    top.legend(legend, [t(lang, "Whole day"), t(lang, "Lessons"), t(lang, "Late or left early")],
               loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
