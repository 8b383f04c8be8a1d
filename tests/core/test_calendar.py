from datetime import date

import pytest

from naervaer.calendar import HolidayDefaults, SchoolCalendar

CAL = SchoolCalendar.for_school_year(2026)


@pytest.mark.parametrize("day", [
    date(2027, 5, 17),   # Constitution Day (a Monday in 2027)
    date(2027, 3, 29),   # Easter Monday 2027
    date(2027, 3, 25),   # Maundy Thursday
    date(2027, 5, 6),    # Ascension Day
    date(2027, 1, 1),    # New Year's Day
])
def test_public_holidays_are_not_school_days(day):
    assert day.weekday() < 5
    assert not CAL.is_school_day(day)


@pytest.mark.parametrize("day", [
    date(2026, 9, 30),   # autumn holiday, ISO week 40
    date(2026, 12, 22),  # Christmas holiday
    date(2027, 2, 24),   # winter holiday, ISO week 8
    date(2027, 3, 24),   # Easter week, Wednesday before Maundy Thursday
    date(2027, 7, 1),    # summer
    date(2026, 8, 18),   # last day of summer holiday by default
])
def test_default_school_holidays_are_not_school_days(day):
    assert not CAL.is_school_day(day)


@pytest.mark.parametrize("day", [date(2026, 8, 19), date(2026, 11, 3), date(2027, 1, 4), date(2027, 3, 30)])
def test_ordinary_weekdays_are_school_days(day):
    assert CAL.is_school_day(day)


def test_weekends_are_not_school_days():
    assert not CAL.is_school_day(date(2026, 11, 7))
    assert not CAL.is_school_day(date(2026, 11, 8))


def test_school_days_is_inclusive():
    assert CAL.school_days(date(2026, 11, 2), date(2026, 11, 8)) == [date(2026, 11, d) for d in range(2, 7)]
    assert CAL.count_school_days(date(2026, 11, 2), date(2026, 11, 2)) == 1


def test_count_matches_list_across_new_year():
    start, end = date(2026, 12, 1), date(2027, 1, 31)
    assert CAL.count_school_days(start, end) == len(CAL.school_days(start, end)) == 14 + 20  # Dec 1-18 (Tue 1st), Jan 4-29


def test_configured_weeks_ranges_and_days_off():
    cal = SchoolCalendar(holiday_weeks=[(2026, 45), (date(2026, 11, 16), date(2026, 11, 17))],
                         extra_days_off=[date(2026, 11, 20)])
    assert not cal.is_school_day(date(2026, 11, 4))   # week 45
    assert not cal.is_school_day(date(2026, 11, 17))  # range, inclusive end
    assert cal.is_school_day(date(2026, 11, 18))
    assert not cal.is_school_day(date(2026, 11, 20))
    assert cal.is_school_day(date(2026, 9, 30))       # no default autumn week here


def test_defaults_are_configurable():
    cal = SchoolCalendar.for_school_year(2026, HolidayDefaults(autumn_week=41, easter_week=False))
    assert cal.is_school_day(date(2026, 9, 30))
    assert not cal.is_school_day(date(2026, 10, 7))
    assert cal.is_school_day(date(2027, 3, 24))


def test_school_days_back():
    assert CAL.school_days_back(date(2026, 11, 9), 2) == date(2026, 11, 6)
