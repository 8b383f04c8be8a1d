"""Every computable threshold: just under, at, and just over; window edges; non-school days.

All dates are in the 2026/27 default calendar. 2 November 2026 is a Monday; week 40
(28 Sep-2 Oct) is the autumn holiday; nothing else is off in October-November.
"""
from datetime import date, timedelta

import pytest

from naervaer.absence import AbsenceEvent, AbsenceKind, SchoolLevel
from naervaer.calendar import SchoolCalendar
from naervaer.guides import load_guide
from naervaer.rules.engine import evaluate

CAL = SchoolCalendar.for_school_year(2026)
ON = date(2026, 11, 27)  # a Friday
BS, VGS = SchoolLevel.BARNESKOLE, SchoolLevel.VGS
_ids = iter(range(1, 10**6))


def day(m, d, **kw):
    return AbsenceEvent(date(2026, m, d), AbsenceKind.DAY, record_id=next(_ids), **kw)


def hour(m, d, subject="MAT", hours=1.0, **kw):
    return AbsenceEvent(date(2026, m, d), AbsenceKind.HOUR, hours=hours, subject=subject, record_id=next(_ids), **kw)


def left(m, d):
    return AbsenceEvent(date(2026, m, d), AbsenceKind.LEFT_EARLY, record_id=next(_ids))


def flags(key, events, rule_id, on=ON, level=BS):
    return [f for f in evaluate(events, load_guide(key), on, CAL, level) if f.rule_id == rule_id]


# --- Jevnaker: "mer enn tre enkeltdager i løpet av en måned" (gt 3, rolling month) -----

def test_jevnaker_month_three_days_is_not_more_than_three():
    assert flags("jevnaker", [day(11, 2), day(11, 3), day(11, 4)], "jevnaker_days_month") == []


def test_jevnaker_month_four_days_flags():
    events = [day(11, 2), day(11, 3), day(11, 4), day(11, 5)]
    [f] = flags("jevnaker", events, "jevnaker_days_month")
    assert f.count == 4 and f.comparison == "gt" and f.limit == 3
    assert (f.window_start, f.window_end) == (date(2026, 10, 28), ON)
    assert set(f.record_ids) == {e.record_id for e in events}
    assert f.source.file == "000_03221b9fcb9971aa.txt" and f.source.lines == (116, 121)


def test_jevnaker_month_five_days_flags():
    [f] = flags("jevnaker", [day(11, d) for d in (2, 3, 4, 5, 6)], "jevnaker_days_month")
    assert f.count == 5


def test_jevnaker_month_window_edge():
    base = [day(11, 2), day(11, 3), day(11, 4)]
    assert flags("jevnaker", base + [day(10, 27)], "jevnaker_days_month") == []  # day before the window
    assert len(flags("jevnaker", base + [day(10, 28)], "jevnaker_days_month")) == 1  # first day of it


def test_jevnaker_month_non_school_days_and_duplicates_do_not_count():
    base = [day(11, 2), day(11, 3), day(11, 4)]
    assert flags("jevnaker", base + [day(11, 1)], "jevnaker_days_month") == []   # Sunday
    assert flags("jevnaker", base + [day(11, 3)], "jevnaker_days_month") == []   # same day twice
    assert flags("jevnaker", base + [day(11, 30)], "jevnaker_days_month") == []  # after the evaluation date


def test_jevnaker_month_rolls_over_month_boundary():
    # a calendar-month reading would see only 2 days in November
    events = [day(10, 29), day(10, 30), day(11, 2), day(11, 3)]
    assert len(flags("jevnaker", events, "jevnaker_days_month", on=date(2026, 11, 3))) == 1


# --- Jevnaker: "10% fravær eller mer i løpet av 15 uker" ---------------------------
# On Fri 4 Dec 2026 the 15 weeks are 22 Aug-4 Dec: weeks 35-49 minus week 40 = 70 school days.

PCT_ON = date(2026, 12, 4)
SPREAD = [(8, 26), (9, 9), (9, 23), (10, 14), (10, 28), (11, 11), (11, 25), (12, 2)]


