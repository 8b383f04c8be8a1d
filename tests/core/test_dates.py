"""Dates as parents and teachers write them, read relative to Monday 23 November 2026."""
from datetime import date, datetime, time

import pytest

from naervaer.dates import parse_clock, parse_days, parse_moment
from tests.helpers import TODAY

MON, TUE, WED, THU, FRI = (date(2026, 11, d) for d in (23, 24, 25, 26, 27))


@pytest.mark.parametrize(("text", "expected"), [
    ("i dag", [MON]), ("idag", [MON]), ("today", [MON]),
    ("i morgen", [TUE]), ("i morgon", [TUE]), ("tomorrow", [TUE]),
    ("onsdag", [WED]), ("på torsdag", [THU]), ("neste tirsdag", [TUE]),
    ("mandag", [MON]),  # a bare weekday that is today means today
    ("fra mandag til onsdag", [MON, TUE, WED]),
    ("frå tysdag til fredag", [TUE, WED, THU, FRI]),
    ("resten av uka", [MON, TUE, WED, THU, FRI]),
    ("resten av veka", [MON, TUE, WED, THU, FRI]),
    ("i dag og i morgen", [MON, TUE]),
    ("25.11", [WED]), ("25. november", [WED]),
    ("ida er syk i dag", [MON]),
    ("blablabla", []),
])
def test_parse_days(text, expected):
    assert parse_days(text, TODAY) == expected


def test_clock_times():
    assert parse_clock("neste tirsdag kl 10") == time(10, 0)
    assert parse_clock("kl. 14.30") == time(14, 30)
    assert parse_clock("at 9") == time(9, 0)
    assert parse_clock("10:15") == time(10, 15)
    assert parse_clock("i morgen") is None


def test_moment():
    assert parse_moment("sett opp nærværsmøte for Ida neste tirsdag kl 10", TODAY) == datetime(2026, 11, 24, 10, 0)
    assert parse_moment("tirsdag kl 10", TODAY) == datetime(2026, 11, 24, 10, 0)
    assert parse_moment("neste tirsdag", TODAY) is None


TUESDAY = date(2026, 11, 24)
A_WEEK_LATER = date(2026, 12, 1)


@pytest.mark.parametrize(("text", "expected"), [
    # Norwegian "neste <weekday>" said on that weekday means the one a week later; so does "next Tuesday".
    ("neste tirsdag", [A_WEEK_LATER]), ("neste tysdag", [A_WEEK_LATER]), ("nest tysdag", [A_WEEK_LATER]),
    ("kommende tirsdag", [A_WEEK_LATER]), ("next Tuesday", [A_WEEK_LATER]),
    ("sett opp nærværsmøte for Ida neste tirsdag kl 10", [A_WEEK_LATER]),
    ("fra neste tirsdag til torsdag", [A_WEEK_LATER, date(2026, 12, 2), date(2026, 12, 3)]),
    # A weekday without "neste" that is today is today, in a short phrase or a whole sentence.
    ("tirsdag", [TUESDAY]), ("på tirsdag", [TUESDAY]), ("sett opp nærværsmøte for Ida tirsdag kl 10", [TUESDAY]),
    # Another weekday is the coming one, with or without "neste"; a date in digits is that date.
    ("neste onsdag", [date(2026, 11, 25)]), ("tirsdag 1. desember", [A_WEEK_LATER]),
])
def test_next_weekday_said_on_that_weekday(text, expected):
    assert parse_days(text, TUESDAY) == expected


def test_next_tuesday_on_a_tuesday_is_a_meeting_a_week_later():
    assert parse_moment("neste tirsdag kl 10", TUESDAY) == datetime(2026, 12, 1, 10, 0)
    assert parse_moment("neste tirsdag kl 10", TODAY) == datetime(2026, 11, 24, 10, 0)  # said on the Monday