def test_jevnaker_percent_just_under():
    assert flags("jevnaker", [day(m, d) for m, d in SPREAD[:6]], "jevnaker_percent_15_weeks", PCT_ON) == []


def test_jevnaker_percent_exactly_ten():
    [f] = flags("jevnaker", [day(m, d) for m, d in SPREAD[:7]], "jevnaker_percent_15_weeks", PCT_ON)
    assert (f.count, f.school_days, f.percent) == (7, 70, 10.0)
    assert f.window_start == date(2026, 8, 22)


def test_jevnaker_percent_over():
    [f] = flags("jevnaker", [day(m, d) for m, d in SPREAD], "jevnaker_percent_15_weeks", PCT_ON)
    assert f.count == 8 and f.percent == pytest.approx(100 * 8 / 70)


def test_jevnaker_percent_window_edge():
    events = [day(m, d) for m, d in SPREAD[1:7]] + [day(8, 21)]  # Fri 21 Aug is the day before
    assert flags("jevnaker", events, "jevnaker_percent_15_weeks", PCT_ON) == []


# --- Jevnaker: hours -------------------------------------------------------------
# 2 weeks / 14 days before Fri 27 Nov: 14-27 Nov.

def test_jevnaker_same_subject_two_hours_two_weeks():
    rule = "jevnaker_hours_same_subject_2_weeks"
    assert flags("jevnaker", [hour(11, 16, "MAT"), hour(11, 17, "NOR")], rule) == []  # one hour each
    [f] = flags("jevnaker", [hour(11, 16, "MAT"), hour(11, 20, "MAT"), hour(11, 17, "NOR")], rule)
    assert (f.subject, f.count, f.window_start) == ("MAT", 2, date(2026, 11, 14))
    assert len(f.records) == 2
    [f] = flags("jevnaker", [hour(11, 16, "MAT", 3.0)], rule)
    assert f.count == 3
    assert flags("jevnaker", [hour(11, 13, "MAT"), hour(11, 20, "MAT")], rule) == []  # 13th is outside
    assert flags("jevnaker", [hour(11, 15, "MAT"), hour(11, 20, "MAT")], rule) == []  # 15th is a Sunday


def test_jevnaker_five_hours_fourteen_days():
    rule = "jevnaker_hours_14_days"
    subjects = ["MAT", "NOR", "ENG", "NAT", "KRO", "MUS"]
    assert flags("jevnaker", [hour(11, 16 + i, s) for i, s in enumerate(subjects[:4])], rule) == []
    [f] = flags("jevnaker", [hour(11, 16 + i, s) for i, s in enumerate(subjects[:5])], rule)
    assert f.count == 5 and f.comparison == "ge"
    [f] = flags("jevnaker", [hour(11, 16, "MAT", 6.0)], rule)
    assert f.count == 6
    edge = [hour(11, 13, "MAT")] + [hour(11, 16 + i, s) for i, s in enumerate(subjects[:4])]
    assert flags("jevnaker", edge, rule) == []


def test_jevnaker_ten_hours_fifteen_weeks():
    rule = "jevnaker_hours_15_weeks"
    assert flags("jevnaker", [hour(9, 14, "NOR", 4.0), hour(10, 14, "ENG", 5.0)], rule) == []
    [f] = flags("jevnaker", [hour(9, 14, "NOR", 5.0), hour(10, 14, "ENG", 5.0)], rule)
    assert f.count == 10
    [f] = flags("jevnaker", [hour(9, 14, "NOR", 6.0), hour(10, 14, "ENG", 5.0)], rule)
    assert f.count == 11


# --- Alvøen: "3 dager eller mer per måned" (ge 3, rolling month) -----------------

def test_alvoen_month_under_at_over():
    rule = "alvoen_days_month"
    assert flags("alvoen", [day(11, 2), day(11, 3)], rule) == []
    [f] = flags("alvoen", [day(11, 2), day(11, 3), day(11, 4)], rule)
    assert f.count == 3 and f.window_start == date(2026, 10, 28)
    [f] = flags("alvoen", [day(11, 2), day(11, 3), day(11, 4), day(11, 5)], rule)
    assert f.count == 4


def test_same_three_days_flag_alvoen_but_not_jevnaker():
    events = [day(11, 2), day(11, 3), day(11, 4)]
    assert flags("alvoen", events, "alvoen_days_month")
    assert not flags("jevnaker", events, "jevnaker_days_month")


def test_alvoen_month_is_rolling_so_three_days_across_a_month_boundary_flag():
    # Mon 30 Nov, Tue 1 and Wed 2 Dec: the calendar month of 2 December holds two of them, and the
    # 3-month rule needs ten days, so the calendar reading flagged nobody.
    events = [day(11, 30), day(12, 1), day(12, 2)]
    [f] = flags("alvoen", events, "alvoen_days_month", on=date(2026, 12, 2))
    assert (f.count, f.window_start) == (3, date(2026, 11, 3))
    assert flags("alvoen", events, "alvoen_days_quarter", on=date(2026, 12, 2)) == []
    assert flags("alvoen", [day(10, 27), day(11, 2), day(11, 3)], "alvoen_days_month") == []  # 27 Oct is outside


def test_alvoen_ten_days_in_three_months():
    rule = "alvoen_days_quarter"  # on 27 Nov the window is 28 Aug-27 Nov
    nine = [day(9, 1), day(9, 8), day(9, 15), day(9, 22), day(10, 6), day(10, 13), day(10, 20), day(11, 3), day(11, 10)]
    assert flags("alvoen", nine, rule) == []
    [f] = flags("alvoen", nine + [day(8, 28)], rule)
    assert f.count == 10 and f.window_start == date(2026, 8, 28)
    assert flags("alvoen", nine + [day(8, 27)], rule) == []
    assert flags("alvoen", nine + [day(9, 30)], rule) == []  # autumn holiday
    assert flags("alvoen", nine + [day(11, 17), day(11, 18)], rule)[0].count == 11


# --- Tynset ----------------------------------------------------------------------

def test_tynset_more_than_three_days_per_month():
    rule = "tynset_days_month"
    assert flags("tynset", [day(11, 2), day(11, 3), day(11, 4)], rule) == []
    [f] = flags("tynset", [day(11, 2), day(11, 3), day(11, 4), day(11, 5)], rule)
    assert f.count == 4
    # a rolling month, like Jevnaker's: four days across the month boundary flag
    [f] = flags("tynset", [day(10, 30), day(11, 2), day(11, 3), day(11, 4)], rule)
    assert (f.count, f.window_start) == (4, date(2026, 10, 28))
    assert flags("tynset", [day(10, 27), day(11, 2), day(11, 3), day(11, 4)], rule) == []


def test_tynset_repeated_unexcused_lessons():
    rule = "tynset_unexcused_lessons_repeated"
    assert flags("tynset", [hour(11, 3)], rule) == []
    [f] = flags("tynset", [hour(11, 3), hour(11, 10, "NOR")], rule)
    assert f.count == 2
    assert flags("tynset", [hour(11, 3), hour(11, 10, "NOR", announced_by_home=True)], rule) == []
    assert flags("tynset", [hour(11, 3), hour(11, 10, "NOR", documented=True)], rule) == []
    assert flags("tynset", [hour(10, 30), hour(11, 10, "NOR")], rule)[0].count == 2  # within a month
    assert flags("tynset", [hour(10, 27), hour(11, 10, "NOR")], rule) == []  # 27 Oct is outside


# --- Ås: "7 dager fravær i løpet av 3 – 4 uker" and "2 - 3 ganger" ------------------
# Four weeks before Fri 27 Nov: 31 Oct-27 Nov.

def test_aas_seven_days_in_four_weeks():
    rule = "aas_days_4_weeks"
    six = [day(11, d) for d in (2, 3, 4, 5, 6, 9)]
    assert flags("aas", six, rule) == []
    [f] = flags("aas", six + [day(11, 10)], rule)
    assert (f.count, f.window_start) == (7, date(2026, 10, 31))
    assert flags("aas", six + [day(10, 30)], rule) == []
    assert flags("aas", six + [day(11, 10), day(11, 11)], rule)[0].count == 8


def test_aas_leaving_during_the_day():
    rule = "aas_left_early"
    assert flags("aas", [left(11, 3)], rule) == []
    assert flags("aas", [left(11, 3), left(11, 10)], rule)[0].count == 2
    assert flags("aas", [left(11, 3), left(11, 10), left(11, 17)], rule)[0].count == 3
    assert flags("aas", [left(10, 30), left(11, 10)], rule) == []


def test_aas_missed_lessons_counts_occasions():
    rule = "aas_missed_lessons"
    assert flags("aas", [hour(11, 3, "MAT", 2.0)], rule) == []                    # one lesson-occasion
    assert flags("aas", [hour(11, 3, "MAT"), hour(11, 3, "MAT")], rule) == []     # same subject, same day
    assert flags("aas", [hour(11, 3, "MAT"), hour(11, 3, "NOR")], rule)[0].count == 2
    assert flags("aas", [hour(11, 3), hour(11, 10), hour(11, 17)], rule)[0].count == 3


def test_aas_has_no_limits_for_kindergarten():
    events = [day(11, d) for d in range(2, 28)]
    assert evaluate(events, load_guide("aas"), ON, CAL, SchoolLevel.BARNEHAGE) == []


# --- Trøndelag: "borte tre eller flere ganger i løpet av en to ukers periode" -------

def test_trondelag_three_times_two_weeks():
    rule = "trondelag_away_3_times_2_weeks"
    assert flags("trondelag", [day(11, 16), hour(11, 18, "NOR")], rule, level=VGS) == []
    [f] = flags("trondelag", [day(11, 16, documented=True), hour(11, 18, "NOR"), left(11, 20)], rule, level=VGS)
    assert f.count == 3 and f.window_start == date(2026, 11, 14)
    assert flags("trondelag", [day(11, 13), hour(11, 18, "NOR"), left(11, 20)], rule, level=VGS) == []
    assert flags("trondelag", [day(11, d) for d in (16, 17, 18, 19)], rule, level=VGS)[0].count == 4


def test_trondelag_rules_do_not_apply_to_other_levels():
    events = [day(11, d) for d in (16, 17, 18, 19)]
    assert evaluate(events, load_guide("trondelag"), ON, CAL, BS) == []


# --- one reading rule, applied everywhere (docs/thresholds.md) ---------------------------------------
# Where a guide allows two readings, the one that flags earlier. A rolling month (or quarter) always
# holds the calendar month (or quarter) so far, so it flags whenever the calendar reading would.

def test_no_guide_reads_a_month_or_quarter_as_the_calendar_one():
    from naervaer.guides.loader import guide_keys
    from naervaer.guides.schema import WindowKind

    calendar_windows = {WindowKind.CALENDAR_MONTH, WindowKind.CALENDAR_QUARTER}
    found = [(key, rule.id) for key in guide_keys() for rule in
             [*load_guide(key).thresholds, *load_guide(key).judgement_signs.patterns]
             if rule.window.kind in calendar_windows]
    assert found == []


def test_the_rolling_month_flags_whenever_the_calendar_month_would():
    import random

    from naervaer.guides.schema import Window, WindowKind
    from naervaer.rules.engine import window_bounds

    rng = random.Random(16)
    for _ in range(400):
        on = date(2026, 8, 20) + timedelta(days=rng.randrange(300))
        cal_start, _ = window_bounds(Window(kind=WindowKind.CALENDAR_MONTH), on, CAL)
        roll_start, _ = window_bounds(Window(kind=WindowKind.ROLLING_MONTHS, length=1), on, CAL)
        assert roll_start <= cal_start, on


def test_docs_thresholds_md_is_generated_from_the_data_and_current():
    from naervaer.rules.thresholds_doc import PATH, render

    text = render()
    assert PATH.read_text(encoding="utf-8") == text, "run .venv/bin/python -m naervaer.rules.thresholds_doc"
    # the readings as now computed
    assert "| alvoen | `alvoen_days_month` |" in text and "window=rolling_months 1; ge 3" in text
    assert "`alvoen_pattern_subject` (pattern)" in text
    assert "`trondelag_unannounced_dialogue` |" in text and "streak=unannounced; run ≥ 1" in text
    assert "Absence spread over a month boundary is still caught by the 3-month rule" not in text
